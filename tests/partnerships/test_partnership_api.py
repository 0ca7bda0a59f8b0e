"""Partnerships through the API: commissioning, listing, details, parties and their access."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.models import (
    ActivityEvent,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
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

NOT_FOUND = {"detail": "Not found."}


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def new_partnership_body(organisation: Organisation, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Warm homes, healthy lives",
        "funder": organisation.pk,
        "learning_mode": "learning_with",
        "priority_audience": "beneficiaries",
        "brief_cadence": "quarterly",
        "description": "What helps families keep warm.",
    }
    body.update(overrides)
    return body


# --- Creating ------------------------------------------------------------------------


def test_member_of_a_funder_starts_a_partnership_in_discovery_with_the_funder_as_party():
    funder = OrganisationFactory.create(kind="funder", name="Green Fund")
    member = add_member(funder)

    response = client_for(member).post(
        url("partnership-list"), new_partnership_body(funder), format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "discovery"
    assert body["title"] == "Warm homes, healthy lives"
    assert body["funder"] == funder.pk
    assert body["funder_organisation"] == {"id": funder.pk, "name": "Green Fund", "kind": "funder"}
    assert (body["learning_mode"], body["priority_audience"], body["brief_cadence"]) == (
        "learning_with",
        "beneficiaries",
        "quarterly",
    )
    assert body["my_party_status"] == "accepted"
    partnership = Partnership.objects.get(pk=body["id"])
    party = partnership.parties.get()
    assert (party.organisation, party.role, party.status, party.is_commissioner) == (
        funder,
        "funder",
        "accepted",
        True,
    )
    assert ActivityEvent.objects.filter(
        partnership=partnership, verb="partnership_created", actor=member
    ).exists()


def test_parties_list_shows_the_commissioner_as_an_accepted_funder():
    partnership = PartnershipFactory.create()

    response = client_for(admin_of(partnership.funder)).get(
        url("partnership-parties", pk=partnership.pk)
    )

    assert response.status_code == 200
    assert response.json()["count"] == 1
    party = response.json()["results"][0]
    assert party["organisation"] == {
        "id": partnership.funder.pk,
        "name": partnership.funder.name,
        "kind": "funder",
    }
    assert (party["role"], party["status"], party["is_commissioner"]) == (
        "funder",
        "accepted",
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"learning_mode": "learning_about"}, "learning_mode"),
        ({"priority_audience": "everyone"}, "priority_audience"),
        ({"brief_cadence": "daily"}, "brief_cadence"),
        ({"title": ""}, "title"),
        ({"funder": "not-a-number"}, "funder"),
        ({"funder": 999999}, "funder"),
    ],
)
def test_bad_input_to_create_is_a_400_naming_the_field_and_creates_nothing(overrides, field):
    funder = OrganisationFactory.create(kind="funder")

    response = client_for(admin_of(funder)).post(
        url("partnership-list"), new_partnership_body(funder, **overrides), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Partnership.objects.count() == 0


def test_someone_outside_the_funder_cannot_start_a_partnership_for_it():
    funder = OrganisationFactory.create(kind="funder")
    stranger = add_member(OrganisationFactory.create(kind="funder"))

    response = client_for(stranger).post(
        url("partnership-list"), new_partnership_body(funder), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"funder": ["Choose a funder organisation you belong to."]}
    assert Partnership.objects.count() == 0


def test_a_grantee_organisation_cannot_commission_a_partnership():
    grantee = OrganisationFactory.create(kind="grantee")

    response = client_for(admin_of(grantee)).post(
        url("partnership-list"), new_partnership_body(grantee), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "funder": ["Choose a funder organisation: only funders can start a partnership."]
    }
    assert Partnership.objects.count() == 0


def test_signed_out_people_cannot_use_the_api():
    partnership = PartnershipFactory.create()

    response = APIClient().get(url("partnership-detail", pk=partnership.pk))

    assert response.status_code in (401, 403)


# --- Listing -------------------------------------------------------------------------


def test_list_shows_accepted_and_invited_partnerships_only():
    scene = build_partnership_scene(title="Ours")
    invited_org = OrganisationFactory.create(kind="grantee")
    other = PartnershipFactory.create(title="Someone else’s")
    add_party(other, invited_org, accepted=False)
    PartnershipFactory.create(title="Not ours at all")
    person = add_member(scene.grantee_party.organisation)
    add_member(invited_org, person)

    response = client_for(person).get(url("partnership-list"))

    assert response.status_code == 200
    rows = {row["title"]: row["my_party_status"] for row in response.json()["results"]}
    assert rows == {"Ours": "accepted", "Someone else’s": "invited"}


def test_list_is_empty_for_an_outsider():
    build_partnership_scene()

    response = client_for(OrganisationFactory.create().created_by).get(url("partnership-list"))

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("rows", [5, 50])
def test_partnership_list_costs_a_fixed_number_of_queries(rows, django_assert_max_num_queries):
    grantee = OrganisationFactory.create(kind="grantee")
    person = admin_of(grantee)
    for n in range(rows):
        partnership = PartnershipFactory.create()
        add_party(partnership, grantee, accepted=n % 2 == 0)
    client = client_for(person)

    with django_assert_max_num_queries(3):
        response = client.get(url("partnership-list"), {"page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == rows


# --- Details and changes ---------------------------------------------------------------


def test_every_accepted_party_sees_the_partnership_with_its_own_parties_and_permissions():
    scene = build_partnership_scene(title="Ours")

    response = client_for(scene.lp_member).get(url("partnership-detail", pk=scene.partnership.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Ours"
    assert body["my_party_status"] == "accepted"
    assert [p["id"] for p in body["my_parties"]] == [scene.lp_party.pk]
    assert body["my_parties"][0]["i_am_admin"] is False
    assert body["my_permissions"] == [
        "contribute_partnership",
        "lead_discovery",
        "view_partnership",
    ]


def test_funder_admin_changes_the_details():
    scene = build_partnership_scene()

    response = client_for(scene.funder_admin).patch(
        url("partnership-detail", pk=scene.partnership.pk),
        {"title": "A better title", "brief_cadence": "weekly"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["brief_cadence"]) == (
        "A better title",
        "weekly",
    )
    scene.partnership.refresh_from_db()
    assert scene.partnership.title == "A better title"


@pytest.mark.parametrize("who", ["funder_member", "lp_admin", "grantee_admin"])
def test_only_funder_admins_change_the_details(who):
    scene = build_partnership_scene(title="Original")

    response = client_for(getattr(scene, who)).patch(
        url("partnership-detail", pk=scene.partnership.pk), {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only admins of the commissioning funder can change the partnership’s details."
    }
    scene.partnership.refresh_from_db()
    assert scene.partnership.title == "Original"


def test_patch_with_a_bad_choice_is_a_400_and_changes_nothing():
    scene = build_partnership_scene()

    response = client_for(scene.funder_admin).patch(
        url("partnership-detail", pk=scene.partnership.pk),
        {"learning_mode": "nonsense"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["learning_mode"]
    scene.partnership.refresh_from_db()
    assert scene.partnership.learning_mode == "learning_with"


def test_put_on_a_partnership_is_not_allowed():
    scene = build_partnership_scene()

    response = client_for(scene.funder_admin).put(
        url("partnership-detail", pk=scene.partnership.pk), {"title": "x"}, format="json"
    )

    assert response.status_code == 405
    title = scene.partnership.title
    scene.partnership.refresh_from_db()
    assert scene.partnership.title == title


# --- Parties: inviting, accepting, declining ---------------------------------------------


def test_funder_admin_invites_an_organisation_and_its_admin_accepts():
    scene = build_partnership_scene()
    co_funder = OrganisationFactory.create(kind="funder", name="Blue Trust")

    invited = client_for(scene.funder_admin).post(
        url("partnership-parties", pk=scene.partnership.pk),
        {"organisation": co_funder.pk, "role": "funder"},
        format="json",
    )

    assert invited.status_code == 201
    party_id = invited.json()["id"]
    assert invited.json()["status"] == "invited"
    assert invited.json()["role"] == "funder"
    assert invited.json()["organisation"]["id"] == co_funder.pk

    accepted = client_for(admin_of(co_funder)).post(
        url("partnership-party-accept", pk=scene.partnership.pk, party_pk=party_id)
    )

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    detail = client_for(add_member(co_funder)).get(
        url("partnership-detail", pk=scene.partnership.pk)
    )
    assert detail.json()["my_party_status"] == "accepted"
    verbs = set(
        ActivityEvent.objects.filter(partnership=scene.partnership).values_list("verb", flat=True)
    )
    assert {"party_invited", "party_accepted"} <= verbs


def test_invited_organisation_sees_only_the_partnership_itself_until_it_accepts():
    scene = build_partnership_scene(title="Ours")
    org = OrganisationFactory.create(kind="grantee")
    party = add_party(scene.partnership, org, accepted=False)
    member = add_member(org)
    pk = scene.partnership.pk
    client = client_for(member)

    detail = client.get(url("partnership-detail", pk=pk))

    assert detail.status_code == 200
    assert detail.json()["my_party_status"] == "invited"
    assert detail.json()["my_parties"][0]["id"] == party.pk
    for name in (
        "partnership-parties",
        "partnership-discovery-brief",
        "partnership-questions",
        "partnership-activity",
    ):
        assert client.get(url(name, pk=pk)).status_code == 404, name
    assert client.patch(url("partnership-detail", pk=pk), {}, format="json").status_code == 404


def test_only_admins_of_the_invited_organisation_accept():
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee", name="Hope Street")
    party = add_party(scene.partnership, org, accepted=False)
    accept = url("partnership-party-accept", pk=scene.partnership.pk, party_pk=party.pk)

    by_member = client_for(add_member(org)).post(accept)
    by_other_party = client_for(scene.grantee_admin).post(accept)
    by_outsider = client_for(scene.outsider).post(accept)

    assert by_member.status_code == 403
    assert by_member.json() == {
        "detail": "Only admins of Hope Street can accept or decline its invitation."
    }
    assert by_other_party.status_code == 403
    assert by_outsider.status_code == 404
    assert by_outsider.json() == NOT_FOUND
    party.refresh_from_db()
    assert party.status == "invited"
    assert not PartnershipGroupObjectPermission.objects.filter(
        content_object=scene.partnership, group=org.members_group
    ).exists()


def test_declining_gives_no_access_and_answering_twice_is_a_conflict():
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee")
    party = add_party(scene.partnership, org, accepted=False)
    admin = admin_of(org)
    client = client_for(admin)
    decline = url("partnership-party-decline", pk=scene.partnership.pk, party_pk=party.pk)

    declined = client.post(decline)

    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert client.get(url("partnership-detail", pk=scene.partnership.pk)).status_code == 404
    party.refresh_from_db()
    assert party.status == "declined"
    assert not PartnershipGroupObjectPermission.objects.filter(
        content_object=scene.partnership, group=org.members_group
    ).exists()
    assert (
        ActivityEvent.objects.filter(partnership=scene.partnership, verb="party_declined").count()
        == 1
    )
    again = client.post(decline)
    assert again.status_code == 404  # a declined organisation is outside the partnership
    assert (
        ActivityEvent.objects.filter(partnership=scene.partnership, verb="party_declined").count()
        == 1
    )


def test_accepting_an_accepted_party_is_a_conflict():
    scene = build_partnership_scene()
    events_before = ActivityEvent.objects.filter(partnership=scene.partnership).count()

    response = client_for(scene.grantee_admin).post(
        url(
            "partnership-party-accept",
            pk=scene.partnership.pk,
            party_pk=scene.grantee_party.pk,
        )
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "This invitation has already been accepted."}
    scene.grantee_party.refresh_from_db()
    assert scene.grantee_party.status == "accepted"
    assert ActivityEvent.objects.filter(partnership=scene.partnership).count() == events_before


@pytest.mark.parametrize("state", ["invited", "accepted"])
def test_inviting_an_organisation_twice_is_a_conflict(state):
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee", name="Hope Street")
    add_party(scene.partnership, org, accepted=state == "accepted")

    response = client_for(scene.funder_admin).post(
        url("partnership-parties", pk=scene.partnership.pk),
        {"organisation": org.pk, "role": "grantee"},
        format="json",
    )

    assert response.status_code == 409
    expected = (
        "Hope Street is already a party to this partnership."
        if state == "accepted"
        else "Hope Street has already been invited to this partnership."
    )
    assert response.json() == {"detail": expected}
    assert Party.objects.filter(partnership=scene.partnership, organisation=org).count() == 1


@pytest.mark.parametrize("who", ["funder_member", "lp_admin", "grantee_admin"])
def test_only_funder_admins_invite(who):
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee")

    response = client_for(getattr(scene, who)).post(
        url("partnership-parties", pk=scene.partnership.pk),
        {"organisation": org.pk, "role": "grantee"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only admins of the commissioning funder can invite organisations."
    }
    assert not Party.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": 999999, "role": "grantee"}, "organisation"),
        ({"organisation": "abc", "role": "grantee"}, "organisation"),
        ({"role": "grantee"}, "organisation"),
        ({"organisation": None, "role": "sponsor"}, "role"),
    ],
)
def test_bad_invitations_are_400s(body, field):
    scene = build_partnership_scene()
    if body.get("organisation") is None and "organisation" in body:
        body = {**body, "organisation": OrganisationFactory.create().pk}

    response = client_for(scene.funder_admin).post(
        url("partnership-parties", pk=scene.partnership.pk), body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert scene.partnership.parties.count() == 3


def test_a_declined_organisation_can_be_invited_again():
    scene = build_partnership_scene()
    org = OrganisationFactory.create(kind="grantee")
    party = add_party(scene.partnership, org, accepted=False)
    client_for(admin_of(org)).post(
        url("partnership-party-decline", pk=scene.partnership.pk, party_pk=party.pk)
    )

    response = client_for(scene.funder_admin).post(
        url("partnership-parties", pk=scene.partnership.pk),
        {"organisation": org.pk, "role": "grantee"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["id"] == party.pk
    assert response.json()["status"] == "invited"
    assert list(
        Party.objects.filter(partnership=scene.partnership, organisation=org).values_list(
            "pk", "status"
        )
    ) == [(party.pk, "invited")]


# --- Parties: removing and leaving ---------------------------------------------------------


def test_a_removed_party_loses_access_at_once():
    scene = build_partnership_scene()
    grantee = client_for(scene.grantee_member)
    detail = url("partnership-detail", pk=scene.partnership.pk)
    assert grantee.get(detail).status_code == 200

    removed = client_for(scene.funder_admin).post(
        url(
            "partnership-party-remove",
            pk=scene.partnership.pk,
            party_pk=scene.grantee_party.pk,
        )
    )

    assert removed.status_code == 200
    assert removed.json()["status"] == "removed"
    assert grantee.get(detail).status_code == 404
    assert grantee.get(url("partnership-questions", pk=scene.partnership.pk)).status_code == 404
    assert grantee.get(url("partnership-list")).json()["count"] == 0


def test_only_funder_admins_remove_and_the_commissioner_cannot_be_removed():
    scene = build_partnership_scene()
    pk = scene.partnership.pk

    by_lp = client_for(scene.lp_admin).post(
        url("partnership-party-remove", pk=pk, party_pk=scene.grantee_party.pk)
    )
    commissioner = client_for(scene.funder_admin).post(
        url("partnership-party-remove", pk=pk, party_pk=scene.funder_party.pk)
    )

    assert by_lp.status_code == 403
    assert by_lp.json() == {"detail": "Only admins of the commissioning funder can remove a party."}
    assert commissioner.status_code == 409
    assert commissioner.json() == {
        "detail": "The commissioning funder cannot be removed from its own partnership."
    }
    assert set(scene.partnership.parties.values_list("status", flat=True)) == {"accepted"}


def test_a_party_admin_leaves_and_its_people_lose_access():
    scene = build_partnership_scene()
    pk = scene.partnership.pk
    leave = url("partnership-party-leave", pk=pk, party_pk=scene.grantee_party.pk)

    by_member = client_for(scene.grantee_member).post(leave)
    assert by_member.status_code == 403
    by_admin = client_for(scene.grantee_admin).post(leave)

    assert by_admin.status_code == 200
    assert by_admin.json()["status"] == "removed"
    assert client_for(scene.grantee_member).get(url("partnership-detail", pk=pk)).status_code == 404
    assert ActivityEvent.objects.filter(partnership=scene.partnership, verb="party_left").exists()


def test_the_commissioner_cannot_leave():
    scene = build_partnership_scene()

    response = client_for(scene.funder_admin).post(
        url("partnership-party-leave", pk=scene.partnership.pk, party_pk=scene.funder_party.pk)
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The commissioning funder cannot leave its own partnership. Close it instead."
    }
    scene.funder_party.refresh_from_db()
    assert scene.funder_party.status == "accepted"
    assert not ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="party_left"
    ).exists()


# --- Outsiders -------------------------------------------------------------------------


def test_outsiders_get_404_on_every_partnership_url():
    scene = build_partnership_scene()
    question_pk = (
        client_for(scene.grantee_member)
        .post(url("partnership-questions", pk=scene.partnership.pk), {"text": "Q?"}, format="json")
        .json()["id"]
    )
    stranger = add_member(OrganisationFactory.create(kind="funder"))
    client = client_for(stranger)
    pk = scene.partnership.pk
    party_pk = scene.grantee_party.pk
    calls = [
        ("get", url("partnership-detail", pk=pk)),
        ("patch", url("partnership-detail", pk=pk)),
        ("post", url("partnership-status", pk=pk)),
        ("get", url("partnership-parties", pk=pk)),
        ("post", url("partnership-parties", pk=pk)),
        ("post", url("partnership-party-accept", pk=pk, party_pk=party_pk)),
        ("post", url("partnership-party-decline", pk=pk, party_pk=party_pk)),
        ("post", url("partnership-party-remove", pk=pk, party_pk=party_pk)),
        ("post", url("partnership-party-leave", pk=pk, party_pk=party_pk)),
        ("get", url("partnership-discovery-brief", pk=pk)),
        ("put", url("partnership-discovery-brief", pk=pk)),
        ("post", url("partnership-discovery-brief-agree", pk=pk)),
        ("get", url("partnership-questions", pk=pk)),
        ("post", url("partnership-questions", pk=pk)),
        ("get", url("partnership-question-detail", pk=pk, question_pk=question_pk)),
        ("post", url("partnership-question-responses", pk=pk, question_pk=question_pk)),
        ("get", url("partnership-activity", pk=pk)),
    ]
    events_before = ActivityEvent.objects.count()

    for method, path in calls:
        response = getattr(client, method)(path, {"status": "closed"}, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND), (method, path)

    assert ActivityEvent.objects.count() == events_before
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"


def test_a_missing_partnership_is_a_404():
    scene = build_partnership_scene()

    response = client_for(scene.funder_admin).get(url("partnership-detail", pk=987654))

    assert response.status_code == 404
