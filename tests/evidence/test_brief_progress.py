"""A brief being drafted: its page says so once, in a status region that asks for the
page's content again every few seconds (htmx: ``HX-Request`` with ``HX-Target:
brief-content``) and gets back only that part, until the draft is ready. The part is the
brief page under another header, so it is read by exactly the people who read the page:
everyone else gets the page's 404, and a signed-out person a full reload. Without
JavaScript a plain "Refresh this page" link does the same.

Downloads tell the page that they have started (static/js/busy-downloads.js) by deleting
the cookie its busy link set.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence.http import DOWNLOAD_PENDING_COOKIE
from evidence.models import InsightBrief
from evidence.services.briefs import brief_draft, brief_publish, brief_request
from partnerships.models import Partnership
from tests.evidence.briefs_scene import (
    OCTOBER,
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    written,
)

pytestmark = pytest.mark.django_db

QUOTE = "The youth club is the only warm place on a Tuesday night."
WRITING = "We are writing the draft from the evidence. This usually takes under a minute."
PART = {"HX-Request": "true", "HX-Target": "brief-content"}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(brief: InsightBrief) -> str:
    return reverse("evidence:brief-detail", args=[brief.pk])


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def drafting(scene) -> InsightBrief:
    """Asked for by the learning partner; its drafting task has not run yet."""
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        by=scene.lp_member,
    )
    assert brief.status == InsightBrief.Status.DRAFTING
    return brief


def test_the_page_of_a_brief_being_drafted_says_so_once_and_asks_again_by_itself():
    scene = brief_scene()
    brief = drafting(scene)

    response = browser(scene.lp_member).get(detail(brief))

    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(response)
    assert text.count(WRITING) == 1
    assert "This page will update by itself when the draft is ready." in text
    assert "Check again" not in text
    region = re.search(r'<div id="brief-progress"[^>]*>', body)
    assert region is not None
    assert 'role="status"' in region.group(0)
    assert 'aria-live="polite"' in region.group(0)
    assert f'hx-get="{detail(brief)}"' in region.group(0)
    assert 'hx-trigger="every 3s"' in region.group(0)
    assert 'hx-target="#brief-content"' in region.group(0)
    # Without JavaScript: a plain link that loads the page again.
    assert f'<a href="{detail(brief)}">Refresh this page</a>' in body
    assert '<div id="brief-content">' in body
    # The live region that will say the draft is ready is there before it has news.
    assert (
        '<div id="brief-news" aria-live="polite" aria-atomic="true" class="no-print"></div>' in body
    )
    assert "Being drafted" in text


def test_asking_for_a_brief_shows_no_second_message_saying_it_is_being_drafted():
    scene = brief_scene()
    client = browser(scene.lp_member)

    response = client.post(
        reverse("evidence:brief-request", args=[scene.partnership.pk]),
        {"period_start": "2026-10-01", "period_end": "2026-10-31"},
        follow=True,
    )

    assert response.status_code == 200
    text = text_of(response)
    assert InsightBrief.objects.get().status == InsightBrief.Status.DRAFTING
    assert text.count("being drafted") == 0  # once as a status, not again as a message
    assert text.count("under a minute") == 1


def test_the_part_while_drafting_is_only_the_content_and_keeps_asking():
    scene = brief_scene()
    brief = drafting(scene)

    response = browser(scene.lp_member).get(detail(brief), headers=PART)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "site-header" not in body
    assert 'hx-trigger="every 3s"' in body
    assert WRITING in text_of(response)
    assert "hx-swap-oob" not in body
    assert "HX-Request" in response["Vary"]
    assert "HX-Target" in response["Vary"]


def test_the_part_once_drafted_is_the_brief_says_it_is_ready_and_stops_asking():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    brief = drafting(scene)
    client = browser(scene.lp_member)
    assert QUOTE not in client.get(detail(brief), headers=PART).content.decode()

    brief_draft(brief_id=brief.pk)
    response = client.get(detail(brief), headers=PART)

    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(response)
    assert "<html" not in body
    assert "hx-trigger" not in body  # the asking stops
    assert WRITING not in text
    assert QUOTE in text
    assert "Edit the brief" in text
    assert "Draft" in text
    assert "Being drafted" not in text
    news = re.search(r'<div id="brief-news" hx-swap-oob="innerHTML">(.*?)</div>', body)
    assert news is not None
    assert "The draft is ready. It is shown below." in news.group(1)


def test_the_full_page_once_drafted_neither_asks_again_nor_announces():
    scene = brief_scene()
    brief = drafted(scene)

    response = browser(scene.lp_member).get(detail(brief))

    body = response.content.decode()
    assert "<html" in body
    assert "hx-trigger" not in body
    assert "hx-swap-oob" not in body
    assert "The draft is ready" not in body
    assert 'id="brief-news"' not in body  # only a page still drafting waits for news


def test_another_htmx_target_gets_the_whole_page():
    scene = brief_scene()
    brief = drafting(scene)

    response = browser(scene.lp_member).get(
        detail(brief), headers={"HX-Request": "true", "HX-Target": "something-else"}
    )

    assert response.status_code == 200
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            Partnership.LearningMode.LEARNING_FOR,
            {
                "lp_member": 200,
                "lp_admin": 200,
                "funder_admin": 404,
                "funder_member": 404,
                "grantee_admin": 404,
                "grantee_member": 404,
                "outsider": 404,
            },
        ),
        (
            Partnership.LearningMode.LEARNING_WITH,
            {
                "lp_member": 200,
                "lp_admin": 200,
                "funder_admin": 200,
                "funder_member": 200,
                "grantee_admin": 200,
                "grantee_member": 200,
                "outsider": 404,
            },
        ),
    ],
)
def test_the_part_is_read_by_exactly_those_who_read_the_brief(mode, expected):
    scene = brief_scene(learning_mode=mode)
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    brief = drafted(scene)

    for role, status in expected.items():
        client = browser(getattr(scene, role))
        part = client.get(detail(brief), headers=PART)
        page = client.get(detail(brief))
        assert (role, part.status_code) == (role, status)
        assert (role, page.status_code) == (role, status)  # the same as the page
        if status == 404:
            assert QUOTE not in part.content.decode()
            assert brief.period_start.strftime("%B") not in text_of(part)


def test_a_signed_out_person_asking_for_the_part_gets_a_full_reload_not_the_sign_in_form():
    scene = brief_scene()
    brief = drafting(scene)

    part = Client().get(detail(brief), headers=PART)
    page = Client().get(detail(brief))

    assert part.status_code == 200
    assert part["HX-Refresh"] == "true"
    assert part.content == b""
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_bad_brief_id_in_the_part_is_a_404_not_an_error():
    scene = brief_scene()
    client = browser(scene.lp_member)

    assert client.get("/briefs/99999999999999999999/", headers=PART).status_code == 404
    assert client.get("/briefs/0/", headers=PART).status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "md", "json"])
def test_a_download_tells_the_page_it_has_started(fmt):
    scene = brief_scene()
    brief = drafted(scene)
    client = browser(scene.lp_member)
    client.cookies[DOWNLOAD_PENDING_COOKIE] = "1"

    response = client.get(reverse("evidence:brief-download", args=[brief.pk, fmt]))

    assert response.status_code == 200
    cookie = response.cookies[DOWNLOAD_PENDING_COOKIE]
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    assert cookie["path"] == "/"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_page_links_slow_downloads_to_a_status_region():
    scene = brief_scene()
    brief = drafted(scene)

    body = browser(scene.lp_member).get(detail(brief)).content.decode()

    pdf = reverse("evidence:brief-download", args=[brief.pk, "pdf"])
    html = reverse("evidence:brief-download", args=[brief.pk, "html"])
    assert re.search(rf'<a href="{pdf}" download data-busy-text="Preparing your PDF…"', body)
    assert re.search(rf'<a href="{html}">', body)  # shown in the tab, never busy
    assert (
        '<p class="download-status" aria-live="polite" aria-atomic="true" data-download-status>'
        in body
    )
    assert re.search(r'<script src="[^"]*js/busy-downloads[^"]*\.js" defer', body)


@pytest.mark.parametrize(
    ("audience", "busy"),
    [("public", "Preparing your PDF…"), ("community", "Preparing your poster…")],
)
def test_a_shared_brief_s_pdf_link_is_busy_until_its_download_starts(audience, busy):
    scene = brief_scene()
    brief = written(scene, drafted(scene))
    brief_publish(brief=brief, by=scene.lp_member)
    made = client_for(scene.lp_member).post(
        api("brief-share-links", pk=brief.pk), {"audience": audience}, format="json"
    )
    assert made.status_code == 201, made.content
    path = "/" + made.json()["url"].split("/", 3)[3]
    visitor = Client()

    page = visitor.get(path).content.decode()
    visitor.cookies[DOWNLOAD_PENDING_COOKIE] = "1"
    pdf = visitor.get(path + "?format=pdf")

    assert f'<a href="?format=pdf" download data-busy-text="{busy}"' in page
    assert 'aria-live="polite" aria-atomic="true" data-download-status>' in page
    assert re.search(r'<script src="[^"]*js/busy-downloads[^"]*\.js" defer', page)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.cookies[DOWNLOAD_PENDING_COOKIE]["max-age"] == 0


@pytest.mark.parametrize("headers", [{}, PART])
def test_a_draft_taking_far_longer_than_usual_says_so_and_stops_asking(headers):
    scene = brief_scene()
    brief = drafting(scene)
    client = browser(scene.lp_member)
    nine_minutes_ago = timezone.now() - datetime.timedelta(minutes=9)
    InsightBrief.objects.filter(pk=brief.pk).update(updated_at=nine_minutes_ago)
    assert 'hx-trigger="every 3s"' in client.get(detail(brief), headers=headers).content.decode()

    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    InsightBrief.objects.filter(pk=brief.pk).update(updated_at=eleven_minutes_ago)
    response = client.get(detail(brief), headers=headers)

    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(response)
    assert "hx-trigger" not in body
    assert "Writing this draft is taking longer than usual. We will keep trying." in text
    assert WRITING not in text
    assert f'<a href="{detail(brief)}">Refresh this page</a>' in body
