"""The rules of who sees what (``consent.selectors``), over roles × consent states.

Evidence rows come from the factory, so the rules are tested whatever the evidence
services do.
"""

from dataclasses import dataclass

import pytest

from accounts.models import User
from consent.selectors import (
    ChallengeArea,
    challenge_publishable,
    challenges_publishable,
    consent_granted,
    consent_to_decide_for,
    evidence_citable,
    evidence_parties_visible_to,
    evidence_visible_to,
    evidence_visible_to_party,
    quote_attribution,
    roles_shared,
    sharing_state,
)
from evidence.models import Evidence
from partnerships.models import Membership, Party
from partnerships.services import membership_set, partnership_set_status, party_remove
from tests.consent.helpers import agreed_question, decide, grant, permit
from tests.evidence.factories import EvidenceFactory
from tests.partnerships.factories import (
    UserFactory,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A partnership with two grantees and a co-funder, one evidence item per party."""

    scene: object
    grantee: Party
    other_grantee: Party
    co_funder: Party
    viewers: dict[str, User]
    items: dict[str, Evidence]


@pytest.fixture
def world() -> World:
    scene = build_partnership_scene()
    other_grantee = add_party(scene.partnership, role=Party.Role.GRANTEE)
    co_funder = add_party(scene.partnership, role=Party.Role.FUNDER)
    invited = add_party(scene.partnership, accepted=False)
    parties = {
        "grantee": scene.grantee_party,
        "other_grantee": other_grantee,
        "funder": scene.funder_party,
        "co_funder": co_funder,
        "learning_partner": scene.lp_party,
    }
    viewers = {
        "grantee": scene.grantee_member,
        "other_grantee": add_member(other_grantee.organisation),
        "funder": scene.funder_member,
        "co_funder": add_member(co_funder.organisation),
        "learning_partner": scene.lp_member,
        "invited": admin_of(invited.organisation),
        "outsider": scene.outsider,
    }
    items = {name: EvidenceFactory.create(party=party) for name, party in parties.items()}
    return World(scene, scene.grantee_party, other_grantee, co_funder, viewers, items)


def _sees(world: World, viewer: str) -> set[str]:
    visible = set(
        evidence_visible_to(
            user=world.viewers[viewer], queryset=Evidence.objects.all()
        ).values_list("pk", flat=True)
    )
    return {name for name, item in world.items.items() if item.pk in visible}


# Which viewers see the grantee's item, by the grantee's consents.
GRANTEE_ITEM_SEEN_BY = [
    ((), {"grantee"}),
    (("participate",), {"grantee", "learning_partner"}),
    (("share_with_funder",), {"grantee"}),
    (("share_with_parties",), {"grantee"}),
    (("participate", "share_with_funder"), {"grantee", "learning_partner", "funder", "co_funder"}),
    (("participate", "share_with_parties"), {"grantee", "learning_partner", "other_grantee"}),
    (
        ("participate", "share_with_funder", "share_with_parties"),
        {"grantee", "learning_partner", "funder", "co_funder", "other_grantee"},
    ),
    (("publish", "attribute"), {"grantee"}),
]


@pytest.mark.parametrize(("consents", "seen_by"), GRANTEE_ITEM_SEEN_BY)
def test_who_sees_a_grantees_evidence_follows_its_consent(world, consents, seen_by):
    grant(world.grantee, *consents)

    seeing = {viewer for viewer in world.viewers if "grantee" in _sees(world, viewer)}

    assert seeing == seen_by


@pytest.mark.parametrize(("consents", "seen_by"), GRANTEE_ITEM_SEEN_BY)
def test_the_party_view_of_the_rules_agrees_with_the_item_view(world, consents, seen_by):
    grant(world.grantee, *consents)
    partnership = world.grantee.partnership

    seeing = {
        viewer
        for viewer in world.viewers
        if world.grantee.pk
        in evidence_parties_visible_to(user=world.viewers[viewer], partnership=partnership)
    }
    parties = {
        "grantee": world.grantee,
        "other_grantee": world.other_grantee,
        "co_funder": world.co_funder,
        "learning_partner": world.scene.lp_party,  # type: ignore[attr-defined]
        "funder": world.scene.funder_party,  # type: ignore[attr-defined]
    }
    seeing_as_party = {
        name
        for name, party in parties.items()
        if evidence_visible_to_party(party=party, queryset=Evidence.objects.all())
        .filter(pk=world.items["grantee"].pk)
        .exists()
    }

    assert seeing == seen_by
    assert seeing_as_party == seen_by
    visible_to = sharing_state(partnership=partnership).visible_to(world.grantee.pk)
    names = {party.pk: name for name, party in parties.items()}
    assert {names[entry.party.pk] for entry in visible_to} == seen_by


#: Why each viewer sees the grantee's item when it shares with everyone.
BECAUSE = {
    "grantee": "own",
    "learning_partner": "participate",
    "funder": "share_with_funder",
    "co_funder": "share_with_funder",
    "other_grantee": "share_with_parties",
}


def test_visible_to_says_why_each_party_sees_an_item(world):
    grant(world.grantee, "participate", "share_with_funder", "share_with_parties")
    parties = {
        "grantee": world.grantee,
        "other_grantee": world.other_grantee,
        "co_funder": world.co_funder,
        "learning_partner": world.scene.lp_party,  # type: ignore[attr-defined]
        "funder": world.scene.funder_party,  # type: ignore[attr-defined]
    }
    names = {party.pk: name for name, party in parties.items()}

    visible_to = sharing_state(partnership=world.grantee.partnership).visible_to(world.grantee.pk)

    assert {names[entry.party.pk]: entry.because for entry in visible_to} == BECAUSE


def test_visible_to_is_one_query_and_empty_for_a_party_that_left(world, django_assert_num_queries):
    grant(world.grantee, "participate", "share_with_funder")
    partnership = world.grantee.partnership
    party_remove(party=world.grantee, by=world.scene.funder_admin)  # type: ignore[attr-defined]

    with django_assert_num_queries(1):
        state = sharing_state(partnership=partnership)

    assert state.visible_to(world.grantee.pk) == []
    assert world.grantee.pk not in {party.pk for party in state.parties}


def test_without_any_consent_every_party_sees_only_its_own_evidence(world):
    for viewer in ("grantee", "other_grantee", "funder", "co_funder", "learning_partner"):
        assert _sees(world, viewer) == {viewer}
    assert _sees(world, "invited") == set()
    assert _sees(world, "outsider") == set()


def test_the_learning_partner_sees_every_party_that_takes_part_the_funder_included(world):
    grant(world.scene.funder_party, "participate")  # type: ignore[attr-defined]
    grant(world.other_grantee, "participate")

    assert _sees(world, "learning_partner") == {"learning_partner", "funder", "other_grantee"}


def test_funder_evidence_is_shared_with_grantees_only_by_the_funders_consent(world):
    funder = world.scene.funder_party  # type: ignore[attr-defined]
    grant(funder, "participate", "share_with_parties")

    assert "funder" in _sees(world, "grantee")
    assert "funder" in _sees(world, "other_grantee")
    assert "funder" not in _sees(world, "co_funder")


def test_someone_in_two_parties_sees_what_either_party_sees(world):
    both = world.viewers["other_grantee"]
    membership_set(
        organisation=world.co_funder.organisation, user=both, role=Membership.Role.MEMBER
    )
    grant(world.grantee, "participate", "share_with_funder")

    assert _sees(world, "other_grantee") == {"other_grantee", "co_funder", "grantee"}


def test_withdrawal_takes_effect_on_the_very_next_read(world):
    grant(world.grantee, "participate", "share_with_funder")
    assert "grantee" in _sees(world, "funder")

    decide(world.grantee, "participate", "withdraw")

    assert "grantee" not in _sees(world, "funder")
    assert "grantee" not in _sees(world, "learning_partner")
    assert _sees(world, "grantee") == {"grantee"}


def test_a_party_that_leaves_shares_nothing_and_sees_nothing(world):
    grant(world.grantee, "participate", "share_with_funder", "share_with_parties")
    funder_admin = world.scene.funder_admin  # type: ignore[attr-defined]

    party_remove(party=world.grantee, by=funder_admin)

    assert "grantee" not in _sees(world, "learning_partner")
    assert "grantee" not in _sees(world, "funder")
    assert _sees(world, "grantee") == set()
    assert not evidence_visible_to_party(
        party=Party.objects.get(pk=world.grantee.pk), queryset=Evidence.objects.all()
    ).exists()


def test_visibility_is_one_query_whatever_the_amount_of_evidence(world, django_assert_num_queries):
    grant(world.grantee, "participate", "share_with_funder")
    EvidenceFactory.create_batch(10, party=world.grantee)
    user = world.viewers["funder"]

    with django_assert_num_queries(1):
        visible = list(evidence_visible_to(user=user, queryset=Evidence.objects.all()))

    assert len(visible) == 12  # the funder's own item and the grantee's eleven


def test_a_queryset_can_be_narrowed_and_keeps_its_own_filters(world):
    other = build_partnership_scene()
    EvidenceFactory.create(party=other.grantee_party)
    grant(world.grantee, "participate")
    mine = Evidence.objects.filter(partnership=world.grantee.partnership)

    names = evidence_visible_to(user=world.viewers["learning_partner"], queryset=mine)

    assert set(names) == {world.items["learning_partner"], world.items["grantee"]}


# --- What a brief may cite --------------------------------------------------------------------


def test_a_draft_cites_parties_taking_part_and_a_published_brief_also_needs_publish(world):
    grant(world.grantee, "participate", "publish")
    grant(world.other_grantee, "participate")
    grant(world.co_funder, "publish")
    partnership = world.grantee.partnership

    draft = set(
        evidence_citable(queryset=Evidence.objects.all(), partnership=partnership, stage="draft")
    )
    published = set(
        evidence_citable(
            queryset=Evidence.objects.all(), partnership=partnership, stage="published"
        )
    )

    assert draft == {world.items["grantee"], world.items["other_grantee"]}
    assert published == {world.items["grantee"]}


def test_citable_evidence_leaves_at_once_on_withdrawal_and_when_a_party_leaves(world):
    grant(world.grantee, "participate", "publish")
    grant(world.other_grantee, "participate", "publish")
    partnership = world.grantee.partnership

    decide(world.grantee, "publish", "withdraw")
    party_remove(party=world.other_grantee, by=world.scene.funder_admin)  # type: ignore[attr-defined]

    assert set(
        evidence_citable(queryset=Evidence.objects.all(), partnership=partnership, stage="draft")
    ) == {world.items["grantee"]}
    assert not evidence_citable(
        queryset=Evidence.objects.all(), partnership=partnership, stage="published"
    ).exists()


def test_an_unknown_stage_is_a_programming_error(world):
    with pytest.raises(ValueError, match="stage must be one of"):
        evidence_citable(
            queryset=Evidence.objects.all(),
            partnership=world.grantee.partnership,
            stage="final",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("party_name", "attribution", "consents", "expected"),
    [
        ("grantee", "named", ("participate", "attribute"), "ORG"),
        ("grantee", "named", ("participate",), "a grantee"),
        ("grantee", "anonymous", ("participate", "attribute"), "a grantee"),
        ("co_funder", "named", ("participate",), "a funder"),
        ("co_funder", "named", ("participate", "attribute"), "ORG"),
        ("learning_partner", "anonymous", ("participate",), "a learning partner"),
    ],
)
def test_a_quote_is_named_only_with_attribute_consent_and_the_item_marked_named(
    world, party_name, attribution, consents, expected
):
    parties = {
        "grantee": world.grantee,
        "co_funder": world.co_funder,
        "learning_partner": world.scene.lp_party,  # type: ignore[attr-defined]
    }
    party = parties[party_name]
    item = EvidenceFactory.create(party=party, attribution=attribution, kind="quote")
    grant(party, *consents)
    expected = party.organisation.name if expected == "ORG" else expected

    [cited] = evidence_citable(
        queryset=Evidence.objects.all(), partnership=party.partnership, stage="draft"
    ).filter(pk=item.pk)

    assert quote_attribution(cited, role_shared=True) == expected
    assert quote_attribution(Evidence.objects.get(pk=item.pk), role_shared=True) == expected


@pytest.mark.parametrize(
    ("attribution", "speaker", "role_shared", "expected"),
    [
        ("named", "service_user", True, "a service user, ORG"),
        ("named", "service_user", False, "a service user, ORG"),
        ("named", "", False, "ORG"),
        ("anonymous", "service_user", True, "a service user, grantee organisation"),
        ("anonymous", "volunteer", True, "a volunteer, grantee organisation"),
        ("anonymous", "service_user", False, "a service user in the partnership"),
        ("anonymous", "", False, "someone in the partnership"),
        ("anonymous", "other", False, "someone in the partnership"),
    ],
)
def test_a_quote_says_whose_words_and_never_a_role_only_one_organisation_holds(
    world, attribution, speaker, role_shared, expected
):
    item = EvidenceFactory.create(
        party=world.grantee, attribution=attribution, speaker=speaker, kind="quote"
    )
    grant(world.grantee, "participate", "attribute")
    expected = expected.replace("ORG", world.grantee.organisation.name)

    assert quote_attribution(item, role_shared=role_shared) == expected


def test_roles_shared_are_those_of_more_than_one_party():
    assert roles_shared([(1, "grantee"), (1, "grantee"), (2, "funder")]) == frozenset()
    assert roles_shared([(1, "grantee"), (3, "grantee"), (2, "funder")]) == {"grantee"}


def test_attribution_follows_a_withdrawal_of_attribute(world):
    item = EvidenceFactory.create(party=world.grantee, attribution="named")
    grant(world.grantee, "participate", "attribute")

    decide(world.grantee, "attribute", "withdraw")

    [cited] = evidence_citable(
        queryset=Evidence.objects.all(), partnership=world.grantee.partnership, stage="draft"
    ).filter(pk=item.pk)
    assert quote_attribution(cited, role_shared=True) == "a grantee"


# --- Permission to challenge --------------------------------------------------------------------


def test_may_a_challenge_be_published(world):
    first = agreed_question(world.grantee.partnership, "First")
    second = agreed_question(world.grantee.partnership, "Second")
    permit(world.grantee, ["*"], ["workshop"])
    permit(world.grantee, [first.pk], ["published_brief"])
    grantee = world.grantee

    answers = {
        (question, channel): challenge_publishable(
            party=grantee, question=question, channel=channel
        )
        for question in (first.pk, second.pk, None)
        for channel in ("workshop", "private_report", "published_brief")
    }

    assert {key for key, allowed in answers.items() if allowed} == {
        (first.pk, "workshop"),
        (second.pk, "workshop"),
        (None, "workshop"),
        (first.pk, "published_brief"),
    }
    assert not challenge_publishable(
        party=world.other_grantee, question=first.pk, channel="workshop"
    )


def test_many_challenges_are_checked_in_one_query(world, django_assert_num_queries):
    question = agreed_question(world.grantee.partnership)
    permit(world.grantee, [question.pk], ["published_brief"])
    permit(world.other_grantee, ["*"], ["published_brief"])
    other = build_partnership_scene()
    permit(other.grantee_party, ["*"], ["published_brief"])
    challenges = [
        ChallengeArea(party=world.grantee.pk, question=question.pk),
        ChallengeArea(party=world.grantee.pk, question=None),
        ChallengeArea(party=world.other_grantee.pk, question=question.pk),
        ChallengeArea(party=world.other_grantee.pk, question=None),
        ChallengeArea(party=world.co_funder.pk, question=question.pk),
        ChallengeArea(party=other.grantee_party.pk, question=None),
    ]

    with django_assert_num_queries(1):
        answers = challenges_publishable(
            partnership=world.grantee.partnership, challenges=challenges, channel="published_brief"
        )

    assert [answers[c] for c in challenges] == [True, False, True, True, False, False]


def test_a_party_that_left_permits_nothing(world):
    permit(world.grantee, ["*"], ["published_brief"])
    party_remove(party=world.grantee, by=world.scene.funder_admin)  # type: ignore[attr-defined]

    assert not challenge_publishable(party=world.grantee, question=None, channel="published_brief")


# --- Small reads ---------------------------------------------------------------------------------


def test_consent_granted_reads_the_current_state(world):
    assert not consent_granted(party=world.grantee, purpose="participate")
    grant(world.grantee, "participate")
    assert consent_granted(party=world.grantee, purpose="participate")
    decide(world.grantee, "participate", "withdraw")
    assert not consent_granted(party=world.grantee, purpose="participate")


def test_consent_to_decide_lists_parties_an_admin_has_not_decided_for(world):
    scene = world.scene
    grantee_admin = admin_of(world.grantee.organisation)
    other_admin = admin_of(world.other_grantee.organisation)
    decide(world.other_grantee, "participate", "withdraw")  # a decision too

    assert list(consent_to_decide_for(user=grantee_admin)) == [world.grantee]
    assert list(consent_to_decide_for(user=other_admin)) == []
    assert list(consent_to_decide_for(user=scene.grantee_member)) == []  # type: ignore[attr-defined]
    assert list(consent_to_decide_for(user=UserFactory.create())) == []

    partnership_set_status(
        partnership=world.grantee.partnership,
        status="closed",
        by=scene.funder_admin,  # type: ignore[attr-defined]
    )
    assert list(consent_to_decide_for(user=grantee_admin)) == []
