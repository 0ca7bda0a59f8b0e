"""The consent form as people use it: one yes/no question per purpose, "Check your
answers" with "Change" links, one confirmation, receipts as a page and a PDF, no codes."""

import re
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from consent.answers import NOTHING_SHARED, SALT, ConsentAnswers
from consent.models import ChallengeRecord, ConsentRecord, ConsentState
from consent.notices import CHALLENGE_NOTICE_VERSION, NOTICES
from consent.services import consent_record
from learnhub.outbox import OutboxMessage
from tests.consent.helpers import decide, grant, page_url
from tests.evidence.factories import EvidenceFactory
from tests.partnerships.factories import add_member, add_party, build_partnership_scene

pytestmark = pytest.mark.django_db

PURPOSES = list(NOTICES)
ALL_NO = dict.fromkeys(PURPOSES, "no")


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_partnership_scene(title="Warm homes, healthy lives")


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible words, tags removed and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def url(name: str, scene, **kwargs: Any) -> str:  # type: ignore[no-untyped-def]
    return page_url(name, partnership_pk=scene.partnership.pk, **kwargs)


def shown_field(response) -> str:  # type: ignore[no-untyped-def]
    """The value of the form's signed hidden field on a page."""
    match = re.search(r'name="(?:shown|answers)" value="([^"]+)"', response.content.decode())
    assert match, "the page has no signed field"
    return match.group(1)


def answer(client: Client, scene, shown: str, **answers: str):  # type: ignore[no-untyped-def]
    """Press "Continue" on the form with ``answers`` (purpose=yes/no)."""
    return client.post(url("consent-check", scene), {"shown": shown, **answers})


def confirm(client: Client, scene, check, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(url("consent-confirm", scene), {"answers": shown_field(check), "note": note})


# --- The form ------------------------------------------------------------------------------


def test_the_form_asks_each_purpose_as_a_yes_or_no_question_pre_filled_from_now(scene):
    grant(scene.grantee_party, "participate")
    decide(scene.grantee_party, "publish", "withdraw")

    response = signed_in(scene.grantee_admin).get(url("consent-overview", scene))

    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    for notice in NOTICES.values():
        assert notice.question in page
        assert notice.allows in page
        assert notice.who_sees in page
    assert html.count('type="radio"') == 10
    assert re.search(r'name="participate" value="yes"[^>]*checked', html)
    assert re.search(r'name="publish" value="no"[^>]*checked', html)
    assert not re.search(r'name="attribute" value="(yes|no)"[^>]*checked', html)
    assert page.count("Your answer now: not decided yet.") == 3
    assert "Your answers for " + scene.grantee_party.organisation.name in page
    assert "Give consent" not in page
    assert "Do not give consent" not in page


def test_members_and_other_parties_see_the_state_but_no_form(scene):
    grant(scene.grantee_party, "participate")

    page = text_of(signed_in(scene.funder_member).get(url("consent-overview", scene)))

    grantee = scene.grantee_party.organisation.name
    assert f"{grantee} (grantee) Yes Not decided Not decided Not decided Not decided" in page
    assert "Continue" not in page
    assert (
        f"Only admins of {scene.funder_party.organisation.name} can give or withdraw its "
        "consent." in page
    )


def test_an_admin_of_several_parties_chooses_the_party_first(scene):
    second = add_party(scene.partnership)
    add_member(second.organisation, scene.grantee_admin, role="admin")
    client = signed_in(scene.grantee_admin)

    choose = client.get(url("consent-overview", scene))
    chosen = client.get(url("consent-overview", scene), {"party": second.pk})

    assert "Which organisation are you answering for?" in text_of(choose)
    assert 'name="participate"' not in choose.content.decode()
    assert f"Your answers for {second.organisation.name}" in text_of(chosen)
    token = ConsentAnswers.from_token(shown_field(chosen))
    assert token.party == second.pk


def test_a_form_missing_answers_shows_each_in_the_error_summary(scene):
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))

    response = answer(client, scene, shown, participate="yes")

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        f'<a href="#id_publish_0">Choose yes or no for “{NOTICES["publish"].question}”</a>' in html
    )
    assert re.search(r'name="participate" value="yes"[^>]*checked', html)
    assert ConsentRecord.objects.count() == 0


