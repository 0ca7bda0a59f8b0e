"""The Consent tab as people use it: read, give, withdraw (after checking), challenge."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from consent.models import ChallengeRecord, ConsentRecord, ConsentState
from consent.notices import CHALLENGE_NOTICE_VERSION, NOTICES
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


def give_form(scene, purpose: str, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "purpose": purpose,
        "party": scene.grantee_party.pk,
        "notice_version": NOTICES[purpose].version,
        **overrides,
    }


# --- Reading ----------------------------------------------------------------------------------


def test_an_admin_reads_each_purpose_in_plain_words_with_a_button_to_give_it(scene):
    response = signed_in(scene.grantee_admin).get(overview(scene))

    assert response.status_code == 200
    page = text_of(response)
    for notice in NOTICES.values():
        assert notice.title in page
        assert notice.allows in page
        assert notice.who_sees in page
    assert page.count("Give consent") == 5
    assert "Withdraw consent" not in page
    assert f"Your decisions for {scene.grantee_party.organisation.name}" in page
    assert 'aria-current="page">Consent</a>' in response.content.decode()


def test_everyone_in_the_partnership_sees_every_partys_state_but_only_admins_get_buttons(scene):
    grant(scene.grantee_party, "participate")
    decide(scene.grantee_party, "publish", "withdraw")

    response = signed_in(scene.funder_member).get(overview(scene))

    assert response.status_code == 200
    page = text_of(response)
    grantee = scene.grantee_party.organisation.name
    assert f"{grantee} (grantee) Given Withdrawn Not decided Not decided Not decided" in page
    assert "Give consent" not in page
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
        client.post(
            page_url("consent-give", partnership_pk=scene.partnership.pk),
            give_form(scene, "participate"),
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    assert ConsentRecord.objects.count() == 0


def test_not_signed_in_is_sent_to_sign_in(scene):
    response = Client().get(overview(scene))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={overview(scene)}"


# --- Giving -------------------------------------------------------------------------------------


def test_giving_consent_records_the_notice_shown_and_says_so(scene):
    client = signed_in(scene.grantee_admin)

    response = client.post(
        page_url("consent-give", partnership_pk=scene.partnership.pk),
        give_form(scene, "participate"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{overview(scene)}#consent-{scene.grantee_party.pk}-participate"
    record = ConsentRecord.objects.get()
    assert (record.party, record.purpose, record.decision, record.recorded_by) == (
        scene.grantee_party,
        "participate",
        "grant",
        scene.grantee_admin,
    )
    assert record.notice_version == NOTICES["participate"].version
    page = text_of(client.get(overview(scene)))
    assert (
        f"You gave consent for {scene.grantee_party.organisation.name}: "
        f"{NOTICES['participate'].title}." in page
    )
    assert f"Given on {record.recorded_at:%-d %B %Y}" in page
    assert page.count("Give consent") == 4
    assert page.count("Withdraw consent") == 1


def test_an_old_notice_is_not_consented_to(scene):
    client = signed_in(scene.grantee_admin)

    response = client.post(
        page_url("consent-give", partnership_pk=scene.partnership.pk),
        give_form(scene, "publish", notice_version="publish-1999-01"),
        follow=True,
    )

    assert ConsentRecord.objects.count() == 0
    assert "The notice for this decision has changed since you read it." in text_of(response)


def test_a_member_who_is_not_an_admin_is_refused_and_nothing_is_recorded(scene):
    response = signed_in(scene.grantee_member).post(
        page_url("consent-give", partnership_pk=scene.partnership.pk),
        give_form(scene, "participate"),
    )

    assert response.status_code == 403
    assert (
        f"Only admins of {scene.grantee_party.organisation.name} can give or withdraw consent "
        "for it." in text_of(response)
    )
    assert ConsentRecord.objects.count() == 0


def test_another_partys_admin_cannot_give_consent_for_the_grantee(scene):
    response = signed_in(scene.lp_admin).post(
        page_url("consent-give", partnership_pk=scene.partnership.pk),
        give_form(scene, "participate"),
    )

    assert response.status_code == 403
    assert "each organisation decides for itself" in text_of(response)
    assert ConsentRecord.objects.count() == 0


# --- Withdrawing: check your answers first -------------------------------------------------------


def withdraw_url(scene, purpose: str) -> str:  # type: ignore[no-untyped-def]
    return page_url("consent-withdraw", partnership_pk=scene.partnership.pk, purpose=purpose)


def test_withdrawing_goes_through_a_check_page_and_records_the_note(scene):
    grant(scene.grantee_party, "publish")
    client = signed_in(scene.grantee_admin)

    check = client.get(withdraw_url(scene, "publish"), {"party": scene.grantee_party.pk})
    nothing_yet = ConsentRecord.objects.count()
    done = client.post(
        withdraw_url(scene, "publish"),
        {
            "party": scene.grantee_party.pk,
            "notice_version": NOTICES["publish"].version,
            "note": "We need to ask the young people first.",
        },
    )

    assert check.status_code == 200
    page = text_of(check)
    assert "Check before you withdraw consent" in page
    assert NOTICES["publish"].withdraw in page
    assert "The learning partner is told straight away" in page
    assert nothing_yet == 1
    assert done.status_code == 302
    record = ConsentRecord.objects.latest("id")
    assert (record.decision, record.note) == ("withdraw", "We need to ask the young people first.")
    assert ConsentState.objects.get(party=scene.grantee_party, purpose="publish").granted is False
    after = text_of(client.get(overview(scene)))
    assert "You withdrew consent for" in after
    assert "Note: We need to ask the young people first." in after


def test_saying_no_to_a_consent_never_given_is_recorded_as_a_decision(scene):
    client = signed_in(scene.grantee_admin)

    check = client.get(withdraw_url(scene, "attribute"))
    client.post(withdraw_url(scene, "attribute"), {"notice_version": NOTICES["attribute"].version})

    assert "Check before you record that you do not give consent" in text_of(check)
    assert ConsentState.objects.get(purpose="attribute").granted is False


def test_withdrawing_against_an_old_notice_shows_the_new_one_and_records_nothing(scene):
    grant(scene.grantee_party, "publish")

    response = signed_in(scene.grantee_admin).post(
        withdraw_url(scene, "publish"), {"notice_version": "publish-1999-01", "note": "Keep me"}
    )

    assert response.status_code == 409
    page = text_of(response)
    assert "There is a problem" in page
    assert "The notice for this decision has changed since you read it." in page
    assert f'value="{NOTICES["publish"].version}"' in response.content.decode()
    assert ConsentRecord.objects.count() == 1


def test_an_unknown_purpose_is_not_found(scene):
    response = signed_in(scene.grantee_admin).get(withdraw_url(scene, "sell_everything"))

    assert response.status_code == 404


def test_a_member_cannot_reach_the_withdrawal_page(scene):
    grant(scene.grantee_party, "publish")

    response = signed_in(scene.grantee_member).post(
        withdraw_url(scene, "publish"), {"notice_version": NOTICES["publish"].version}
    )

    assert response.status_code == 403
    assert ConsentState.objects.get(purpose="publish").granted is True


def test_withdrawal_takes_effect_on_the_very_next_page(scene):
    grant(scene.grantee_party, "participate")
    client = signed_in(scene.lp_member)
    assert "(grantee) Given" in text_of(client.get(overview(scene)))

    decide(scene.grantee_party, "participate", "withdraw")

    assert "(grantee) Withdrawn" in text_of(client.get(overview(scene)))


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
    assert done["Location"] == f"{overview(scene)}#challenge"
    record = ChallengeRecord.objects.get()
    assert (record.areas, record.channels, record.conditions) == (
        [question.pk],
        ["workshop", "private_report"],
        "Talk to us first.",
    )
    after = text_of(signed_in(scene.funder_member).get(overview(scene)))
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
    receipt = reverse(
        "api:consent-receipt",
        kwargs={"partnership_pk": scene.partnership.pk, "record_pk": grantee_record.pk},
    )
    other_receipt = reverse(
        "api:consent-receipt",
        kwargs={"partnership_pk": scene.partnership.pk, "record_pk": lp_record.pk},
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
