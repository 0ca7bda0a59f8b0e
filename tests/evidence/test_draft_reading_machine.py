"""A Hypothesis state machine over consent, learning mode changes and draft reads.

Rules: any party gives or withdraws any consent; any party adds evidence; an admin
proposes, agrees to, objects to or withdraws a change of learning mode (through the
API); the learning partner drafts or redrafts; the re-render task runs; and any role reads
the brief through the API or an export. After every read the machine checks, from its
own model of consent and mode, the rule PRODUCT.md states: a reader gets a draft only
if it is the learning partner or the partnership learns *with* its parties, and never
sees more of a party's evidence in a draft than it may see as raw evidence.
"""

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from evidence.models import Evidence, InsightBrief
from evidence.services.briefs import brief_draft, brief_redraft, brief_request
from evidence.synthesis import evidence_ids_in
from partnerships.models import Partnership
from tests.consent.helpers import api_url, decide
from tests.evidence.briefs_scene import OCTOBER, add_evidence, api, brief_scene, client_for

pytestmark = pytest.mark.django_db

PURPOSES = ("participate", "share_with_funder", "share_with_parties")
FORMATS = ("json", "md", "html")
READERS = ("funder_admin", "funder_member", "lp_member", "grantee_admin", "grantee2_admin")


class DraftReading(RuleBasedStateMachine):
    """One partnership (built once per test), each run inside a rolled-back transaction."""

    scene: Any = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        scene = type(self).scene
        self.s = scene
        self.parties = {
            "funder": scene.funder_party,
            "lp": scene.lp_party,
            "grantee": scene.grantee_party,
            "grantee2": scene.grantee2_party,
        }
        self.admins = {
            "funder": scene.funder_admin,
            "lp": scene.lp_admin,
            "grantee": scene.grantee_admin,
            "grantee2": scene.grantee2_admin,
        }
        self.readers = {name: getattr(scene, name) for name in READERS}
        self.reader_party = {
            "funder_admin": "funder",
            "funder_member": "funder",
            "lp_member": "lp",
            "grantee_admin": "grantee",
            "grantee2_admin": "grantee2",
        }
        self.brief: InsightBrief | None = None
        self.markers: dict[int, tuple[str, str]] = {}  # evidence id -> (party, marker)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- The model ------------------------------------------------------------------------

    def consent(self, party: str, purpose: str) -> bool:
        from consent.models import ConsentState

        return ConsentState.objects.filter(
            party=self.parties[party], purpose=purpose, granted=True
        ).exists()

    def may_see_raw(self, reader: str, party: str) -> bool:
        mine = self.reader_party[reader]
        if mine == party:
            return True
        if not self.consent(party, "participate"):
            return False
        role = self.parties[mine].role
        if role == "learning_partner":
            return True
        if role == "funder":
            return self.consent(party, "share_with_funder")
        return self.consent(party, "share_with_parties")

    def learning_with(self) -> bool:
        return (
            Partnership.objects.get(pk=self.s.partnership.pk).learning_mode
            == Partnership.LearningMode.LEARNING_WITH
        )

    # --- Rules ----------------------------------------------------------------------------

    @initialize(mode=st.sampled_from(["learning_for", "learning_with"]), draft=st.booleans())
    def start(self, mode: str, draft: bool) -> None:
        """Start in either mode (the way it was agreed is not this run's point), with
        evidence from each grantee and the funder, and maybe a draft already."""
        Partnership.objects.filter(pk=self.s.partnership.pk).update(learning_mode=mode)
        for party in ("grantee", "grantee2", "funder"):
            self._add(party)
        if draft:
            self.draft()

    def _add(self, party: str) -> None:
        item = add_evidence(self.parties[party], kind=Evidence.Kind.QUOTE, body="placeholder")
        marker = f"mark{item.pk}q"
        Evidence.objects.filter(pk=item.pk).update(body=f"They said {marker} today")
        self.markers[item.pk] = (party, marker)

    @rule(party=st.sampled_from(["grantee", "grantee2", "funder"]))
    def add_evidence(self, party: str) -> None:
        self._add(party)

    @rule(
        party=st.sampled_from(["grantee", "grantee2", "funder"]),
        purpose=st.sampled_from(PURPOSES),
        decision=st.sampled_from(["grant", "withdraw"]),
    )
    def change_consent(self, party: str, purpose: str, decision: str) -> None:
        decide(self.parties[party], purpose, decision)

    @rule(party=st.sampled_from(["funder", "lp", "grantee", "grantee2"]))
    def propose_the_other_mode(self, party: str) -> None:
        other = "learning_for" if self.learning_with() else "learning_with"
        response = client_for(self.admins[party]).post(
            api_url("learning-mode", partnership_pk=self.s.partnership.pk),
            {"learning_mode": other},
        )
        assert response.status_code in (201, 409), response.content

    @rule(
        party=st.sampled_from(["funder", "lp", "grantee", "grantee2"]),
        decision=st.sampled_from(["agree", "agree", "object"]),
    )
    def answer(self, party: str, decision: str) -> None:
        before = self.learning_with()
        response = client_for(self.admins[party]).post(
            api_url("learning-mode-answer", partnership_pk=self.s.partnership.pk),
            {"decision": decision},
        )
        assert response.status_code in (200, 409), response.content
        if response.status_code == 200 and response.json()["status"] != "agreed":
            assert self.learning_with() == before, "the mode changed without every party"

    @rule()
    def draft(self) -> None:
        if self.brief is None:
            self.brief, _ = brief_request(
                partnership=self.s.partnership,
                period_start=OCTOBER[0],
                period_end=OCTOBER[1],
                by=self.s.lp_member,
            )
        else:
            self.brief.refresh_from_db()
            brief_redraft(brief=self.brief, by=self.s.lp_member)
        brief_draft(brief_id=self.brief.pk)

    @rule(reader=st.sampled_from(READERS), fmt=st.sampled_from(FORMATS))
    def read(self, reader: str, fmt: str) -> None:
        if self.brief is None:
            return
        client = client_for(self.readers[reader])
        detail = client.get(api("brief-detail", pk=self.brief.pk))
        may_read_drafts = self.learning_with() or self.reader_party[reader] == "lp"
        if not may_read_drafts:
            assert detail.status_code == 404, f"{reader} read a draft in learning for mode"
            return
        assert detail.status_code == 200
        body = detail.json()
        shown = evidence_ids_in(body["sections"]) | set(body["cited_evidence"])
        cited = set(body["cited_evidence"])
        for section in body["sections"]:
            for finding in section["findings"]:
                # A finding rests on evidence the reader's brief cites, never on nothing.
                assert finding["evidence"], finding
                assert set(finding["evidence"]) & cited, finding
        export = client.get(api("brief-export", pk=self.brief.pk) + f"?format={fmt}")
        assert export.status_code == 200
        text = detail.content.decode() + export.content.decode()
        for pk, (party, marker) in self.markers.items():
            allowed = self.may_see_raw(reader, party) and self.consent(party, "participate")
            if not allowed:
                assert pk not in shown, f"{reader} shown evidence {pk} of {party}"
                assert marker not in text, f"{reader} read evidence {pk} of {party} ({fmt})"

    @invariant()
    def one_open_change_at_most(self) -> None:
        from consent.models import LearningModeChange

        assert (
            LearningModeChange.objects.filter(
                partnership=self.s.partnership, outcome="open"
            ).count()
            <= 1
        )


def test_no_reader_ever_sees_more_of_a_draft_than_consent_allows():
    scene = brief_scene(learning_mode="learning_for")
    DraftReading.scene = scene
    machine = DraftReading.TestCase
    machine.settings = settings(
        max_examples=25,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