# --- Check your answers ----------------------------------------------------------------------


def test_check_your_answers_lists_every_answer_and_says_what_each_change_means(scene):
    grant(scene.grantee_party, "participate", "publish")
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))

    check = answer(
        client, scene, shown, **{**ALL_NO, "participate": "yes", "share_with_funder": "yes"}
    )

    assert check.status_code == 200
    page = text_of(check)
    assert "Check your answers" in page
    assert page.count("No change") == 1  # participate stays yes
    assert "Changing from not decided to no " + NOTHING_SHARED in page
    assert "Changing from yes to no " + NOTICES["publish"].if_no in page
    assert "Changing from not decided to yes " + NOTICES["share_with_funder"].if_yes in page
    assert page.count("Change your answer to") == 5
    assert "The 4 changes take effect straight away." in page
    assert "Withdraw" not in page
    assert ConsentRecord.objects.count() == 2  # the two grants made before; nothing new


def test_change_links_go_back_to_the_form_with_the_answers_kept(scene):
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    check = answer(client, scene, shown, **{**ALL_NO, "publish": "yes"})

    link = re.search(r'href="([^"]+)#answer-publish"', check.content.decode())
    assert link
    back = client.get(link.group(1).replace("&amp;", "&"))

    assert back.status_code == 200
    html = back.content.decode()
    assert re.search(r'name="publish" value="yes"[^>]*checked', html)
    assert re.search(r'name="participate" value="no"[^>]*checked', html)
    assert ConsentAnswers.from_token(shown_field(back)).answers == {}


def test_nothing_changed_says_so_and_records_nothing(scene):
    grant(scene.grantee_party, "participate")
    for purpose in ("publish", "attribute", "share_with_funder", "share_with_parties"):
        decide(scene.grantee_party, purpose, "withdraw")
    client = signed_in(scene.grantee_admin)
    records = ConsentRecord.objects.count()
    shown = shown_field(client.get(url("consent-overview", scene)))
    same = {**ALL_NO, "participate": "yes"}

    check = answer(client, scene, shown, **same)
    # A confirmation of the same answers (say, from a page saved before) changes nothing too.
    token = ConsentAnswers.from_token(shown).with_answers(same).token()
    done = client.post(url("consent-confirm", scene), {"answers": token})

    assert "You have not changed any answer, so there is nothing to save." in text_of(check)
    assert "Confirm and save" not in text_of(check)
    assert done.status_code == 302
    assert ConsentRecord.objects.count() == records
    after = text_of(client.get(done["Location"]))
    assert "You did not change any answer for" in after


# --- Confirm ----------------------------------------------------------------------------------


def test_confirm_records_one_record_per_changed_purpose_in_one_go(scene):
    grant(scene.grantee_party, "participate", "publish")
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    check = answer(
        client, scene, shown, **{**ALL_NO, "participate": "yes", "share_with_funder": "yes"}
    )
    before = ConsentRecord.objects.count()

    done = confirm(client, scene, check, note="Our trustees met on Monday.")

    assert done.status_code == 302
    assert done["Location"] == f"{url('consent-overview', scene)}#consent-now"
    new = ConsentRecord.objects.order_by("id")[before:]
    assert [(r.purpose, r.decision, r.note, r.recorded_by) for r in new] == [
        ("publish", "withdraw", "Our trustees met on Monday.", scene.grantee_admin),
        ("attribute", "withdraw", "Our trustees met on Monday.", scene.grantee_admin),
        ("share_with_funder", "grant", "Our trustees met on Monday.", scene.grantee_admin),
        ("share_with_parties", "withdraw", "Our trustees met on Monday.", scene.grantee_admin),
    ]
    assert dict(
        ConsentState.objects.filter(party=scene.grantee_party).values_list("purpose", "granted")
    ) == {
        "participate": True,
        "publish": False,
        "attribute": False,
        "share_with_funder": True,
        "share_with_parties": False,
    }
    assert "Your answers for" in text_of(client.get(done["Location"]))


