"""A commissioning funder invites several organisations at once, and an organisation not
on LearnHub yet by a contact's email; the contact signs up from the email, becomes its
first admin and answers. Through the pages and the API, as people would."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from partnerships.models import Membership, Organisation, OrganisationInvitation, Party
from tests.partnerships.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    add_member,
    add_party,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def page(name: str, **kwargs: object) -> str:
    return reverse(f"partnerships:{name}", kwargs=kwargs)


def parties_api(partnership) -> str:  # type: ignore[no-untyped-def]
    return reverse("api:partnership-parties", kwargs={"pk": partnership.pk})


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def invite_new(client, scene, capture, **fields: str):  # type: ignore[no-untyped-def]
    body = {"name": "Hope Street", "role": "grantee", "email": "Sam@Example.org", **fields}
    with capture(execute=True):
        return client.post(page("partnership-invite-new", pk=scene.partnership.pk), body)


# --- Inviting an organisation not on LearnHub yet -------------------------------------


def test_a_funder_invites_a_new_organisation_by_email_and_its_contact_gets_one_clear_email(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene(title="Warm homes")
    client = client_for(scene.funder_admin)

    response = invite_new(client, scene, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == page("partnership-parties", pk=scene.partnership.pk)
    organisation = Organisation.objects.get(name="Hope Street")
    assert (organisation.kind, organisation.memberships.count()) == ("grantee", 0)
    party = Party.objects.get(organisation=organisation)
    assert (party.status, party.role, party.partnership_id) == (
        "invited",
        "grantee",
        scene.partnership.pk,
    )
    invitation = OrganisationInvitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.party_id) == (
        "sam@example.org",
        "admin",
        party.pk,
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["sam@example.org"]
    funder = scene.partnership.funder.name
    assert email.subject == f"LearnHub: {funder} invites Hope Street to “Warm homes”"
    assert "invites Hope Street to join “Warm homes”, a learning partnership" in email.body
    assert email.body.count(f"/invitations/{invitation.token}/") == 1
    parties = text_of(client.get(page("partnership-parties", pk=scene.partnership.pk)))
    assert "You invited Hope Street to join as a grantee." in parties
    assert "Waiting for its first person to join LearnHub" in parties


def test_a_name_already_on_learnhub_is_refused_with_a_link_to_invite_it_instead(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    existing = OrganisationFactory.create(name="Hope Street", kind="learning_partner")
    before = Organisation.objects.count()

    response = invite_new(
        client_for(scene.funder_admin),
        scene,
        django_capture_on_commit_callbacks,
        name="hope  STREET",
    )

    assert response.status_code == 400
    words = text_of(response)
    assert "An organisation called “hope STREET” is already on LearnHub." in words
    assert "Invite Hope Street from the directory instead." in words
    invite = page("partnership-invite", pk=scene.partnership.pk)
    assert f'href="{invite}?search=Hope%20Street"' in response.content.decode()
    assert Organisation.objects.count() == before
    assert not Party.objects.filter(organisation=existing).exists()
    assert mail.outbox == []


def test_a_bad_email_or_no_role_invites_nobody_and_says_so_all_at_once(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()

    response = invite_new(
        client_for(scene.funder_admin),
        scene,
        django_capture_on_commit_callbacks,
        email="sam at example",
        role="",
    )

    assert response.status_code == 200
    words = text_of(response)
    assert "Choose co-funder, grantee or learning partner." in words
    response = invite_new(
        client_for(scene.funder_admin),
        scene,
        django_capture_on_commit_callbacks,
        email="sam at example",
    )
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.org." in text_of(
        response
    )
    assert not Organisation.objects.filter(name="Hope Street").exists()
    assert mail.outbox == []


def test_only_the_commissioning_funders_admins_may_invite_by_email_and_outsiders_learn_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    url = page("partnership-invite-new", pk=scene.partnership.pk)

    assert client_for(scene.outsider).get(url).status_code == 404
    assert (
        invite_new(
            client_for(scene.outsider), scene, django_capture_on_commit_callbacks
        ).status_code
        == 404
    )
    refused = invite_new(client_for(scene.funder_member), scene, django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    assert "Only admins of the commissioning funder can invite organisations." in text_of(refused)
    assert not Organisation.objects.filter(name="Hope Street").exists()
    assert mail.outbox == []


def test_an_organisation_nobody_has_joined_is_seen_only_by_staff_and_the_funders_managers(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    invite_new(client_for(scene.funder_admin), scene, django_capture_on_commit_callbacks)
    organisation = Organisation.objects.get(name="Hope Street")
    staff = UserFactory.create(is_staff=True)

    directory = client_for(scene.grantee_admin).get(
        reverse("api:organisation-list"), {"search": "hope"}
    )
    assert directory.json()["results"] == []
    detail = page("organisation-detail", pk=organisation.pk)
    assert client_for(scene.funder_admin).get(detail).status_code == 404
    assert client_for(staff).get(detail).status_code == 200
    seen_by_grantee = api_for(scene.grantee_admin).get(parties_api(scene.partnership)).json()
    seen_by_funder = api_for(scene.funder_admin).get(parties_api(scene.partnership)).json()
    assert "Hope Street" not in [p["organisation"]["name"] for p in seen_by_grantee["results"]]
    assert "Hope Street" in [p["organisation"]["name"] for p in seen_by_funder["results"]]
    grantee_page = text_of(
        client_for(scene.grantee_admin).get(page("partnership-parties", pk=scene.partnership.pk))
    )
    assert "Hope Street" not in grantee_page


def test_withdrawing_the_invitation_cancels_the_first_admin_invitation_while_nobody_joined(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    client = client_for(scene.funder_admin)
    invite_new(client, scene, django_capture_on_commit_callbacks)
    invite_new(
        client,
        scene,
        django_capture_on_commit_callbacks,
        name="Joined Already",
        email="jo@example.org",
    )
    hope = Party.objects.get(organisation__name="Hope Street")
    joined = Party.objects.get(organisation__name="Joined Already")
    add_member(joined.organisation)

    for party in (hope, joined):
        removed = client.post(
            page("partnership-party-remove", pk=scene.partnership.pk, party_pk=party.pk)
        )
        assert removed.status_code == 302

    cancelled = OrganisationInvitation.objects.get(party=hope)
    assert cancelled.cancelled_at is not None
    assert cancelled.cancelled_by == scene.funder_admin
    assert OrganisationInvitation.objects.get(party=joined).cancelled_at is None
    link = Client().get(f"/invitations/{cancelled.token}/")
    assert "was cancelled by one of its admins" in text_of(link)


def test_the_funder_sends_the_email_again_and_nobody_else_may(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    invite_new(client_for(scene.funder_admin), scene, django_capture_on_commit_callbacks)
    party = Party.objects.get(organisation__name="Hope Street")
    url = page("partnership-party-send-again", pk=scene.partnership.pk, party_pk=party.pk)

    assert client_for(scene.grantee_admin).post(url).status_code == 403
    assert client_for(scene.outsider).post(url).status_code == 404
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(scene.funder_admin).post(url, follow=True)

    assert "We have emailed the invitation to sam@example.org again, for Hope Street." in text_of(
        again
    )
    assert [m.to for m in mail.outbox] == [["sam@example.org"], ["sam@example.org"]]


def test_the_contact_signs_up_from_the_email_joins_and_accepts_and_the_funder_is_told(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene(title="Warm homes")
    invite_new(client_for(scene.funder_admin), scene, django_capture_on_commit_callbacks)
    party = Party.objects.get(organisation__name="Hope Street")
    link = re.search(r"https?://\S+(/invitations/[\w-]+/)", str(mail.outbox[0].body))
    assert link is not None
    visitor = Client()

    landing = text_of(visitor.get(link.group(1)))
    assert f"{scene.partnership.funder.name} invites Hope Street to “Warm homes”." in landing
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(
            f"/accounts/signup/?next={link.group(1)}",
            {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        joined = visitor.post(link.group(1))

    assert joined.status_code == 302
    assert joined["Location"] == scene.partnership.get_absolute_url()
    sam = Membership.objects.get(organisation=party.organisation)
    assert (sam.user.email, sam.role) == ("sam@example.org", "admin")
    invitation_page = text_of(visitor.get(joined["Location"]))
    assert "Invitation to join “Warm homes”" in invitation_page
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(page("partnership-party-accept", pk=scene.partnership.pk, party_pk=party.pk))
    party.refresh_from_db()
    assert party.status == "accepted"
    told = set(
        Notification.objects.filter(recipient=scene.funder_admin).values_list("kind", "subject")
    )
    assert ("party_first_person_joined", "Hope Street has joined LearnHub: Warm homes") in told
    assert ("party_accepted", "Hope Street accepted your invitation: Warm homes") in told
    assert not Notification.objects.filter(recipient=sam.user).exists()
    assert not Notification.objects.filter(
        kind="party_first_person_joined", recipient=scene.funder_member
    ).exists()


# --- Several organisations at once ----------------------------------------------------


def test_the_search_shows_checkboxes_and_organisations_already_invited_cannot_be_ticked() -> None:
    scene = build_partnership_scene()
    OrganisationFactory.create(name="Hope One")
    taken = OrganisationFactory.create(name="Hope Two")
    add_party(scene.partnership, taken, accepted=False)

    html = (
        client_for(scene.funder_admin)
        .get(page("partnership-invite", pk=scene.partnership.pk), {"search": "hope"})
        .content.decode()
    )

    boxes = re.findall(r'<input type="checkbox" name="organisation" value="(\d+)"[^>]*>', html)
    assert len(boxes) == 2
    disabled = re.findall(r'<input type="checkbox"[^>]*value="(\d+)"[^>]*disabled', html)
    assert disabled == [str(taken.pk)]
    assert "Already invited" in html


def test_a_funder_invites_several_organisations_at_once_each_with_its_role() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    two = OrganisationFactory.create(name="Hope Two", kind="learning_partner")

    response = client_for(scene.funder_admin).post(
        page("partnership-invite", pk=scene.partnership.pk) + "?search=hope",
        {"organisation": [one.pk, two.pk], "role": "grantee", f"role_{two.pk}": "learning_partner"},
        follow=True,
    )

    assert (
        "You invited 2 organisations: Hope One as a grantee; Hope Two as a learning partner."
        in text_of(response)
    )
    invited = set(Party.objects.filter(status="invited").values_list("organisation__name", "role"))
    assert invited == {("Hope One", "grantee"), ("Hope Two", "learning_partner")}


def test_a_batch_with_one_organisation_already_invited_invites_nobody() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    taken = OrganisationFactory.create(name="Hope Two")
    add_party(scene.partnership, taken, accepted=False)
    before = set(Party.objects.values_list("pk", "status"))

    response = client_for(scene.funder_admin).post(
        page("partnership-invite", pk=scene.partnership.pk),
        {"organisation": [one.pk, taken.pk], "role": "grantee"},
    )

    assert response.status_code == 400
    assert "Hope Two is already invited to or taking part in this partnership." in text_of(response)
    assert set(Party.objects.values_list("pk", "status")) == before


def test_a_batch_without_a_role_for_one_organisation_names_it() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    two = OrganisationFactory.create(name="Hope Two")

    response = client_for(scene.funder_admin).post(
        page("partnership-invite", pk=scene.partnership.pk),
        {"organisation": [one.pk, two.pk], f"role_{one.pk}": "grantee"},
    )

    assert response.status_code == 200
    assert (
        "Choose co-funder, grantee or learning partner. No role is chosen for Hope Two."
        in text_of(response)
    )
    assert not Party.objects.filter(organisation__in=[one, two]).exists()


# --- The API --------------------------------------------------------------------------


def test_the_api_invites_several_at_once_and_answers_with_the_list() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    two = OrganisationFactory.create(name="Hope Two")

    response = api_for(scene.funder_admin).post(
        parties_api(scene.partnership),
        {
            "organisations": [
                {"organisation": one.pk, "role": "grantee"},
                {"organisation": two.pk, "role": "funder"},
            ]
        },
        format="json",
    )

    assert response.status_code == 201
    assert [(p["organisation"]["name"], p["role"], p["status"]) for p in response.json()] == [
        ("Hope One", "grantee", "invited"),
        ("Hope Two", "funder", "invited"),
    ]


def test_the_api_batch_with_one_bad_row_invites_nobody_and_names_every_problem() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    client = api_for(scene.funder_admin)
    before = Party.objects.count()

    twice = client.post(
        parties_api(scene.partnership),
        {
            "organisations": [
                {"organisation": one.pk, "role": "grantee"},
                {"organisation": one.pk, "role": "grantee"},
                {"organisation": scene.lp_party.organisation_id, "role": "grantee"},
            ]
        },
        format="json",
    )
    bad_role = client.post(
        parties_api(scene.partnership),
        {"organisations": [{"organisation": one.pk, "role": "boss"}]},
        format="json",
    )

    assert twice.status_code == 400
    assert twice.json() == {
        "organisations": [
            "Hope One is chosen twice: choose it once.",
            f"{scene.lp_party.organisation.name} is already invited to or taking part in this "
            "partnership.",
        ]
    }
    assert bad_role.status_code == 400
    assert bad_role.json() == {
        "organisations": {"0": {"role": ["Choose funder, grantee or learning_partner."]}}
    }
    assert Party.objects.count() == before


def test_the_api_invites_a_new_organisation_by_email(django_capture_on_commit_callbacks) -> None:
    scene = build_partnership_scene()
    client = api_for(scene.funder_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            parties_api(scene.partnership),
            {
                "new_organisation": {"name": "Hope Street", "email": "sam@example.org"},
                "role": "learning_partner",
            },
            format="json",
        )
    duplicate = client.post(
        parties_api(scene.partnership),
        {"new_organisation": {"name": "HOPE street", "email": "jo@example.org"}, "role": "grantee"},
        format="json",
    )
    bad = client.post(
        parties_api(scene.partnership),
        {"new_organisation": {"name": "", "email": "nope"}},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (
        body["organisation"]["name"],
        body["organisation"]["kind"],
        body["role"],
        body["status"],
    ) == (
        "Hope Street",
        "learning_partner",
        "learning_partner",
        "invited",
    )
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "name": [
            "An organisation called “HOPE street” is already on LearnHub. Invite it from the "
            "directory instead."
        ]
    }
    assert bad.status_code == 400
    assert set(bad.json()) == {"new_organisation"}
    assert Organisation.objects.filter(name__iexact="hope street").count() == 1


def test_the_api_wants_exactly_one_shape_and_a_role_with_it() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    client = api_for(scene.funder_admin)

    both = client.post(
        parties_api(scene.partnership),
        {"organisation": one.pk, "role": "grantee", "organisations": []},
        format="json",
    )
    no_role = client.post(parties_api(scene.partnership), {"organisation": one.pk}, format="json")

    assert both.status_code == 400
    assert no_role.status_code == 400
    assert no_role.json() == {"role": ["Choose funder, grantee or learning_partner."]}
    assert not Party.objects.filter(organisation=one).exists()


def test_the_api_refuses_outsiders_and_parties_and_changes_nothing() -> None:
    scene = build_partnership_scene()
    one = OrganisationFactory.create(name="Hope One")
    body = {"organisations": [{"organisation": one.pk, "role": "grantee"}]}

    outsider = api_for(scene.outsider).post(parties_api(scene.partnership), body, format="json")
    grantee = api_for(scene.grantee_admin).post(parties_api(scene.partnership), body, format="json")

    assert outsider.status_code == 404
    assert grantee.status_code == 403
    assert not Party.objects.filter(organisation=one).exists()


@pytest.mark.parametrize("extra", [2, 12])
def test_the_parties_list_costs_the_same_at_any_size(extra, django_assert_max_num_queries) -> None:
    scene = build_partnership_scene()
    for _ in range(extra):
        add_party(scene.partnership, accepted=False)
    client = api_for(scene.funder_admin)

    with django_assert_max_num_queries(8):
        response = client.get(parties_api(scene.partnership))

    assert response.json()["count"] == 3 + extra


def test_another_party_learns_nothing_of_a_waiting_organisation_from_its_party_id(
    django_capture_on_commit_callbacks,
) -> None:
    scene = build_partnership_scene()
    invite_new(client_for(scene.funder_admin), scene, django_capture_on_commit_callbacks)
    party = Party.objects.get(organisation__name="Hope Street")

    leave = client_for(scene.grantee_admin).get(
        page("partnership-party-leave", pk=scene.partnership.pk, party_pk=party.pk)
    )

    assert leave.status_code == 404
    assert "Hope Street" not in text_of(leave)
