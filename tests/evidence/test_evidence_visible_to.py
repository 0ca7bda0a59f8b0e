"""Who can see this: ``visible_to`` on every item (API), the visibility of a new item
(``GET /api/v1/partnerships/{id}/evidence/visibility/``), and the pages that say it.

The scene: the commissioning funder takes part (``participate``); grantee A shares with
the funder, grantee B with the other parties; the learning partner takes part and shares
with the parties. The expectations are written out by hand from PRODUCT.md ("Who sees
what"): a party sees its own; the learning partner with ``participate``; a funder with
``share_with_funder``; another grantee with ``share_with_parties``.
"""

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from evidence.models import Evidence
from partnerships.models import Party
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    SHARE_WITH_PARTIES,
    EvidenceScene,
    api,
    api_client,
    build_evidence_scene,
    grant,
    page,
    web_client,
    withdraw,
)
from tests.partnerships.factories import PartnershipFactory, add_member, add_party

pytestmark = pytest.mark.django_db


@dataclass
class World:
    scene: EvidenceScene
    parties: dict[str, Party]
    members: dict[str, User]
    items: dict[str, Evidence]


def _world() -> World:
    scene = build_evidence_scene()  # grantee A takes part
    parties = {
        "funder": scene.funder_party,
        "grantee_a": scene.grantee_party,
        "grantee_b": scene.other_grantee_party,
        "learning_partner": scene.lp_party,
    }
    grant(scene.funder_party, PARTICIPATE)
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    grant(scene.lp_party, PARTICIPATE, SHARE_WITH_PARTIES)
    members = {
        "funder": scene.funder_member,
        "grantee_a": scene.grantee_member,
        "grantee_b": scene.other_grantee_member,
        "learning_partner": scene.lp_member,
    }
    items = {name: EvidenceFactory.create(party=party) for name, party in parties.items()}
    return World(scene=scene, parties=parties, members=members, items=items)


def _visible_to(w: World, item: str, *, asked_by: str | None = None) -> dict[str, str]:
    """``visible_to`` of ``item`` through the API, as {party name: because}."""
    response = api_client(w.members[asked_by or item]).get(
        api("evidence-detail", pk=w.items[item].pk)
    )
    assert response.status_code == 200
    return _by_name(w, response.json()["visible_to"])


def _by_name(w: World, entries: list[dict[str, Any]]) -> dict[str, str]:
    names = {party.pk: name for name, party in w.parties.items()}
    return {names[entry["party"]]: entry["because"] for entry in entries}


#: Who reads each party's item in the scene, and why (written by hand).
EXPECTED = {
    "funder": {"funder": "own", "learning_partner": "participate"},
    "grantee_a": {
        "funder": "share_with_funder",
        "grantee_a": "own",
        "learning_partner": "participate",
    },
    "grantee_b": {
        "grantee_a": "share_with_parties",
        "grantee_b": "own",
        "learning_partner": "participate",
    },
    "learning_partner": {
        "grantee_a": "share_with_parties",
        "grantee_b": "share_with_parties",
        "learning_partner": "own",
    },
}


def test_every_item_says_who_can_see_it_and_why() -> None:
    w = _world()

    for item, expected in EXPECTED.items():
        assert _visible_to(w, item) == expected, item


def test_an_entry_names_the_party_its_organisation_and_role() -> None:
    w = _world()
    party = w.parties["funder"]

    response = api_client(w.members["grantee_a"]).get(
        api("evidence-detail", pk=w.items["grantee_a"].pk)
    )

    [entry] = [e for e in response.json()["visible_to"] if e["party"] == party.pk]
    assert entry == {
        "party": party.pk,
        "organisation": {
            "id": party.organisation.pk,
            "name": party.organisation.name,
            "kind": party.organisation.kind,
        },
        "role": "funder",
        "because": "share_with_funder",
    }


def test_the_list_says_the_same_as_each_item() -> None:
    w = _world()

    for name, member in w.members.items():
        listing = api_client(member).get(api("partnership-evidence", pk=w.scene.partnership.pk))
        for row in listing.json()["results"]:
            [item] = [i for i, e in w.items.items() if e.pk == row["id"]]
            assert _by_name(w, row["visible_to"]) == EXPECTED[item], (name, item)