def test_the_follow_ups_are_those_of_each_record(scene):
    grant(scene.grantee_party, "participate")
    OutboxMessage.objects.all().delete()
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    check = answer(client, scene, shown, **{**ALL_NO, "share_with_parties": "yes"})

    confirm(client, scene, check)

    tasks = sorted(OutboxMessage.objects.values_list("task", flat=True))
    # participate: no → its briefs re-render; publish and attribute were never given (a
    # first "no" is a change, so they re-render too); emails tell the learning partner.
    assert tasks.count("evidence.rerender_briefs_for_party") == 3
    assert "notifications.send_emails" in tasks


def test_a_no_to_taking_part_hides_the_partys_evidence_at_once(scene):
    grant(scene.grantee_party, "participate")
    item = EvidenceFactory.create(party=scene.grantee_party, title="The Friday club")
    learning_partner = signed_in(scene.lp_member)
    evidence_list = reverse("evidence:evidence-list", args=[scene.partnership.pk])
    assert "The Friday club" in text_of(learning_partner.get(evidence_list))
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    check = answer(client, scene, shown, **ALL_NO)

    confirm(client, scene, check)

    assert "The Friday club" not in text_of(learning_partner.get(evidence_list))
    detail = reverse("evidence:evidence-detail", args=[item.pk])
    assert learning_partner.get(detail).status_code in (403, 404)
    assert "The Friday club" in text_of(client.get(evidence_list))  # the party keeps it


def test_a_change_made_by_another_admin_meanwhile_is_not_overwritten(scene):
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    check = answer(client, scene, shown, **{**ALL_NO, "publish": "yes"})
    other_admin = add_member(scene.grantee_party.organisation, role="admin")
    consent_record(
        party=scene.grantee_party, purpose="participate", decision="grant", by=other_admin
    )
    records = ConsentRecord.objects.count()

    response = confirm(client, scene, check)

    assert response.status_code == 409
    assert ConsentRecord.objects.count() == records
    page = text_of(response)
    assert (
        f"Someone changed the consent of {scene.grantee_party.organisation.name} after you "
        "opened this form, so nothing was recorded." in page
    )
    html = response.content.decode()
    assert re.search(r'name="participate" value="yes"[^>]*checked', html)  # the new state
    assert not re.search(r'name="publish" value="(yes|no)"[^>]*checked', html)
    again = ConsentAnswers.from_token(shown_field(response))
    assert again.basis["participate"] == "yes"


def test_a_change_meanwhile_is_caught_at_continue_too(scene):
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    grant(scene.grantee_party, "publish")

    response = answer(client, scene, shown, **ALL_NO)

    assert response.status_code == 409
    assert "after you opened this form, so nothing was recorded" in text_of(response)
    assert "Check your answers" not in text_of(response)


def test_an_old_notice_is_not_consented_to(scene):
    client = signed_in(scene.grantee_admin)
    old = ConsentAnswers(
        party=scene.grantee_party.pk,
        basis=dict.fromkeys(PURPOSES, ""),
        versions={**{p: n.version for p, n in NOTICES.items()}, "publish": "publish-1999-01"},
        answers={**ALL_NO, "publish": "yes"},
    )

    response = client.post(url("consent-confirm", scene), {"answers": old.token()})

    assert response.status_code == 409
    assert "The notice for this decision has changed since you read it." in text_of(response)
    assert ConsentRecord.objects.count() == 0


def test_a_closed_partnership_takes_no_new_yes_but_takes_a_no(scene):
    grant(scene.grantee_party, "participate")
    scene.partnership.status = "closed"
    scene.partnership.save(update_fields=["status"])
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))

    refused = confirm(client, scene, answer(client, scene, shown, **{**ALL_NO, "publish": "yes"}))
    done = confirm(client, scene, answer(client, scene, shown, **ALL_NO))

    assert refused.status_code == 409
    assert "This partnership is closed, so nothing new can be given." in text_of(refused)
    assert done.status_code == 302
    assert ConsentState.objects.get(purpose="participate").granted is False


