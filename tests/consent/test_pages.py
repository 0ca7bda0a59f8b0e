"""The Consent tab as people use it: every party's consent, challenge permission, history."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from consent.models import ChallengeRecord, ConsentRecord
from consent.notices import CHALLENGE_NOTICE_VERSION
from partnerships.services import question_propose
from tests.consent.helpers import agreed_question, decide, grant, page_url, permit
from tests.partnerships.factories import add_party, admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_partnership_scene()


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def overview(scene) -> str:  # type: ignore[no-untyped-def]
    return page_url("consent-overview", partnership_pk=scene.partnership.pk)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible words, tags removed and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- Reading ----------------------------------------------------------------------------------


def test_everyone_in_the_partnership_sees_every_partys_state_but_only_admins_get_buttons(scene):
    grant(scene.grantee_party, "participate")
    decide(scene.grantee_party, "publish", "withdraw")

    response = signed_in(scene.funder_member).get(overview(scene))

    assert response.status_code == 200
    page = text_of(response)
    grantee = scene.grantee_party.organisation.name
    assert f"{grantee} (grantee) Yes No Not decided Not decided Not decided" in page
    assert "Continue" not in page
    assert (
        f"Only admins of {scene.funder_party.organisation.name} can give or withdraw its "
        "consent." in page
    )


@pytest.mark.parametrize("who", ["outsider", "invited"])
def test_outsiders_and_invited_parties_get_404(scene, who):
    user = (
        scene.outsider
        if who == "outsider"
        else admin_of(add_party(scene.partnership, accepted=False).organisation)
    )
    client = signed_in(user)

    responses = [
        client.get(overview(scene)),
        client.get(page_url("consent-history", partnership_pk=scene.partnership.pk)),
        client.get(page_url("challenge-permission-decide", partnership_pk=scene.partnership.pk)),
        client.get(page_url("challenge-permission", partnership_pk=scene.partnership.pk)),
        client.post(
            page_url("consent-check", partnership_pk=scene.partnership.pk),
            {"shown": "", "participate": "yes"},
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert ConsentRecord.objects.count() == 0


def test_not_signed_in_is_sent_to_sign_in(scene):
    response = Client().get(overview(scene))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={overview(scene)}"


def test_withdrawal_takes_effect_on_the_very_next_page(scene):
    grant(scene.grantee_party, "participate")
    client = signed_in(scene.lp_member)
    assert "(grantee) Yes" in text_of(client.get(overview(scene)))

    decide(scene.grantee_party, "participate", "withdraw")

    assert "(grantee) No" in text_of(client.get(overview(scene)))


# --- Permission to challenge ---------------------------------------------------------------------


def challenge_url(scene) -> str:  # type: ignore[no-untyped-def]
    return page_url("challenge-permission-decide", partnership_pk=scene.partnership.pk)


def test_the_challenge_form_offers_agreed_questions_and_records_a_grant(scene):
    question = agreed_question(scene.partnership, "What keeps people coming back?")
    question_propose(
        partnership=scene.partnership,
        party=scene.grantee_party,
        text="Not agreed yet",
        by=scene.grantee_admin,
    )
    client = signed_in(scene.grantee_admin)

    form = client.get(challenge_url(scene))
    done = client.post(
        challenge_url(scene),
        {
            "decision": "grant",
            "areas": [str(question.pk)],
            "channels": ["workshop", "private_report"],
            "conditions": "Talk to us first.",
            "notice_version": CHALLENGE_NOTICE_VERSION,
        },
    )

    assert form.status_code == 200
    page = text_of(form)
    assert "What keeps people coming back?" in page
    assert "Not agreed yet" not in page
    assert "Everything: every area of our work" in page
    assert done.status_code == 302
    assert done["Location"] == page_url("challenge-permission", partnership_pk=scene.partnership.pk)
    record = ChallengeRecord.objects.get()
    assert (record.areas, record.channels, record.conditions) == (
        [question.pk],
        ["workshop", "private_report"],
        "Talk to us first.",
    )
    after = text_of(
        signed_in(scene.funder_member).get(
            page_url("challenge-permission", partnership_pk=scene.partnership.pk)
        )
    )
    assert "What keeps people coming back? Workshop, Private report Talk to us first." in after


def test_a_challenge_form_without_areas_or_channels_shows_the_errors(scene):
    response = signed_in(scene.grantee_admin).post(challenge_url(scene), {"decision": "grant"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_areas_0">Choose everything, or at least one research question.</a>' in html
    assert '<a href="#id_channels_0">Choose at least one channel.</a>' in html
    assert ChallengeRecord.objects.count() == 0


def test_everything_and_a_question_together_is_refused_on_the_areas_field(scene):
    question = agreed_question(scene.partnership)

    response = signed_in(scene.grantee_admin).post(
        challenge_url(scene),
        {"decision": "grant", "areas": ["*", str(question.pk)], "channels": ["workshop"]},
    )

    assert response.status_code == 400
    assert "Choose everything or particular research questions, not both." in text_of(response)
    assert ChallengeRecord.objects.count() == 0


def test_members_cannot_open_the_challenge_form(scene):
    response = signed_in(scene.grantee_member).get(challenge_url(scene))

    assert response.status_code == 403
    assert (
        f"Only admins of {scene.grantee_party.organisation.name} can give or withdraw "
        "permission to challenge for it." in text_of(response)
    )


# --- History ------------------------------------------------------------------------------------


def test_the_history_shows_who_recorded_what_and_when_with_receipts_for_ones_own(scene):
    grantee_record = decide(scene.grantee_party, "participate", "grant")
    lp_record = decide(scene.lp_party, "participate", "grant")
    question = agreed_question(scene.partnership, "Where do we fall short?")
    permit(scene.grantee_party, [question.pk], ["published_brief"])

    response = signed_in(scene.grantee_member).get(
        page_url("consent-history", partnership_pk=scene.partnership.pk)
    )

    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert admin_of(scene.lp_party.organisation).display_name in page
    assert "Where do we fall short?" in page
    assert "Gave permission" in page
    receipt = page_url(
        "consent-receipt", partnership_pk=scene.partnership.pk, record_pk=grantee_record.pk
    )
    other_receipt = page_url(
        "consent-receipt", partnership_pk=scene.partnership.pk, record_pk=lp_record.pk
    )
    assert f'href="{receipt}"' in html
    assert f'href="{other_receipt}"' not in html
    assert reverse("api:consent-export", kwargs={"partnership_pk": scene.partnership.pk}) in html


@pytest.mark.parametrize("records", [5, 50])
def test_the_history_page_costs_a_fixed_number_of_queries(
    scene, records, django_assert_max_num_queries
):
    for n in range(records):
        decide(scene.grantee_party, "publish", "grant" if n % 2 else "withdraw")
        permit(scene.grantee_party, ["*"], ["workshop"])
    client = signed_in(scene.funder_member)

    with django_assert_max_num_queries(20):
        response = client.get(page_url("consent-history", partnership_pk=scene.partnership.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("records", [5, 50])
def test_the_consent_page_costs_a_fixed_number_of_queries(
    scene, records, django_assert_max_num_queries
):
    for _ in range(records // 5):
        add_party(scene.partnership)
    for n in range(records):
        decide(scene.grantee_party, "publish", "grant" if n % 2 else "withdraw")
    client = signed_in(scene.grantee_admin)

    with django_assert_max_num_queries(25):
        response = client.get(overview(scene))

    assert response.status_code == 200


# --- Dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_asks_admins_to_decide_until_they_have(scene):
    client = signed_in(scene.grantee_admin)

    before = client.get(reverse("dashboard"))
    decide(scene.grantee_party, "participate", "grant")
    after = client.get(reverse("dashboard"))

    link = overview(scene)
    assert f'href="{link}"' in before.content.decode()
    assert "Decide about consent" in text_of(before)
    assert f'href="{link}"' not in after.content.decode()
    assert (
        f'href="{link}"'
        not in signed_in(scene.grantee_member).get(reverse("dashboard")).content.decode()
    )