def _who_can_get(w: World, item: Evidence) -> set[str]:
    return {
        name
        for name, member in w.members.items()
        if api_client(member).get(api("evidence-detail", pk=item.pk)).status_code == 200
    }


def _check_visible_to_is_who_can_read(w: World) -> None:
    for name, item in w.items.items():
        listed = set(_visible_to(w, name))
        assert listed == _who_can_get(w, item), name


def test_a_party_is_in_visible_to_exactly_when_its_people_can_read_the_item() -> None:
    """``visible_to`` and the item rule (``evidence_visible_to``) never disagree, in every
    consent state the scene passes through."""
    w = _world()
    _check_visible_to_is_who_can_read(w)

    withdraw(w.parties["grantee_a"], SHARE_WITH_FUNDER)
    grant(w.parties["grantee_a"], SHARE_WITH_PARTIES)
    _check_visible_to_is_who_can_read(w)

    grant(w.parties["grantee_b"], SHARE_WITH_FUNDER)
    withdraw(w.parties["learning_partner"], SHARE_WITH_PARTIES)
    _check_visible_to_is_who_can_read(w)

    withdraw(w.parties["grantee_b"], PARTICIPATE)
    _check_visible_to_is_who_can_read(w)


def test_withdrawal_changes_visible_to_at_once() -> None:
    w = _world()

    withdraw(w.parties["grantee_a"], SHARE_WITH_FUNDER)
    assert _visible_to(w, "grantee_a") == {"grantee_a": "own", "learning_partner": "participate"}

    withdraw(w.parties["grantee_a"], PARTICIPATE)
    assert _visible_to(w, "grantee_a") == {"grantee_a": "own"}


def test_outsiders_learn_nothing() -> None:
    w = _world()
    client = api_client(w.scene.outsider)

    item = client.get(api("evidence-detail", pk=w.items["grantee_a"].pk))
    new = client.get(api("partnership-evidence-visibility", pk=w.scene.partnership.pk))
    asked = client.get(
        api("partnership-evidence-visibility", pk=w.scene.partnership.pk),
        {"party": w.parties["grantee_a"].pk},
    )

    assert (item.status_code, new.status_code, asked.status_code) == (404, 404, 404)


# --- A new item --------------------------------------------------------------------------


def _visibility(w: World, asked_by: str, **query: Any) -> Any:
    return api_client(w.members[asked_by]).get(
        api("partnership-evidence-visibility", pk=w.scene.partnership.pk), query
    )


@pytest.mark.parametrize("party", list(EXPECTED))
def test_a_party_asks_who_would_see_its_new_item(party: str) -> None:
    w = _world()

    response = _visibility(w, party)

    assert response.status_code == 200
    assert _by_name(w, response.json()) == EXPECTED[party]
    item = api_client(w.members[party]).get(api("evidence-detail", pk=w.items[party].pk))
    assert response.json() == item.json()["visible_to"]


@pytest.mark.parametrize("party", list(EXPECTED))
def test_the_learning_partner_asks_for_any_party(party: str) -> None:
    w = _world()

    response = _visibility(w, "learning_partner", party=w.parties[party].pk)

    assert response.status_code == 200
    assert _by_name(w, response.json()) == EXPECTED[party]


def test_another_party_may_ask_only_for_its_own() -> None:
    w = _world()

    own = _visibility(w, "grantee_b", party=w.parties["grantee_b"].pk)
    other = _visibility(w, "grantee_b", party=w.parties["grantee_a"].pk)
    funder = _visibility(w, "funder", party=w.parties["grantee_a"].pk)

    assert own.status_code == 200
    assert other.status_code == 403
    assert "learning partner" in other.json()["detail"]
    assert funder.status_code == 403