# --- Who may answer, and forged fields ----------------------------------------------------------


def test_members_and_other_parties_cannot_answer_for_a_party(scene):
    shown = ConsentAnswers(
        party=scene.grantee_party.pk,
        basis=dict.fromkeys(PURPOSES, ""),
        versions={p: n.version for p, n in NOTICES.items()},
    )
    checked = ConsentAnswers(**{**shown.__dict__, "answers": dict(ALL_NO)})

    for user, reason in [
        (scene.grantee_member, "Only admins of"),
        (scene.lp_admin, "each organisation decides for itself"),
    ]:
        client = signed_in(user)
        check = client.post(url("consent-check", scene), {"shown": shown.token(), **ALL_NO})
        done = client.post(url("consent-confirm", scene), {"answers": checked.token()})
        assert (check.status_code, done.status_code) == (403, 403)
        assert reason in text_of(done)
    assert ConsentRecord.objects.count() == 0


@pytest.mark.parametrize(
    "forge",
    [
        "",
        "not-a-signed-value",
        "tampered",
        "wrong-salt",
        "wrong-shape",
    ],
)
def test_a_changed_or_forged_field_is_a_400_page_and_records_nothing(scene, forge):
    client = signed_in(scene.grantee_admin)
    good = ConsentAnswers(
        party=scene.grantee_party.pk,
        basis=dict.fromkeys(PURPOSES, ""),
        versions={p: n.version for p, n in NOTICES.items()},
        answers=dict(ALL_NO),
    ).token()
    payload = signing.loads(good, salt=SALT)
    token = {
        "": "",
        "not-a-signed-value": "not-a-signed-value",
        "tampered": good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        "wrong-salt": signing.dumps(payload, salt="somewhere.else"),
        "wrong-shape": signing.dumps({**payload, "answers": {"participate": "maybe"}}, salt=SALT),
    }[forge]

    responses = [
        client.post(url("consent-check", scene), {"shown": token, **ALL_NO}),
        client.post(url("consent-confirm", scene), {"answers": token}),
        client.get(url("consent-overview", scene), {"answers": token}),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "Something in the request was wrong" in text_of(responses[1])
    assert ConsentRecord.objects.count() == 0


def test_answers_for_another_party_in_a_change_link_are_refused(scene):
    answers = ConsentAnswers(
        party=scene.lp_party.pk,
        basis=dict.fromkeys(PURPOSES, ""),
        versions={p: n.version for p, n in NOTICES.items()},
        answers=dict(ALL_NO),
    )

    response = signed_in(scene.grantee_admin).get(
        url("consent-overview", scene), {"answers": answers.token()}
    )

    assert response.status_code == 400


def test_an_expired_form_asks_again(scene, monkeypatch):
    client = signed_in(scene.grantee_admin)
    shown = shown_field(client.get(url("consent-overview", scene)))
    monkeypatch.setattr("consent.answers.MAX_AGE", -1)

    response = answer(client, scene, shown, **ALL_NO)

    assert response.status_code == 302
    after = text_of(client.get(response["Location"]))
    assert "more than a day since you opened the consent form" in after
    assert ConsentRecord.objects.count() == 0


# --- Receipts -----------------------------------------------------------------------------------


def test_the_history_links_each_answer_to_its_receipt_page(scene):
    record = decide(scene.grantee_party, "participate", "grant")
    other = decide(scene.lp_party, "participate", "grant")

    html = signed_in(scene.grantee_member).get(url("consent-history", scene)).content.decode()

    assert f'href="{url("consent-receipt", scene, record_pk=record.pk)}"' in html
    assert f'href="{url("consent-receipt", scene, record_pk=other.pk)}"' not in html
    assert reverse("api:consent-receipt", args=[scene.partnership.pk, record.pk]) not in html


def test_a_receipt_says_in_words_what_was_agreed_by_whom_and_when(scene):
    record = decide(scene.grantee_party, "share_with_funder", "grant", note="For this year.")
    grantee = scene.grantee_party.organisation.name

    response = signed_in(scene.grantee_member).get(
        url("consent-receipt", scene, record_pk=record.pk)
    )

    assert response.status_code == 200
    page = text_of(response)
    assert f"{grantee} agreed to this: share with the funder: let funders read" in page
    assert f"Recorded by {scene.grantee_admin.display_name}" in page
    assert f"When {record.recorded_at:%-d %B %Y}" in page
    assert "Note For this year." in page
    assert record.notice_text in page
    assert "Download this receipt (PDF)" in page


def test_a_receipt_of_a_no_says_it_was_not_agreed(scene):
    record = decide(scene.grantee_party, "attribute", "withdraw")

    page = text_of(
        signed_in(scene.grantee_admin).get(url("consent-receipt", scene, record_pk=record.pk))
    )

    assert f"{scene.grantee_party.organisation.name} did not agree to this: name us" in page
    assert "Answer No" in page


def test_other_parties_cannot_open_a_partys_receipt(scene):
    record = decide(scene.grantee_party, "participate", "grant")

    page = signed_in(scene.lp_admin).get(url("consent-receipt", scene, record_pk=record.pk))
    pdf = signed_in(scene.lp_admin).get(url("consent-receipt-pdf", scene, record_pk=record.pk))
    outsider = signed_in(scene.outsider).get(url("consent-receipt", scene, record_pk=record.pk))

    assert (page.status_code, pdf.status_code, outsider.status_code) == (403, 403, 404)
    assert "Only people in" in text_of(page)


def test_the_receipt_pdf_says_the_same_in_words(scene, tmp_path: Path):
    record = decide(scene.grantee_party, "participate", "grant")

    response = signed_in(scene.grantee_admin).get(
        url("consent-receipt-pdf", scene, record_pk=record.pk)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="consent-receipt-')
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(  # noqa: S603 - our own file
            ["pdftotext", str(path), "-"],  # noqa: S607 - poppler-utils, on PATH
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    assert "Consent receipt" in text
    assert f"{scene.grantee_party.organisation.name} agreed to this" in text
    assert scene.grantee_admin.display_name in text
    assert NOTICES["participate"].allows in text
    assert NOTICES["participate"].version not in text


# --- No codes on any consent page ----------------------------------------------------------------

#: The codes people must never see: notice versions, and the purpose and channel keys
#: that are not words (participate, publish and attribute are, so the key words are not
#: checked; the pages' labels for them are checked by the tests above).
CODES = [
    *(notice.version for notice in NOTICES.values()),
    CHALLENGE_NOTICE_VERSION,
    *(purpose for purpose in PURPOSES if "_" in purpose),
    *(channel for channel in ChallengeRecord.Channel.values if "_" in channel),
]


def test_no_consent_page_shows_a_code(scene):
    from tests.consent.helpers import permit

    record = decide(scene.grantee_party, "participate", "grant", note="Fine by us.")
    decide(scene.grantee_party, "share_with_parties", "withdraw")
    permit(scene.grantee_party, ["*"], ["workshop", "published_brief"])
    client = signed_in(scene.grantee_admin)
    form = client.get(url("consent-overview", scene))
    check = answer(client, scene, shown_field(form), **{**ALL_NO, "publish": "yes"})
    pages = {
        "consent": form,
        "check": check,
        "history": client.get(url("consent-history", scene)),
        "receipt": client.get(url("consent-receipt", scene, record_pk=record.pk)),
        "challenge": client.get(url("challenge-permission", scene)),
        "challenge form": client.get(url("challenge-permission-decide", scene)),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        words = set(re.findall(r"[\w-]+", text_of(response)))
        shown = sorted(code for code in CODES if code in words)
        assert shown == [], f"the {name} page shows {shown}"
        assert "<code>" not in response.content.decode(), name
