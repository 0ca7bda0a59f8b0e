"""Whose words a brief's quotes and stories are: by the speaker's role and the
organisation ("a service user, Riverside Food Bank") where it agreed to be named, by
the kind of organisation ("a service user, grantee organisation") where it did not —
and never by a kind of organisation that only one organisation in the brief is
("a service user in the partnership"), which would name it all the same."""

import pytest
from django.test import Client
from django.urls import reverse

from evidence.services.briefs import briefs_rerender_for_party
from tests.evidence.briefs_scene import (
    add_evidence,
    api,
    brief_scene,
    client_for,
    decide,
    drafted,
    grant,
)

pytestmark = pytest.mark.django_db

SPEAKERS = [
    ("staff", "a member of staff"),
    ("volunteer", "a volunteer"),
    ("service_user", "a service user"),
    ("partner_organisation", "a partner organisation"),
    ("funder", "a funder"),
]


def _attributions(scene, brief) -> dict[int, str]:
    """Every quote's and story's attribution in the brief, by evidence id."""
    body = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()
    found: dict[int, str] = {}
    for section in body["sections"]:
        for entry in [*section["quotes"], *section["stories"]]:
            first = found.setdefault(entry["evidence"], entry["attribution"])
            assert first == entry["attribution"], "one item, one attribution in every section"
    return found


@pytest.mark.parametrize(("speaker", "phrase"), SPEAKERS)
def test_a_named_quote_says_whose_words_and_the_organisation(speaker, phrase):
    scene = brief_scene()
    grant(scene.grantee_party, "attribute")
    quote = add_evidence(scene.grantee_party, kind="quote", attribution="named", speaker=speaker)
    brief = drafted(scene)

    name = scene.grantee_party.organisation.name
    assert _attributions(scene, brief)[quote.pk] == f"{phrase}, {name}"


@pytest.mark.parametrize(("speaker", "phrase"), SPEAKERS)
def test_an_anonymous_quote_says_whose_words_and_the_kind_of_organisation(speaker, phrase):
    scene = brief_scene()
    quote = add_evidence(scene.grantee_party, kind="quote", speaker=speaker)
    add_evidence(scene.grantee2_party, kind="story")  # a second grantee in the brief
    brief = drafted(scene)

    assert _attributions(scene, brief)[quote.pk] == f"{phrase}, grantee organisation"


@pytest.mark.parametrize("speaker", ["", "other"])
def test_without_a_speaker_the_organisation_or_its_kind_alone(speaker):
    scene = brief_scene()
    grant(scene.grantee_party, "attribute")
    named = add_evidence(scene.grantee_party, kind="quote", attribution="named", speaker=speaker)
    anonymous = add_evidence(scene.grantee2_party, kind="quote", speaker=speaker)
    brief = drafted(scene)

    assert _attributions(scene, brief) == {
        named.pk: scene.grantee_party.organisation.name,
        anonymous.pk: "a grantee",
    }


def test_named_without_attribute_consent_is_anonymous():
    scene = brief_scene()
    quote = add_evidence(
        scene.grantee_party, kind="quote", attribution="named", speaker="service_user"
    )
    add_evidence(scene.grantee2_party, kind="quote")
    brief = drafted(scene)

    assert _attributions(scene, brief)[quote.pk] == "a service user, grantee organisation"


def test_the_only_grantee_in_the_brief_is_someone_in_the_partnership():
    scene = brief_scene()  # two grantees, but only one has evidence this period
    grant(scene.grantee_party, "attribute")
    service_user = add_evidence(scene.grantee_party, kind="quote", speaker="service_user")
    unsaid = add_evidence(scene.grantee_party, kind="quote")
    volunteer = add_evidence(scene.grantee_party, kind="story", speaker="volunteer")
    named = add_evidence(
        scene.grantee_party, kind="quote", attribution="named", speaker="service_user"
    )
    brief = drafted(scene)

    assert _attributions(scene, brief) == {
        service_user.pk: "a service user in the partnership",
        unsaid.pk: "someone in the partnership",
        volunteer.pk: "a volunteer in the partnership",
        # Named with consent: the organisation agreed to be known.
        named.pk: f"a service user, {scene.grantee_party.organisation.name}",
    }


def test_the_only_funder_is_someone_in_the_partnership_even_speaking_as_the_funder():
    scene = brief_scene()
    grant(scene.funder_party, "participate")
    staff = add_evidence(scene.funder_party, kind="quote", speaker="staff")
    own_words = add_evidence(scene.funder_party, kind="quote", speaker="funder")
    grantee = add_evidence(scene.grantee_party, kind="quote", speaker="funder")
    other_grantee = add_evidence(scene.grantee2_party, kind="story")
    brief = drafted(scene)

    assert _attributions(scene, brief) == {
        staff.pk: "a member of staff in the partnership",
        own_words.pk: "someone in the partnership",
        # A grantee quoting a funder: two grantees in the brief, so the kind is safe.
        grantee.pk: "a funder, grantee organisation",
        other_grantee.pk: "a grantee",
    }


def test_page_and_markdown_attribute_by_role():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", speaker="service_user", body="Warm words.")
    add_evidence(scene.grantee2_party, kind="story", speaker="volunteer", body="A long wait.")
    brief = drafted(scene)
    browser = Client()
    browser.force_login(scene.lp_member)

    page = browser.get(reverse("evidence:brief-detail", args=[brief.pk])).content.decode()
    markdown = (
        client_for(scene.lp_member)
        .get(api("brief-export", pk=brief.pk) + "?format=md")
        .content.decode()
    )

    assert "— a service user, grantee organisation" in page
    assert "(a volunteer, grantee organisation; what is working)" in page
    assert "> — a service user, grantee organisation (" in markdown
    assert scene.grantee_party.organisation.name not in page
    assert scene.grantee_party.organisation.name not in markdown


def test_when_the_other_grantee_withdraws_the_first_is_no_longer_a_grantee_organisation():
    scene = brief_scene()
    quote = add_evidence(scene.grantee_party, kind="quote", speaker="service_user")
    add_evidence(scene.grantee2_party, kind="quote")
    brief = drafted(scene)
    assert _attributions(scene, brief)[quote.pk] == "a service user, grantee organisation"

    decide(scene.grantee2_party, "participate", "withdraw")
    pending = _attributions(scene, brief)  # read before the re-render task has run
    briefs_rerender_for_party(party_id=scene.grantee2_party.pk)
    stored = _attributions(scene, brief)

    assert pending == stored == {quote.pk: "a service user in the partnership"}
    brief.refresh_from_db()
    assert [q["attribution"] for q in brief.sections[0]["quotes"]] == [
        "a service user in the partnership"
    ]
