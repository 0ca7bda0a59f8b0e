"""Consent through the API: giving, withdrawing, reading the state and the history."""

import csv
import io
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import ConsentRecord, ConsentState
from consent.notices import NOTICES
from consent.services import BRIEFS_RERENDER_TASK
from learnhub.celery import app as celery_app
from notifications.models import Notification
from partnerships.models import ActivityEvent, Membership, Party
from partnerships.services import membership_set, partnership_set_status
from tests.consent.helpers import NOT_FOUND, api_url, client_for, decide, grant
from tests.evidence.factories import EvidenceFactory
from tests.partnerships.factories import (
    UserFactory,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

PURPOSES = ["participate", "publish", "attribute", "share_with_funder", "share_with_parties"]


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_partnership_scene()


def consents_url(scene) -> str:  # type: ignore[no-untyped-def]
    return api_url("consent-list", partnership_pk=scene.partnership.pk)


# --- Giving and withdrawing -----------------------------------------------------------------


def test_an_admin_gives_consent_and_gets_the_record_back(scene):
    notice = NOTICES["participate"]

    response = client_for(scene.grantee_admin).post(
        consents_url(scene),
        {"purpose": "participate", "decision": "grant", "note": " Agreed at our board. "},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    record = ConsentRecord.objects.get()
    assert body == {
        "id": record.pk,
        "partnership": scene.partnership.pk,
        "party": scene.grantee_party.pk,
        "organisation": {
            "id": scene.grantee_party.organisation.pk,
            "name": scene.grantee_party.organisation.name,
            "kind": "grantee",
        },
        "purpose": "participate",
        "decision": "grant",
        "recorded_by": scene.grantee_admin.display_name,
        "recorded_at": body["recorded_at"],
        "notice_version": notice.version,
        "notice_text": notice.text,
        "note": "Agreed at our board.",
    }
    assert record.recorded_by == scene.grantee_admin
    state = ConsentState.objects.get()
    assert (state.party, state.purpose, state.granted, state.record) == (
        scene.grantee_party,
        "participate",
        True,
        record,
    )
    event = ActivityEvent.objects.get(verb="consent_granted")
    assert event.summary == (
        f"{scene.grantee_admin.display_name} ({scene.grantee_party.organisation.name}) gave "
        "consent for taking part (the learning partner may use its evidence)."
    )


def test_withdrawing_replaces_the_current_state_and_keeps_both_records(scene):
    decide(scene.grantee_party, "publish", "grant")

    response = client_for(scene.grantee_admin).post(
        consents_url(scene), {"purpose": "publish", "decision": "withdraw"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["decision"] == "withdraw"
    assert list(ConsentRecord.objects.order_by("id").values_list("decision", flat=True)) == [
        "grant",
        "withdraw",
    ]
    state = ConsentState.objects.get(party=scene.grantee_party, purpose="publish")
    assert state.granted is False
    assert state.record_id == response.json()["id"]


def test_the_current_notice_version_is_recorded_and_an_old_one_is_refused(scene):
    client = client_for(scene.grantee_admin)

    current = client.post(
        consents_url(scene),
        {
            "purpose": "attribute",
            "decision": "grant",
            "notice_version": NOTICES["attribute"].version,
        },
        format="json",
    )
    stale = client.post(
        consents_url(scene),
        {"purpose": "attribute", "decision": "withdraw", "notice_version": "attribute-2020-01"},
        format="json",
    )

    assert current.status_code == 201
    assert current.json()["notice_version"] == NOTICES["attribute"].version
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "The notice for this decision has changed since you read it. Read the "
        "current notice again, then decide."
    }
    assert ConsentRecord.objects.count() == 1
    assert ConsentState.objects.get().granted is True


def test_giving_the_same_consent_again_is_recorded_but_changes_nothing_else(scene):
    decide(scene.grantee_party, "participate", "grant")

    response = client_for(scene.grantee_admin).post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )

    assert response.status_code == 201
    assert ConsentRecord.objects.count() == 2
    assert ConsentState.objects.count() == 1
    assert ConsentState.objects.get().record_id == response.json()["id"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"purpose": "sell", "decision": "grant"},
            {
                "purpose": [
                    "Choose participate, publish, attribute, share_with_funder or "
                    "share_with_parties."
                ]
            },
        ),
        ({"purpose": "publish", "decision": "maybe"}, {"decision": ["Choose grant or withdraw."]}),
        ({"decision": "grant"}, {"purpose": ["This field is required."]}),
        ({"purpose": "publish"}, {"decision": ["This field is required."]}),
        (
            {"purpose": "publish", "decision": "grant", "note": "x" * 2001},
            {"note": ["Ensure this field has no more than 2000 characters."]},
        ),
        (
            {"purpose": ["publish"], "decision": "grant"},
            {
                "purpose": [
                    "Choose participate, publish, attribute, share_with_funder or "
                    "share_with_parties."
                ]
            },
        ),
        (
            {"purpose": "publish", "decision": "grant", "party": "x"},
            {"party": ["A valid integer is required."]},
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_records_nothing(scene, body, errors):
    response = client_for(scene.grantee_admin).post(consents_url(scene), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert ConsentRecord.objects.count() == 0
    assert ConsentState.objects.count() == 0


def test_a_closed_partnership_takes_no_new_consent_but_withdrawal_still_works(scene):
    decide(scene.grantee_party, "publish", "grant")
    partnership_set_status(partnership=scene.partnership, status="closed", by=scene.funder_admin)
    client = client_for(scene.grantee_admin)

    grant_response = client.post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )
    withdraw_response = client.post(
        consents_url(scene), {"purpose": "publish", "decision": "withdraw"}, format="json"
    )

    assert grant_response.status_code == 409
    assert grant_response.json() == {
        "detail": "This partnership is closed, so nothing new can be given. You can still withdraw."
    }
    assert withdraw_response.status_code == 201
    assert not ConsentState.objects.filter(purpose="participate").exists()
    assert ConsentState.objects.get(purpose="publish").granted is False


# --- Who may decide --------------------------------------------------------------------------


def test_a_member_who_is_not_an_admin_is_refused_with_the_reason(scene):
    response = client_for(scene.grantee_member).post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": f"Only admins of {scene.grantee_party.organisation.name} can give or "
        "withdraw consent for it."
    }
    assert ConsentRecord.objects.count() == 0
    assert ConsentState.objects.count() == 0


def test_a_member_is_refused_even_with_bad_input(scene):
    response = client_for(scene.grantee_member).post(
        consents_url(scene), {"purpose": "sell"}, format="json"
    )

    assert response.status_code == 403
    assert not ConsentRecord.objects.filter(partnership=scene.partnership).exists()


def test_another_partys_admin_cannot_decide_for_a_grantee(scene):
    response = client_for(scene.funder_admin).post(
        consents_url(scene),
        {"purpose": "share_with_funder", "decision": "grant", "party": scene.grantee_party.pk},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": f"Only admins of {scene.grantee_party.organisation.name} can give or "
        "withdraw its consent: each organisation decides for itself."
    }
    assert ConsentRecord.objects.count() == 0


def test_each_party_decides_for_itself_the_funder_too(scene):
    response = client_for(scene.funder_admin).post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["party"] == scene.funder_party.pk
    record = ConsentRecord.objects.get(partnership=scene.partnership)
    assert (record.party, record.purpose, record.decision, record.recorded_by) == (
        scene.funder_party,
        "participate",
        "grant",
        scene.funder_admin,
    )
    state = ConsentState.objects.get(party=scene.funder_party, purpose="participate")
    assert (state.granted, state.record) == (True, record)


@pytest.mark.parametrize("who", ["outsider", "invited_admin"])
def test_outsiders_and_invited_parties_get_404_and_nothing_is_recorded(scene, who):
    if who == "outsider":
        user = scene.outsider
    else:
        user = admin_of(add_party(scene.partnership, accepted=False).organisation)
    client = client_for(user)

    responses = [
        client.post(
            consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
        ),
        client.get(consents_url(scene)),
        client.get(api_url("consent-current", partnership_pk=scene.partnership.pk)),
        client.get(api_url("consent-export", partnership_pk=scene.partnership.pk)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all(r.json() == NOT_FOUND for r in responses)
    assert ConsentRecord.objects.count() == 0


def test_not_signed_in_is_401(scene, api_client):
    response = api_client.post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )

    assert response.status_code == 401
    assert ConsentRecord.objects.count() == 0


def test_an_admin_of_two_parties_must_say_which_one_decides(scene):
    both = scene.grantee_admin
    membership_set(organisation=scene.lp_party.organisation, user=both, role=Membership.Role.ADMIN)
    client = client_for(both)

    ambiguous = client.post(
        consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
    )
    chosen = client.post(
        consents_url(scene),
        {"purpose": "participate", "decision": "grant", "party": scene.lp_party.pk},
        format="json",
    )
    not_a_party = client.post(
        consents_url(scene),
        {"purpose": "participate", "decision": "grant", "party": 999999},
        format="json",
    )

    # Parties are listed in the partnership's order: by role, so the grantee comes first.
    names = [scene.grantee_party.organisation.name, scene.lp_party.organisation.name]
    assert ambiguous.status_code == 400
    assert ambiguous.json() == {
        "party": [
            f"You are an admin of more than one party here ({', '.join(names)}). "
            "Choose which one you are deciding for."
        ]
    }
    assert chosen.status_code == 201
    assert chosen.json()["party"] == scene.lp_party.pk
    assert not_a_party.status_code == 400
    assert not_a_party.json() == {"party": ["Choose a party of this partnership."]}
    assert ConsentRecord.objects.count() == 1


# --- The learning partner is told ---------------------------------------------------------


def test_the_learning_partner_is_told_in_app_and_by_email(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(scene.grantee_admin).post(
            consents_url(scene), {"purpose": "publish", "decision": "grant"}, format="json"
        )

    assert response.status_code == 201
    told = Notification.objects.filter(kind="consent_changed")
    assert sorted(n.recipient_id for n in told) == sorted([scene.lp_admin.pk, scene.lp_member.pk])
    notice = told.first()
    assert notice is not None
    org = scene.grantee_party.organisation.name
    assert notice.subject == f"{org} gave consent: Publish"
    assert notice.partnership == scene.partnership
    assert notice.url == f"/partnerships/{scene.partnership.pk}/consent/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [scene.lp_admin.email, scene.lp_member.email]
    )
    assert mail.outbox[0].subject == f"LearnHub: {org} gave consent: Publish"
    assert "published briefs may include its evidence" in mail.outbox[0].body


def test_only_a_change_is_told_and_the_learning_partner_is_not_told_its_own_decision(
    scene, django_capture_on_commit_callbacks
):
    decide(scene.grantee_party, "publish", "grant")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(scene.grantee_admin).post(
            consents_url(scene), {"purpose": "publish", "decision": "grant"}, format="json"
        )
        own = client_for(scene.lp_admin).post(
            consents_url(scene), {"purpose": "participate", "decision": "grant"}, format="json"
        )

    assert (again.status_code, own.status_code) == (201, 201)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [scene.lp_member.pk]
    assert [m.to for m in mail.outbox] == [[scene.lp_member.email]]


# --- Reading the state and the history ----------------------------------------------------


def test_current_consent_lists_every_party_that_has_joined_with_every_purpose(scene):
    add_party(scene.partnership, accepted=False)  # invited: not listed
    grant(scene.grantee_party, "participate", "publish")
    decide(scene.grantee_party, "publish", "withdraw")
    grant(scene.lp_party, "participate")

    response = client_for(scene.funder_member).get(
        api_url("consent-current", partnership_pk=scene.partnership.pk)
    )

    assert response.status_code == 200
    body = response.json()
    assert [row["party"] for row in body] == [
        p.pk for p in scene.partnership.parties.filter(status="accepted")
    ]
    by_party = {row["party"]: row for row in body}
    assert by_party[scene.grantee_party.pk]["purposes"] == {
        "participate": True,
        "publish": False,
        "attribute": False,
        "share_with_funder": False,
        "share_with_parties": False,
    }
    assert by_party[scene.grantee_party.pk]["organisation"] == {
        "id": scene.grantee_party.organisation.pk,
        "name": scene.grantee_party.organisation.name,
        "kind": "grantee",
    }
    assert by_party[scene.grantee_party.pk]["role"] == "grantee"
    decided = by_party[scene.grantee_party.pk]["decided_at"]
    assert decided["attribute"] is None
    assert decided["publish"] is not None
    assert by_party[scene.funder_party.pk]["purposes"] == dict.fromkeys(PURPOSES, False)
    assert by_party[scene.lp_party.pk]["purposes"]["participate"] is True


def test_every_party_sees_the_whole_history_newest_first_and_can_filter_by_party(scene):
    first = decide(scene.grantee_party, "participate", "grant")
    second = decide(scene.lp_party, "participate", "grant")
    third = decide(scene.grantee_party, "participate", "withdraw")
    client = client_for(scene.funder_member)

    everything = client.get(consents_url(scene))
    grantee_only = client.get(consents_url(scene), {"party": scene.grantee_party.pk})
    malformed = client.get(consents_url(scene), {"party": "grantee"})

    assert everything.status_code == 200
    assert everything.json()["count"] == 3
    assert [r["id"] for r in everything.json()["results"]] == [third.pk, second.pk, first.pk]
    assert [r["id"] for r in grantee_only.json()["results"]] == [third.pk, first.pk]
    assert malformed.status_code == 400
    assert malformed.json() == {"party": ["Give a party id (a whole number)."]}


def test_a_record_can_be_read_but_never_changed_or_deleted(scene):
    record = decide(scene.grantee_party, "participate", "grant")
    client = client_for(scene.grantee_admin)
    detail = api_url("consent-detail", partnership_pk=scene.partnership.pk, record_pk=record.pk)
    body = {"purpose": "participate", "decision": "withdraw"}

    read = client.get(detail)
    changes = [
        client.put(detail, body, format="json"),
        client.patch(detail, body, format="json"),
        client.delete(detail),
        client.put(consents_url(scene), body, format="json"),
        client.patch(consents_url(scene), body, format="json"),
        client.delete(consents_url(scene)),
    ]

    assert read.status_code == 200
    assert read.json()["id"] == record.pk
    assert [r.status_code for r in changes] == [405] * 6
    record.refresh_from_db()
    assert record.decision == "grant"
    assert ConsentRecord.objects.count() == 1
    assert ConsentState.objects.get().granted is True


def test_a_record_of_another_partnership_is_not_found(scene):
    other = build_partnership_scene()
    record = decide(other.grantee_party, "participate", "grant")

    response = client_for(scene.grantee_admin).get(
        api_url("consent-detail", partnership_pk=scene.partnership.pk, record_pk=record.pk)
    )

    assert response.status_code == 404


# --- Receipts and the CSV export -----------------------------------------------------------


def test_the_partys_own_people_download_a_receipt_after_iso_27560(scene):
    record = decide(scene.grantee_party, "share_with_funder", "grant", note="Board agreed.")
    receipt_url = api_url(
        "consent-receipt", partnership_pk=scene.partnership.pk, record_pk=record.pk
    )

    response = client_for(scene.grantee_member).get(receipt_url)

    assert response.status_code == 200
    receipt = response.json()
    org = scene.grantee_party.organisation
    assert receipt["schema"] == "learnhub-consent-receipt/1 (after ISO/IEC TS 27560:2023)"
    assert receipt["record_id"] == str(record.pk)
    assert receipt["record_type"] == "consent"
    assert receipt["principal"] == {
        "party": str(scene.grantee_party.pk),
        "organisation": {"id": str(org.pk), "name": org.name, "kind": "grantee"},
        "role": "grantee",
    }
    assert receipt["purposes"] == [
        {
            "purpose": "share_with_funder",
            "label": "Share with the funder",
            "description": NOTICES["share_with_funder"].text,
        }
    ]
    assert (receipt["decision"], receipt["consent_state"]) == ("grant", "given")
    assert receipt["notice"] == {
        "version": NOTICES["share_with_funder"].version,
        "text": NOTICES["share_with_funder"].text,
    }
    assert receipt["recorded_by"] == {
        "name": admin_of(org).display_name,
        "email": admin_of(org).email,
    }
    assert datetime.fromisoformat(receipt["recorded_at"]) == record.recorded_at
    assert receipt["note"] == "Board agreed."
    assert receipt["partnership"]["id"] == str(scene.partnership.pk)
    assert receipt["partnership"]["title"] == scene.partnership.title
    assert receipt["controller"] == {
        "name": f"The learning partnership “{scene.partnership.title}”",
        "commissioned_by": scene.partnership.funder.name,
        "learning_partners": [scene.lp_party.organisation.name],
    }
    assert scene.partnership.title in receipt["jurisdiction"]
    assert "answers “No” to this question" in receipt["withdrawal"]["method"]
    assert receipt["withdrawal"]["url"].endswith(f"/partnerships/{scene.partnership.pk}/consent/")


def test_another_partys_receipt_is_refused_and_an_outsider_gets_404(scene):
    record = decide(scene.grantee_party, "participate", "grant")
    receipt_url = api_url(
        "consent-receipt", partnership_pk=scene.partnership.pk, record_pk=record.pk
    )

    other_party = client_for(scene.lp_admin).get(receipt_url)
    outsider = client_for(scene.outsider).get(receipt_url)
    missing = client_for(scene.grantee_admin).get(
        api_url("consent-receipt", partnership_pk=scene.partnership.pk, record_pk=999999)
    )

    assert other_party.status_code == 403
    assert other_party.json() == {
        "detail": f"Only people in {scene.grantee_party.organisation.name} can download its "
        "consent receipts."
    }
    assert outsider.status_code == 404
    assert missing.status_code == 404


def _csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_history_downloads_as_csv_for_every_party(scene):
    decide(scene.grantee_party, "participate", "grant", note='=HYPERLINK("http://x")')
    decide(scene.lp_party, "participate", "grant")

    response = client_for(scene.funder_member).get(
        api_url("consent-export", partnership_pk=scene.partnership.pk)
    )
    only_grantee = client_for(scene.funder_member).get(
        api_url("consent-export", partnership_pk=scene.partnership.pk),
        {"party": scene.grantee_party.pk},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-history-partnership-{scene.partnership.pk}.csv"'
    )
    rows = _csv_rows(response)
    assert [(r["organisation"], r["purpose"], r["decision"]) for r in rows] == [
        (scene.lp_party.organisation.name, "participate", "grant"),
        (scene.grantee_party.organisation.name, "participate", "grant"),
    ]
    assert rows[1]["note"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["record_type"] == "consent"
    assert rows[1]["recorded_by"] == admin_of(scene.grantee_party.organisation).display_name
    assert [r["organisation"] for r in _csv_rows(only_grantee)] == [
        scene.grantee_party.organisation.name
    ]


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("records", [5, 50])
def test_the_history_costs_a_fixed_number_of_queries(scene, records, django_assert_max_num_queries):
    for n in range(records):
        decide(scene.grantee_party, PURPOSES[n % 5], "grant" if n % 2 else "withdraw")
    client = client_for(scene.funder_member)

    with django_assert_max_num_queries(6):
        response = client.get(consents_url(scene), {"page_size": 200})

    assert response.json()["count"] == records


@pytest.mark.parametrize("parties", [5, 50])
def test_the_current_state_costs_a_fixed_number_of_queries(parties, django_assert_max_num_queries):
    scene = build_partnership_scene()
    for _ in range(parties - 3):
        party = add_party(scene.partnership, role=Party.Role.GRANTEE)
        grant(party, "participate")
    client = client_for(scene.funder_member)

    with django_assert_max_num_queries(5):
        response = client.get(api_url("consent-current", partnership_pk=scene.partnership.pk))

    assert len(response.json()) == parties


def test_a_new_user_with_no_party_sees_nothing(scene):
    stranger = UserFactory.create()

    response = client_for(stranger).get(consents_url(scene))

    assert response.status_code == 404


def test_withdrawal_takes_effect_on_the_very_next_request(scene):
    item = EvidenceFactory.create(party=scene.grantee_party)
    grant(scene.grantee_party, "participate", "share_with_funder")
    funder = client_for(scene.funder_member)
    evidence_url = reverse("api:partnership-evidence", kwargs={"pk": scene.partnership.pk})
    current_url = api_url("consent-current", partnership_pk=scene.partnership.pk)

    before = funder.get(evidence_url)
    withdrawn = client_for(scene.grantee_admin).post(
        consents_url(scene), {"purpose": "share_with_funder", "decision": "withdraw"}, format="json"
    )
    after = funder.get(evidence_url)
    state = funder.get(current_url).json()

    assert [e["id"] for e in before.json()["results"]] == [item.pk]
    assert withdrawn.status_code == 201
    assert after.status_code == 200
    assert after.json()["results"] == []
    grantee_row = next(row for row in state if row["party"] == scene.grantee_party.pk)
    assert grantee_row["purposes"]["share_with_funder"] is False


def test_a_change_of_what_briefs_may_use_has_them_re_rendered_after_commit(
    scene, task_runs, django_capture_on_commit_callbacks
):
    celery_app.loader.import_default_modules()
    queued = task_runs(celery_app.tasks[BRIEFS_RERENDER_TASK])
    client = client_for(scene.grantee_admin)

    def post(purpose: str, decision: str) -> None:
        response = client.post(
            consents_url(scene), {"purpose": purpose, "decision": decision}, format="json"
        )
        assert response.status_code == 201

    with django_capture_on_commit_callbacks(execute=False) as before_commit:
        post("publish", "grant")
    assert queued == []  # nothing runs inside the transaction
    for callback in before_commit:
        callback()
    assert queued == [scene.grantee_party.pk]

    with django_capture_on_commit_callbacks(execute=True):
        post("publish", "grant")  # the same again: nothing changes
        post("share_with_funder", "grant")  # briefs do not depend on it
        post("publish", "withdraw")
    assert queued == [scene.grantee_party.pk, scene.grantee_party.pk]