def test_a_party_not_in_the_partnership_is_404_and_a_malformed_one_400() -> None:
    w = _world()
    elsewhere = add_party(PartnershipFactory.create(), w.parties["grantee_a"].organisation)

    assert _visibility(w, "learning_partner", party=elsewhere.pk).status_code == 404
    assert _visibility(w, "learning_partner", party=2**62).status_code == 404
    bad = _visibility(w, "learning_partner", party="first")
    assert bad.status_code == 400
    assert "party" in bad.json()


def test_someone_in_two_parties_says_which() -> None:
    w = _world()
    person = w.members["grantee_a"]
    add_member(w.parties["grantee_b"].organisation, person)
    client = api_client(person)
    url = api("partnership-evidence-visibility", pk=w.scene.partnership.pk)

    unsaid = client.get(url)
    said = client.get(url, {"party": w.parties["grantee_b"].pk})

    assert unsaid.status_code == 400
    assert "Choose which one" in unsaid.json()["party"][0]
    assert _by_name(w, said.json()) == EXPECTED["grantee_b"]


def test_a_new_item_s_visibility_follows_consent_at_once() -> None:
    w = _world()

    withdraw(w.parties["grantee_a"], SHARE_WITH_FUNDER)
    grant(w.parties["grantee_a"], SHARE_WITH_PARTIES)

    assert _by_name(w, _visibility(w, "grantee_a").json()) == {
        "grantee_a": "own",
        "grantee_b": "share_with_parties",
        "learning_partner": "participate",
    }


# --- Pages -------------------------------------------------------------------------------


def _text(response: Any) -> str:
    assert response.status_code == 200
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(without_tags).split())


def test_the_item_page_says_who_can_see_it_in_plain_words() -> None:
    w = _world()
    funder = w.parties["funder"].organisation.name
    lp = w.parties["learning_partner"].organisation.name
    grantee = w.parties["grantee_a"].organisation.name
    other = w.parties["grantee_b"].organisation.name

    url = page("evidence-detail", pk=w.items["grantee_a"].pk)
    mine = _text(web_client(w.members["grantee_a"]).get(url))
    theirs = _text(web_client(w.members["learning_partner"]).get(url))

    assert "Who can see this" in mine
    assert f"{funder} (funder): your organisation agreed to share evidence with the funder" in mine
    assert (
        f"{lp} (learning partner): your organisation agreed to take part, which lets the "
        "learning partner read its evidence"
    ) in mine
    assert f"{grantee} (grantee, your organisation): it is your organisation’s own evidence" in mine
    assert f"{other} (" not in mine.split("Who can see this", 1)[1]
    assert "Consent page" in mine
    assert f"{funder} (funder): {grantee} agreed to share evidence with the funder" in theirs
    assert f"{lp} (learning partner, your organisation): {grantee} agreed to take part" in theirs


def test_every_evidence_form_says_who_will_read_it_before_saving() -> None:
    w = _world()
    client = web_client(w.members["grantee_b"])
    grantee = w.parties["grantee_a"].organisation.name
    funder = w.parties["funder"].organisation.name

    add = client.get(page("evidence-create", partnership_pk=w.scene.partnership.pk) + "?kind=story")
    change = client.get(page("evidence-update", pk=w.items["grantee_b"].pk))
    spreadsheet = client.get(page("evidence-import", partnership_pk=w.scene.partnership.pk))

    for response in (add, change, spreadsheet):
        text = _text(response)
        assert "Who will be able to read this" in text
        shares = "your organisation agreed to share evidence with the other parties"
        assert f"{grantee} (grantee): {shares}" in text
        assert f"{funder} (" not in text.split("Who will be able to read this", 1)[1]
        consent = reverse("consent:consent-overview", args=[w.scene.partnership.pk])
        assert f'href="{consent}"' in response.content.decode()


def test_the_add_form_follows_consent_at_once() -> None:
    w = _world()
    client = web_client(w.members["grantee_b"])
    url = page("evidence-create", partnership_pk=w.scene.partnership.pk) + "?kind=story"
    funder = w.parties["funder"].organisation.name

    grant(w.parties["grantee_b"], SHARE_WITH_FUNDER)

    text = _text(client.get(url)).split("Who will be able to read this", 1)[1]
    assert f"{funder} (funder): your organisation agreed to share evidence with the funder" in text
