"""A brief says what its evidence means before it is published: an empty "so what?" is a
409 naming it (API and page), and the edit page starts it from a scaffold of the brief's own
points that is never stored until the learning partner saves it."""

import pytest

from evidence.models import Evidence, InsightBrief
from evidence.services.briefs import SO_WHAT_MISSING
from tests.evidence.briefs_scene import (
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    written,
)
from tests.evidence.test_brief_pages import browser, page, text_of

pytestmark = pytest.mark.django_db


def _scene_with_points():  # type: ignore[no-untyped-def]
    scene = brief_scene()
    add_evidence(
        scene.grantee_party,
        title="Tuesday club",
        body="Young people said the Tuesday club was the only warm place they had.",
        valence=Evidence.Valence.WORKING,
    )
    add_evidence(
        scene.grantee_party,
        title="Bus cut",
        body="Fewer came on Thursdays after the evening bus was cut.",
        valence=Evidence.Valence.NOT_WORKING,
    )
    return scene


def test_publishing_with_no_so_what_is_a_409_that_names_it_and_changes_nothing():
    scene = _scene_with_points()
    brief = drafted(scene)

    response = client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 409
    assert SO_WHAT_MISSING in response.json()["detail"]
    assert "so what?" in SO_WHAT_MISSING
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT


def test_the_api_offers_the_scaffold_while_the_so_what_is_empty():
    scene = _scene_with_points()
    brief = drafted(scene)
    client = client_for(scene.lp_member)

    scaffold = client.get(api("brief-detail", pk=brief.pk)).json()["so_what_scaffold"]
    assert scaffold.startswith("What we learned:\n- ")
    assert (
        "- What works: “Young people said the Tuesday club was the only warm place they had.”"
        in scaffold
    )
    assert "- What is not working: “Fewer came on Thursdays after the evening bus was cut.”" in (
        scaffold
    )
    assert "\nWhat it means:\n" in scaffold
    assert "\nWhat next:\n" in scaffold

    client.patch(api("brief-detail", pk=brief.pk), {"so_what": "Keep Tuesdays."}, format="json")
    assert client.get(api("brief-detail", pk=brief.pk)).json()["so_what_scaffold"] == ""


def test_a_so_what_of_blank_lines_is_still_empty():
    scene = _scene_with_points()
    brief = drafted(scene)
    client_for(scene.lp_member).patch(api("brief-detail", pk=brief.pk), {"so_what": " \n "})

    response = client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 409
    assert SO_WHAT_MISSING in response.json()["detail"]


def test_the_scaffold_saved_as_it_stands_is_not_written_yet():
    scene = _scene_with_points()
    brief = drafted(scene)
    client = client_for(scene.lp_member)
    scaffold = client.get(api("brief-detail", pk=brief.pk)).json()["so_what_scaffold"]
    client.patch(api("brief-detail", pk=brief.pk), {"so_what": scaffold}, format="json")

    refused = client.post(api("brief-publish", pk=brief.pk))
    assert refused.status_code == 409
    assert SO_WHAT_MISSING in refused.json()["detail"]
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFT

    # Each prompt answered in the learning partner's own words: it publishes.
    written_out = scaffold.replace(
        "- (What does this mean for the people the partnership serves?)", "- Warmth matters."
    ).replace("- (What will each organisation do, and by when?)", "- Keep Tuesdays open.")
    client.patch(api("brief-detail", pk=brief.pk), {"so_what": written_out}, format="json")
    assert client.post(api("brief-publish", pk=brief.pk)).status_code == 200
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.PUBLISHED


def test_once_written_the_brief_publishes():
    scene = _scene_with_points()
    brief = written(scene, drafted(scene))

    response = client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 200, response.json()
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.PUBLISHED


def test_the_check_page_refuses_and_links_to_the_so_what():
    scene = _scene_with_points()
    brief = drafted(scene)
    client = browser(scene.lp_member)

    check = text_of(client.get(page("brief-publish", brief.pk)))
    assert "A brief cannot be published without it" in check

    refused = client.post(page("brief-publish", brief.pk))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "This brief cannot be published yet" in body
    assert f'href="{page("brief-edit", brief.pk)}#id_so_what"' in body
    assert "Remove or change these challenges" not in body
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT


def test_the_edit_page_starts_an_empty_so_what_from_the_briefs_own_points():
    scene = _scene_with_points()
    brief = drafted(scene)

    form = browser(scene.lp_member).get(page("brief-edit", brief.pk)).content.decode()

    start = form.index('name="so_what"')
    textarea = form[start : form.index("</textarea>", start)]
    assert "What we learned:" in textarea
    assert "What it means:" in textarea
    assert "What next:" in textarea
    assert "What works:" in textarea
    assert "What is not working:" in textarea
    brief.refresh_from_db()
    assert brief.so_what == ""  # nothing is stored until the learning partner saves


def test_a_written_so_what_is_shown_as_written_not_the_scaffold():
    scene = _scene_with_points()
    brief = written(scene, drafted(scene), so_what="Keep the Tuesday club open all winter.")

    form = browser(scene.lp_member).get(page("brief-edit", brief.pk)).content.decode()

    assert "Keep the Tuesday club open all winter." in form
    assert "What we learned:" not in form


def test_a_learning_action_in_the_markdown_keeps_its_own_full_stop():
    from evidence.rendering import _full_stop

    assert _full_stop("Run an evening advice session every Wednesday.") == (
        "Run an evening advice session every Wednesday."
    )
    assert _full_stop("Open on Saturdays") == "Open on Saturdays."
