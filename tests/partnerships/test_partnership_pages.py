"""The partnership pages, used as a person would: through the Django test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from partnerships.models import DiscoveryBrief, Partnership, Party, QuestionResponse
from partnerships.services import (
    Complexity,
    discovery_brief_agree,
    discovery_brief_update,
    membership_set,
    question_propose,
    question_respond,
)
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipFactory,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page(name: str, **kwargs: object) -> str:
    return reverse(f"partnerships:{name}", kwargs=kwargs)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible words, with tags removed and spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def write_brief(scene) -> None:  # type: ignore[no-untyped-def]
    discovery_brief_update(
        partnership=scene.partnership,
        audience="The grantees.",
        desired_impact="Warmer homes.",
        scope="Two cities.",
        complexity=Complexity(
            duration_years=1,
            partner_count=3,
            workstream_count=1,
            differing_aims=False,
            power_imbalance=False,
        ),
        by=scene.lp_member,
        party=scene.lp_party,
    )


def make_ready(scene) -> None:  # type: ignore[no-untyped-def]
    write_brief(scene)
    discovery_brief_agree(
        partnership=scene.partnership, party=scene.funder_party, by=scene.funder_admin
    )
    discovery_brief_agree(partnership=scene.partnership, party=scene.lp_party, by=scene.lp_admin)
    discovery_brief_agree(
        partnership=scene.partnership, party=scene.grantee_party, by=scene.grantee_admin
    )
    question = question_propose(
        partnership=scene.partnership, party=scene.lp_party, text="What works?", by=scene.lp_member
    )
    for party, user in (
        (scene.funder_party, scene.funder_member),
        (scene.lp_party, scene.lp_member),
        (scene.grantee_party, scene.grantee_member),
    ):
        question_respond(question=question, party=party, decision="agree", by=user)


# --- List and start ------------------------------------------------------------------


def test_list_shows_my_partnerships_and_invitations():
    scene = build_partnership_scene(title="Warm homes")
    other = PartnershipFactory.create(title="Healthy lives")
    add_party(other, scene.grantee_party.organisation, accepted=False)

    response = client_for(scene.grantee_admin).get(page("partnership-list"))

    assert response.status_code == 200
    words = text_of(response)
    assert "Warm homes" in words
    assert "Healthy lives Discovery Invitation to join" in words
    assert "Only people in a funder organisation can start a partnership" in words


def test_funder_starts_a_partnership_from_the_form():
    funder = OrganisationFactory.create(kind="funder", name="Green Fund")
    person = add_member(funder)
    client = client_for(person)

    form = client.get(page("partnership-create"))
    assert form.status_code == 200
    assert "Green Fund" in text_of(form)

    response = client.post(
        page("partnership-create"),
        {
            "funder": funder.pk,
            "title": "Warm homes",
            "description": "",
            "learning_mode": "learning_for",
            "priority_audience": "funder",
            "brief_cadence": "monthly",
        },
    )

    partnership = Partnership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == partnership.get_absolute_url()
    assert (partnership.title, partnership.funder, partnership.status) == (
        "Warm homes",
        funder,
        "discovery",
    )


def test_a_person_in_one_funder_is_not_asked_which_but_told_and_one_in_two_chooses():
    green = OrganisationFactory.create(kind="funder", name="Green Fund")
    person = add_member(green)

    html = client_for(person).get(page("partnership-create")).content.decode()
    assert "Commissioned by Green Fund" in html
    assert "Which funder is commissioning it?" not in html
    assert f'<input type="hidden" name="funder" value="{green.pk}"' in html

    blue = OrganisationFactory.create(kind="funder", name="Blue Trust")
    membership_set(organisation=blue, user=person, role="member")
    html = client_for(person).get(page("partnership-create")).content.decode()
    assert "Which funder is commissioning it?" in html
    assert "Commissioned by Green Fund" not in html
    # The hidden choice is still checked: another funder's id is refused.
    other = OrganisationFactory.create(kind="funder")
    lone = add_member(OrganisationFactory.create(kind="funder"))
    refused = client_for(lone).post(page("partnership-create"), {"funder": other.pk, "title": "X"})
    assert "Choose a funder organisation you belong to." in text_of(refused)


def test_start_form_with_missing_answers_shows_the_errors_and_creates_nothing():
    funder = OrganisationFactory.create(kind="funder")
    client = client_for(admin_of(funder))

    response = client.post(page("partnership-create"), {"funder": funder.pk, "title": " "})

    assert response.status_code == 200
    words = text_of(response)
    assert "There is a problem" in words
    assert "Enter a title for the partnership." in words
    assert "Choose learning for or learning with." in words
    assert Partnership.objects.count() == 0


def test_someone_without_a_funder_is_told_how_to_start():
    grantee = OrganisationFactory.create(kind="grantee")

    response = client_for(admin_of(grantee)).get(page("partnership-create"))

    assert response.status_code == 200
    assert "you need to belong to a funder organisation" in text_of(response)
    assert b'name="title"' not in response.content


# --- Tabs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("partnership-detail", "Overview"),
        ("partnership-parties", "Parties"),
        ("partnership-discovery", "Discovery"),
        ("partnership-questions", "Research questions"),
        ("partnership-timeline", "Timeline"),
    ],
)
def test_every_party_sees_each_tab_with_the_current_one_marked(name, label):
    scene = build_partnership_scene()

    response = client_for(scene.grantee_member).get(page(name, pk=scene.partnership.pk))

    assert response.status_code == 200
    current = re.findall(
        r'<a href="[^"]+" aria-current="page">([^<]+)</a>', response.content.decode()
    )
    # Once in the phone's menu of sections (named after the current one), once in the tabs.
    assert current == [label, label]
    assert f'<summary class="menu__button">Sections: {label}</summary>' in response.content.decode()


def test_overview_shows_the_discovery_task_list_and_management_buttons_to_funder_admins():
    scene = build_partnership_scene()

    admin_view = text_of(
        client_for(scene.funder_admin).get(page("partnership-detail", pk=scene.partnership.pk))
    )
    member_view = text_of(
        client_for(scene.funder_member).get(page("partnership-detail", pk=scene.partnership.pk))
    )

    assert "A learning partner joins Done" in admin_view
    assert "The learning partner writes the discovery brief Not done yet" in admin_view
    # Not ready: no button to make it active, and the page says why.
    assert "Make partnership active" not in admin_view
    assert "once every step of discovery above is done" in admin_view
    assert "Make partnership active" not in member_view
    assert "once every step of discovery above is done" not in member_view


def test_each_step_left_links_to_where_the_person_who_can_do_it_does_it():
    scene = build_partnership_scene()
    Party.objects.filter(pk=scene.lp_party.pk).update(status=Party.Status.INVITED)

    funder = client_for(scene.funder_admin).get(page("partnership-detail", pk=scene.partnership.pk))
    text = text_of(funder)

    assert "A learning partner is invited and has not answered yet." in text
    assert "Invite a learning partner" not in text  # one is already invited

    Party.objects.filter(pk=scene.lp_party.pk).update(status=Party.Status.DECLINED)
    html = (
        client_for(scene.funder_admin)
        .get(page("partnership-detail", pk=scene.partnership.pk))
        .content.decode()
    )
    invite = (
        f'href="/partnerships/{scene.partnership.pk}/parties/invite/">Invite a learning partner'
    )
    assert invite in html


def test_once_every_step_is_done_the_manager_is_offered_to_make_it_active():
    scene = build_partnership_scene()
    make_ready(scene)

    text = text_of(
        client_for(scene.funder_admin).get(page("partnership-detail", pk=scene.partnership.pk))
    )

    assert "Make partnership active" in text
    assert "once every step of discovery above is done" not in text


def test_timeline_shows_who_did_what():
    scene = build_partnership_scene()

    words = text_of(
        client_for(scene.lp_member).get(page("partnership-timeline", pk=scene.partnership.pk))
    )

    grantee = scene.grantee_party.organisation.name
    assert f"accepted the invitation: {grantee} joined as a grantee." in words
    assert f"started the partnership “{scene.partnership.title}”." in words


# --- Parties -------------------------------------------------------------------------


def test_funder_admin_finds_and_invites_an_organisation():
    scene = build_partnership_scene()
    target = OrganisationFactory.create(kind="grantee", name="Hope Street Project")
    client = client_for(scene.funder_admin)
    invite = page("partnership-invite", pk=scene.partnership.pk)

    results = client.get(invite, {"search": "hope street"})
    assert "Hope Street Project" in text_of(results)
    response = client.post(invite, {"organisation": target.pk, "role": "grantee"})

    assert response.status_code == 302
    assert response["Location"] == page("partnership-parties", pk=scene.partnership.pk)
    party = Party.objects.get(organisation=target)
    assert (party.status, party.role) == ("invited", "grantee")


def test_inviting_without_a_role_shows_an_error_and_invites_nobody():
    scene = build_partnership_scene()
    target = OrganisationFactory.create(kind="grantee")

    response = client_for(scene.funder_admin).post(
        page("partnership-invite", pk=scene.partnership.pk), {"organisation": target.pk}
    )

    assert response.status_code == 200
    assert "Choose co-funder, grantee or learning partner." in text_of(response)
    assert not Party.objects.filter(organisation=target).exists()


def test_a_grantee_cannot_open_the_invite_page():
    scene = build_partnership_scene()

    response = client_for(scene.grantee_admin).get(
        page("partnership-invite", pk=scene.partnership.pk)
    )

    assert response.status_code == 403
    assert "Only admins of the commissioning funder can invite organisations." in text_of(response)


def test_invited_admin_sees_the_invitation_and_accepts_it():
    scene = build_partnership_scene(title="Warm homes")
    org = OrganisationFactory.create(kind="grantee", name="Hope Street")
    party = add_party(scene.partnership, org, accepted=False)
    client = client_for(admin_of(org))

    invitation = client.get(page("partnership-detail", pk=scene.partnership.pk))
    assert invitation.status_code == 200
    assert "Invitation to join “Warm homes”" in text_of(invitation)
    assert "Accept invitation" in text_of(invitation)
    assert client.get(page("partnership-questions", pk=scene.partnership.pk)).status_code == 404

    response = client.post(
        page("partnership-party-accept", pk=scene.partnership.pk, party_pk=party.pk)
    )

    assert response.status_code == 302
    assert response["Location"] == scene.partnership.get_absolute_url()
    party.refresh_from_db()
    assert party.status == "accepted"
    assert client.get(page("partnership-questions", pk=scene.partnership.pk)).status_code == 200


def test_invited_member_who_is_not_an_admin_is_told_who_decides():
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee", name="Hope Street")
    add_party(scene.partnership, org, accepted=False)

    response = client_for(add_member(org)).get(page("partnership-detail", pk=scene.partnership.pk))

    assert "Only an admin of Hope Street can accept or decline this invitation." in text_of(
        response
    )
    assert b"Accept invitation" not in response.content


def test_declining_goes_back_to_the_dashboard():
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee")
    party = add_party(scene.partnership, org, accepted=False)

    response = client_for(admin_of(org)).post(
        page("partnership-party-decline", pk=scene.partnership.pk, party_pk=party.pk)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    party.refresh_from_db()
    assert party.status == "declined"


def test_removing_a_party_asks_first_and_its_people_lose_access_at_once():
    scene = build_partnership_scene()
    remove = page(
        "partnership-party-remove", pk=scene.partnership.pk, party_pk=scene.grantee_party.pk
    )
    admin = client_for(scene.funder_admin)

    check = admin.get(remove)
    assert check.status_code == 200
    assert "Check before you continue" in text_of(check)
    scene.grantee_party.refresh_from_db()
    assert scene.grantee_party.status == "accepted"

    response = admin.post(remove)

    assert response.status_code == 302
    grantee = client_for(scene.grantee_member)
    assert grantee.get(page("partnership-detail", pk=scene.partnership.pk)).status_code == 404


def test_a_party_admin_leaves_from_the_parties_page():
    scene = build_partnership_scene()
    leave = page("partnership-party-leave", pk=scene.partnership.pk, party_pk=scene.lp_party.pk)
    parties = client_for(scene.lp_admin).get(page("partnership-parties", pk=scene.partnership.pk))
    assert leave in parties.content.decode()

    response = client_for(scene.lp_admin).post(leave)

    assert response.status_code == 302
    scene.lp_party.refresh_from_db()
    assert scene.lp_party.status == "removed"


# --- Discovery -----------------------------------------------------------------------


def test_learning_partner_writes_the_brief_and_everyone_sees_the_recommendation_and_why():
    scene = build_partnership_scene()
    client = client_for(scene.lp_member)

    response = client.post(
        page("partnership-discovery-edit", pk=scene.partnership.pk),
        {
            "audience": "Grantees",
            "desired_impact": "Warmer homes",
            "scope": "Two cities",
            "duration_years": "2",
            "partner_count": "3",
            "workstream_count": "1",
            "power_imbalance": "on",
            "open_questions": "",
        },
    )

    assert response.status_code == 302
    brief = DiscoveryBrief.objects.get(partnership=scene.partnership)
    assert (brief.version, brief.duration_years, brief.power_imbalance, brief.differing_aims) == (
        1,
        2,
        True,
        False,
    )
    words = text_of(
        client_for(scene.grantee_member).get(page("partnership-discovery", pk=scene.partnership.pk))
    )
    assert "Recommended length of discovery: 5 weeks" in words
    assert "The work runs for 2 years, which adds 1 week" in words
    assert "There is a power imbalance between partners, which adds 2 weeks" in words


def test_a_bad_brief_shows_the_errors_and_saves_nothing():
    scene = build_partnership_scene()

    response = client_for(scene.lp_member).post(
        page("partnership-discovery-edit", pk=scene.partnership.pk),
        {
            "audience": "",
            "desired_impact": "x",
            "scope": "x",
            "duration_years": "0",
            "partner_count": "lots",
            "workstream_count": "1",
        },
    )

    assert response.status_code == 200
    words = text_of(response)
    assert "Say who the learning is for." in words
    assert "Enter a whole number of partners, like 5." in words
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).version == 0


def test_a_grantee_cannot_open_the_brief_form():
    scene = build_partnership_scene()

    response = client_for(scene.grantee_member).get(
        page("partnership-discovery-edit", pk=scene.partnership.pk)
    )

    assert response.status_code == 403
    assert "Only the learning partner can write the discovery brief." in text_of(response)


def test_funder_and_learning_partner_agree_the_brief_with_the_button():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    write_brief(scene)
    discovery = page("partnership-discovery", pk=scene.partnership.pk)
    agree = page("partnership-discovery-agree", pk=scene.partnership.pk)

    assert "Agree discovery brief" in text_of(client_for(scene.funder_admin).get(discovery))
    assert "Agree discovery brief" not in text_of(client_for(scene.grantee_admin).get(discovery))
    client_for(scene.funder_admin).post(agree)
    response = client_for(scene.lp_admin).post(agree, follow=True)

    assert "The discovery brief is now agreed." in text_of(response)
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).status == "agreed"


# --- Questions -----------------------------------------------------------------------


def test_propose_a_question_and_answer_it_seeing_every_partys_answer():
    scene = build_partnership_scene()
    client = client_for(scene.grantee_member)

    proposed = client.post(
        page("partnership-question-propose", pk=scene.partnership.pk),
        {"text": "What helps families keep warm?", "rationale": ""},
    )
    assert proposed.status_code == 302
    question = scene.partnership.questions.get()
    question_respond(
        question=question,
        party=scene.lp_party,
        decision="object",
        comment="Too broad.",
        by=scene.lp_member,
    )

    respond = page("partnership-question-respond", pk=scene.partnership.pk, question_pk=question.pk)
    form = text_of(client.get(respond))
    assert "Objects Too broad." in form
    assert f"{scene.funder_party.organisation.name} (funder) Not answered yet" in form
    answered = client.post(respond, {"decision": "agree", "comment": "Yes please"})

    assert answered.status_code == 302
    response = QuestionResponse.objects.get(party=scene.grantee_party)
    assert (response.decision, response.comment) == ("agree", "Yes please")
    listing = text_of(client.get(page("partnership-questions", pk=scene.partnership.pk)))
    assert "What helps families keep warm? Contested" in listing


def test_answering_without_a_decision_shows_an_error():
    scene = build_partnership_scene()
    question = question_propose(
        partnership=scene.partnership, party=scene.lp_party, text="Q?", by=scene.lp_member
    )

    response = client_for(scene.grantee_member).post(
        page("partnership-question-respond", pk=scene.partnership.pk, question_pk=question.pk), {}
    )

    assert response.status_code == 200
    assert "Choose agree or object." in text_of(response)
    assert QuestionResponse.objects.count() == 0


# --- Status --------------------------------------------------------------------------


def test_make_active_lists_what_is_missing_then_works_once_it_is_done():
    scene = build_partnership_scene()
    activate = page("partnership-activate", pk=scene.partnership.pk)
    client = client_for(scene.funder_admin)

    check = text_of(client.get(activate))
    assert "The partnership cannot become active yet" in check
    assert "The discovery brief has not been agreed by every party" in check
    assert "No research question has been agreed by every party" in check
    refused = client.post(activate)
    assert refused.status_code == 409
    assert "no research question has been agreed by every party" in text_of(refused)
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"

    make_ready(scene)
    ready = text_of(client.get(activate))
    assert "Check before you continue" in ready
    response = client.post(activate)

    assert response.status_code == 302
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "active"


def test_close_asks_first_then_closes():
    scene = build_partnership_scene()
    close = page("partnership-close", pk=scene.partnership.pk)
    client = client_for(scene.funder_admin)

    assert "Close partnership" in text_of(client.get(close))
    response = client.post(close)

    assert response.status_code == 302
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "closed"
    again = client.post(close)
    assert again.status_code == 409
    assert "This partnership is already closed." in text_of(again)


def test_only_funder_admins_reach_the_status_pages():
    scene = build_partnership_scene()

    response = client_for(scene.lp_admin).post(page("partnership-close", pk=scene.partnership.pk))

    assert response.status_code == 403
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"


# --- Outsiders -------------------------------------------------------------------------


def test_outsiders_get_404_on_every_partnership_page():
    scene = build_partnership_scene()
    question = question_propose(
        partnership=scene.partnership, party=scene.lp_party, text="Q?", by=scene.lp_member
    )
    pk, party_pk = scene.partnership.pk, scene.grantee_party.pk
    pages = [
        page("partnership-detail", pk=pk),
        page("partnership-edit", pk=pk),
        page("partnership-parties", pk=pk),
        page("partnership-invite", pk=pk),
        page("partnership-party-accept", pk=pk, party_pk=party_pk),
        page("partnership-party-decline", pk=pk, party_pk=party_pk),
        page("partnership-party-remove", pk=pk, party_pk=party_pk),
        page("partnership-party-leave", pk=pk, party_pk=party_pk),
        page("partnership-discovery", pk=pk),
        page("partnership-discovery-edit", pk=pk),
        page("partnership-discovery-agree", pk=pk),
        page("partnership-questions", pk=pk),
        page("partnership-question-propose", pk=pk),
        page("partnership-question-respond", pk=pk, question_pk=question.pk),
        page("partnership-timeline", pk=pk),
        page("partnership-activate", pk=pk),
        page("partnership-close", pk=pk),
    ]
    client = client_for(add_member(OrganisationFactory.create(kind="funder")))

    # A page answers 405 for a method it never serves, before it looks the partnership
    # up, so the same answer comes for a partnership that does not exist: nothing leaks.
    missing = [path.replace(f"/{pk}/", f"/{pk + 1000}/", 1) for path in pages]
    for path, elsewhere in zip(pages, missing, strict=True):
        for method in ("get", "post"):
            answer = getattr(client, method)(path, {"title": "x"}).status_code
            assert answer in (404, 405), f"{method} {path}"
            if answer == 405:
                assert getattr(client, method)(elsewhere, {"title": "x"}).status_code == 405
        assert 404 in (client.get(path).status_code, client.post(path).status_code), path

    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"
    assert scene.partnership.title != "x"


def test_signed_out_people_are_sent_to_sign_in():
    scene = build_partnership_scene()

    response = Client().get(page("partnership-detail", pk=scene.partnership.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Dashboard -----------------------------------------------------------------------


def test_dashboard_shows_invitations_to_answer_for_organisations_i_administer():
    scene = build_partnership_scene(title="Warm homes")
    org = OrganisationFactory.create(kind="learning_partner", name="Clear Insight")
    party = add_party(scene.partnership, org, role="learning_partner", accepted=False)

    admin_view = client_for(admin_of(org)).get(reverse("dashboard"))
    member_view = client_for(add_member(org)).get(reverse("dashboard"))

    words = text_of(admin_view)
    assert "Invitations for your organisations to join a partnership" in words
    assert "invites Clear Insight to join as a learning partner" in words
    accept = page("partnership-party-accept", pk=scene.partnership.pk, party_pk=party.pk)
    decline = page("partnership-party-decline", pk=scene.partnership.pk, party_pk=party.pk)
    assert accept in admin_view.content.decode()
    assert decline in admin_view.content.decode()
    assert accept not in member_view.content.decode()
    assert "Warm homes Discovery Invitation to join" in text_of(member_view)


def test_dashboard_lists_questions_waiting_for_my_partys_answer():
    scene = build_partnership_scene(title="Warm homes")
    waiting = question_propose(
        partnership=scene.partnership, party=scene.lp_party, text="What works?", by=scene.lp_member
    )
    answered = question_propose(
        partnership=scene.partnership,
        party=scene.lp_party,
        text="Who is missed?",
        by=scene.lp_member,
    )
    question_respond(
        question=answered, party=scene.grantee_party, decision="agree", by=scene.grantee_admin
    )

    response = client_for(scene.grantee_member).get(reverse("dashboard"))

    words = text_of(response)
    assert "Questions waiting for your answer" in words
    assert "What works? In Warm homes" in words
    assert "Who is missed?" not in words
    respond = page("partnership-question-respond", pk=scene.partnership.pk, question_pk=waiting.pk)
    assert respond in response.content.decode()
    assert "Your partnerships" in words


def test_dashboard_with_nothing_waiting_says_so():
    scene = build_partnership_scene()

    words = text_of(client_for(scene.outsider).get(reverse("dashboard")))

    assert "Nothing is waiting for you right now." in words
    assert "You are not part of a partnership yet." in words


def test_discovery_counts_the_partners_learnhub_knows_of():
    scene = build_partnership_scene()
    add_party(scene.partnership, role=Party.Role.GRANTEE, accepted=False)

    form = client_for(scene.lp_admin).get(
        page("partnership-discovery-edit", pk=scene.partnership.pk)
    )

    text = text_of(form)
    assert (
        "LearnHub counts 4 organisations in this partnership so far (3 taking part, 1 invited), "
        "the funder included." in text
    )
    assert 'name="partner_count" value="4"' in form.content.decode()
