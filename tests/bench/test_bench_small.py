"""The scale data set and the bench's query counts, at a small scale.

``manage.py bench`` measures times on the full data set; here only what is stable is
checked: the data set is made as the services would make it, and the evidence list and
brief drafting cost a fixed, small number of queries (times are never asserted).
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from accounts.models import User
from bench import measure, seed
from consent.models import ConsentRecord, ConsentState
from evidence import synthesis
from evidence.models import Evidence, InsightBrief
from notifications.models import Notification
from partnerships.models import (
    ActivityEvent,
    Membership,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
)
from partnerships.services.partnerships import partnership_missing_for_active, party_grants

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]

SCALE = "0.005"


def _seed(scale: str = SCALE) -> str:
    out = StringIO()
    call_command("seed_scale", "--scale", scale, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_every_count_in_proportion() -> None:
    sizes = seed.Sizes.at(float(SCALE))

    _seed()

    assert User.objects.count() == sizes.users
    assert Partnership.objects.count() == sizes.partnerships
    assert Evidence.objects.count() == sizes.evidence
    withdrawn = ConsentState.objects.filter(granted=False).count() / ConsentState.objects.count()
    assert 0.15 <= withdrawn <= 0.45


def test_seed_scale_again_changes_nothing_and_another_scale_needs_reset() -> None:
    _seed()
    evidence = list(Evidence.objects.order_by("pk").values_list("pk", "title"))

    again = _seed()

    assert "already here" in again
    assert list(Evidence.objects.order_by("pk").values_list("pk", "title")) == evidence
    with pytest.raises(CommandError, match="--reset"):
        _seed("0.006")


def test_seeded_people_take_part_in_one_or_more_partnerships_through_their_groups() -> None:
    _seed()

    per_person = User.objects.annotate(
        n=Count(
            "memberships__organisation__parties",
            filter=Q(memberships__organisation__parties__status=Party.Status.ACCEPTED),
        )
    ).values_list("n", flat=True)
    assert min(per_person) == 1
    assert max(per_person) <= seed.MAX_PARTNERSHIPS_PER_PERSON
    for membership in Membership.objects.select_related("organisation", "user"):
        groups = set(membership.user.groups.values_list("pk", flat=True))
        expected = {membership.organisation.members_group_id}
        if membership.role == Membership.Role.ADMIN:
            expected.add(membership.organisation.admins_group_id)
        assert groups == expected


def test_seeded_permissions_are_exactly_what_the_party_services_grant() -> None:
    _seed()

    for party in Party.objects.select_related("organisation", "partnership"):
        held = {
            key: set(
                PartnershipGroupObjectPermission.objects.filter(
                    content_object=party.partnership, group=group
                ).values_list("permission__codename", flat=True)
            )
            for key, group in (
                ("members", party.organisation.members_group),
                ("admins", party.organisation.admins_group),
            )
        }
        if party.status == Party.Status.ACCEPTED:
            assert held == party_grants(party)
        else:
            assert held == {"members": set(), "admins": set()}


def test_seeded_consent_state_is_the_last_decision_and_evidence_came_with_consent() -> None:
    _seed()

    for state in ConsentState.objects.all():
        last = (
            ConsentRecord.objects.filter(party=state.party_id, purpose=state.purpose)
            .order_by("-recorded_at", "-id")
            .first()
        )
        assert last is not None
        assert (state.record_id, state.granted) == (last.pk, last.decision == "grant")
    for evidence in Evidence.objects.all():
        decision = (
            ConsentRecord.objects.filter(
                party=evidence.party_id, purpose="participate", recorded_at__lte=evidence.created_at
            )
            .order_by("-recorded_at", "-id")
            .values_list("decision", flat=True)
            .first()
        )
        assert decision == "grant"
    for partnership in Partnership.objects.filter(status=Partnership.Status.ACTIVE):
        assert partnership_missing_for_active(partnership) == []


def test_bench_counts_a_few_queries_per_list_and_a_fixed_number_per_brief(
    tmp_path: Path,
) -> None:
    _seed()
    output = tmp_path / "bench.json"

    call_command("bench", "--queries-only", "--output", str(output), stdout=StringIO())

    results = json.loads(output.read_text())
    rows = results["evidence_list_queries"]
    assert sorted({row["page_size"] for row in rows}) == [10, 50, 100]
    people = sorted({row["user_partnerships"] for row in rows})
    assert people[0] == 1
    assert len(people) == 2
    assert all(row["endpoint"] <= 6 for row in rows), rows
    assert all(row["same_items"] for row in rows), rows
    briefs = results["brief_queries"]
    assert briefs["small"]["items"] < briefs["large"]["items"]
    assert briefs["small"]["queries"] == briefs["large"]["queries"]
    assert briefs["batch"]["briefs"] > 2
    assert briefs["batch"]["queries"] == briefs["small"]["queries"]
    assert results["all_met"] is True
    # It leaves the data set as it found it: nothing it drafted is left to slow the next run.
    assert not InsightBrief.objects.exists()
    assert not Notification.objects.exists()
    assert not ActivityEvent.objects.filter(verb="brief_drafted").exists()


def test_bench_refuses_a_database_without_the_data_set() -> None:
    with pytest.raises(CommandError, match="seed_scale"):
        call_command("bench", "--queries-only", stdout=StringIO())


def test_drafters_timed_from_a_reset_write_the_same_whole_briefs() -> None:
    _seed()
    briefs = measure.make_briefs(None)
    ids = briefs.ids
    measure.DRAFTERS["real"](ids)
    expected = (measure.sections_of(ids), measure.cited_of(ids))
    assert any(expected[1].values())

    measure.reset_briefs(ids)

    # As the schedule asks for a brief: nothing drafted, nothing cited.
    assert measure.sections_of(ids) == {pk: [] for pk in ids}
    assert measure.cited_of(ids) == {pk: [] for pk in ids}
    assert set(InsightBrief.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        InsightBrief.Status.DRAFTING
    }
    # A citation left from an earlier draft goes when the naive drafter drafts again,
    # as it does with the real one.
    stale = Evidence.objects.exclude(pk__in=[e for cited in expected[1].values() for e in cited])
    InsightBrief.objects.get(pk=briefs.large).cited_evidence.add(stale.order_by("pk")[0])

    measure.DRAFTERS["naive"](ids)

    assert (measure.sections_of(ids), measure.cited_of(ids)) == expected
    measure.remove_briefs(briefs)
    assert not InsightBrief.objects.exists()


def test_seeded_briefs_open_with_plain_findings_that_all_cite_their_evidence() -> None:
    _seed()
    briefs = measure.make_briefs(None)
    measure.DRAFTERS["real"](briefs.ids)

    report = measure.findings_report(briefs.ids)

    assert report["findings"] > len(briefs.ids)
    assert report["citing_evidence"] == 100.0
    assert report["opening_with_findings"] == 100.0
    assert report["reading_ease"] is not None
    assert report["reading_ease"] >= 60
    measure.remove_briefs(briefs)


@pytest.mark.parametrize("which", ["real", "naive"])
def test_a_drafting_process_warms_up_without_leaving_a_trace(which: str) -> None:
    _seed()
    briefs = measure.make_briefs(None)
    ids = briefs.ids[:3]

    measure._draft_and_undo(which, ids)

    assert measure.sections_of(ids) == {pk: [] for pk in ids}
    assert measure.cited_of(ids) == {pk: [] for pk in ids}
    assert set(InsightBrief.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        InsightBrief.Status.DRAFTING
    }
    assert not Notification.objects.exists()
    assert not ActivityEvent.objects.filter(verb="brief_drafted").exists()
    assert synthesis._terms_in.cache_info().currsize == 0  # each text is met afresh
