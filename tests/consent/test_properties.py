"""Property-based: whatever sequence of decisions, the current state is the history's last word.

Each generated sequence runs inside a transaction that is rolled back, on one partnership
built once per test, so examples never see each other's decisions.
"""

from itertools import product

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.models import ConsentRecord, ConsentState
from consent.selectors import ChallengeArea, challenges_publishable
from consent.services import challenge_record, consent_record
from tests.consent.helpers import agreed_question, api_url, client_for
from tests.partnerships.factories import admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db

PURPOSES = ["participate", "publish", "attribute", "share_with_funder", "share_with_parties"]
CHANNELS = ["workshop", "private_report", "published_brief"]
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _last_decisions_in_history(partnership) -> dict[tuple[int, str], tuple[bool, int]]:  # type: ignore[no-untyped-def]
    last: dict[tuple[int, str], tuple[bool, int]] = {}
    for record in ConsentRecord.objects.filter(partnership=partnership).order_by(
        "recorded_at", "id"
    ):
        last[(record.party_id, record.purpose)] = (record.decision == "grant", record.pk)
    return last


def test_the_consent_state_always_equals_the_last_decision_per_party_and_purpose():
    scene = build_partnership_scene()
    parties = [scene.funder_party, scene.lp_party, scene.grantee_party]
    current_url = api_url("consent-current", partnership_pk=scene.partnership.pk)
    consents_url = api_url("consent-list", partnership_pk=scene.partnership.pk)
    steps = st.lists(
        st.tuples(
            st.sampled_from(range(len(parties))),
            st.sampled_from(PURPOSES),
            st.sampled_from(["grant", "withdraw"]),
            st.booleans(),  # through the API, or straight through the service
        ),
        max_size=25,
    )

    @SETTINGS
    @given(steps=steps)
    def run(steps: list[tuple[int, str, str, bool]]) -> None:
        with transaction.atomic():
            expected: dict[tuple[int, str], bool] = {}
            for index, purpose, decision, via_api in steps:
                party = parties[index]
                admin = admin_of(party.organisation)
                if via_api:
                    response = client_for(admin).post(
                        consents_url, {"purpose": purpose, "decision": decision}, format="json"
                    )
                    assert response.status_code == 201, response.json()
                else:
                    consent_record(party=party, purpose=purpose, decision=decision, by=admin)
                expected[(party.pk, purpose)] = decision == "grant"

                states = {
                    (s.party_id, s.purpose): (s.granted, s.record_id)
                    for s in ConsentState.objects.filter(partnership=scene.partnership)
                }
                history = _last_decisions_in_history(scene.partnership)
                assert ConsentState.objects.filter(partnership=scene.partnership).count() == len(
                    expected
                )
                assert states == history
                assert {key: granted for key, (granted, _) in states.items()} == expected

            shown = client_for(scene.funder_member).get(current_url).json()
            assert {
                (row["party"], purpose): granted
                for row in shown
                for purpose, granted in row["purposes"].items()
            } == {
                (party.pk, purpose): expected.get((party.pk, purpose), False)
                for party, purpose in product(parties, PURPOSES)
            }
            transaction.set_rollback(True)

    run()


class ChallengeModel:
    """The meaning of permission to challenge, written out plainly: "*" per channel, and
    (question, channel) pairs. Withdrawing one question under "*" keeps the others agreed
    now."""

    def __init__(self, questions: list[int]) -> None:
        self.questions = questions
        self.everything: set[tuple[int, str]] = set()
        self.pairs: set[tuple[int, int, str]] = set()

    def apply(
        self, party: int, decision: str, areas: list[int] | None, channels: list[str]
    ) -> None:
        for channel in channels:
            if decision == "grant":
                if areas is None:
                    self.everything.add((party, channel))
                else:
                    self.pairs |= {(party, q, channel) for q in areas}
            elif areas is None:
                self.everything.discard((party, channel))
                self.pairs -= {(party, q, channel) for q in self.questions}
            else:
                if (party, channel) in self.everything:
                    self.everything.remove((party, channel))
                    self.pairs |= {(party, q, channel) for q in self.questions if q not in areas}
                self.pairs -= {(party, q, channel) for q in areas}

    def permits(self, party: int, question: int | None, channel: str) -> bool:
        return (party, channel) in self.everything or (
            question is not None and (party, question, channel) in self.pairs
        )


def test_permission_to_challenge_always_equals_its_history_folded():
    scene = build_partnership_scene()
    parties = [scene.funder_party, scene.grantee_party]
    questions = [agreed_question(scene.partnership, f"Question {n}").pk for n in range(3)]
    permissions_url = api_url("challenge-permission-list", partnership_pk=scene.partnership.pk)
    areas = st.one_of(
        st.none(),  # everything
        st.lists(st.sampled_from(questions), min_size=1, max_size=3, unique=True),
    )
    steps = st.lists(
        st.tuples(
            st.sampled_from(range(len(parties))),
            st.sampled_from(["grant", "withdraw"]),
            areas,
            st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3, unique=True),
            st.booleans(),
        ),
        max_size=15,
    )
    challenges = [
        ChallengeArea(party=party.pk, question=question)
        for party in parties
        for question in [*questions, None]
    ]

    @SETTINGS
    @given(steps=steps)
    def run(steps: list[tuple[int, str, list[int] | None, list[str], bool]]) -> None:
        with transaction.atomic():
            model = ChallengeModel(questions)
            for index, decision, chosen, channels, via_api in steps:
                party = parties[index]
                admin = admin_of(party.organisation)
                wire_areas: list[int | str] = ["*"] if chosen is None else list(chosen)
                if via_api:
                    body = {"decision": decision, "areas": wire_areas, "channels": channels}
                    response = client_for(admin).post(permissions_url, body, format="json")
                    assert response.status_code == 201, response.json()
                else:
                    challenge_record(
                        party=party,
                        decision=decision,
                        areas=wire_areas,
                        channels=channels,
                        by=admin,
                    )
                model.apply(party.pk, decision, chosen, channels)

                for channel in CHANNELS:
                    answers = challenges_publishable(
                        partnership=scene.partnership, challenges=challenges, channel=channel
                    )
                    assert answers == {
                        c: model.permits(c.party, c.question, channel) for c in challenges
                    }
            transaction.set_rollback(True)

    run()
