"""Share links (issue 16, items 1 and 2): the learning partner shares a published brief by
link with the public or with the community it came from; the link works signed out,
shows only what the published brief may show (at once after a withdrawal), links to no
signed-in page, has its own PDF, and stops working when revoked or after its last day.
The community link opens a one-page "you said, we did" in very plain words.
"""

from __future__ import annotations

import datetime
import re
import string
import subprocess
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.management.commands.demo_advance_clock import DEMO_TITLE
from evidence.models import InsightBrief, LearningAction, ShareLink
from evidence.periods import london_today
from evidence.services.briefs import brief_publish, briefs_rerender_for_party
from evidence.services.learning_actions import learning_action_create
from evidence.services.share_links import share_link_create
from evidence.synthesis import reading_ease
from notifications.models import Notification
from partnerships.models import ActivityEvent, Membership, Partnership
from tests.evidence.briefs_scene import (
    BriefScene,
    activate,
    add_evidence,
    api,
    brief_scene,
    client_for,
    decide,
    drafted,
    written,
)
from tests.evidence.pdfs import pdf_info, pdf_links

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
KEPT = "Friday club brought my son back to school"
GONE = "The bus stopped running so we stopped coming"


def published(scene: BriefScene) -> InsightBrief:
    """October's brief with a quote from each grantee, published."""
    add_evidence(scene.grantee_party, kind="quote", body=f"{KEPT}.", valence="working")
    add_evidence(scene.grantee2_party, kind="quote", body=f"{GONE}.", valence="not_working")
    brief = written(scene, drafted(scene))
    brief_publish(brief=brief, by=scene.lp_member)
    brief.refresh_from_db()
    return brief


def make_link(scene: BriefScene, brief: InsightBrief, **body: object) -> dict:
    response = client_for(scene.lp_member).post(
        api("brief-share-links", pk=brief.pk), {"audience": "public", **body}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def pdf_text(content: bytes) -> str:
    return subprocess.run(  # noqa: S603 - fixed arguments
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils, on PATH
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


class _Targets(HTMLParser):
    """Every address a page could send the reader or the browser to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]


def targets(html: str) -> list[str]:
    parser = _Targets()
    parser.feed(html)
    return parser.found


def signed_out_safe(target: str) -> bool:
    """A target a signed-out page may have: our static files, a place on the page, or
    this page's own PDF."""
    return target.startswith("/static/") or target.startswith("#") or target == "?format=pdf"


# --- Making, listing and revoking through the API ----------------------------------------------


def test_the_learning_partner_makes_a_link_and_every_party_is_told(
    django_capture_on_commit_callbacks,
):
    scene = brief_scene()
    brief = published(scene)
    last_day = london_today() + datetime.timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        body = make_link(scene, brief, audience="community", expires_on=last_day.isoformat())

    link = ShareLink.objects.get()
    assert set(body) == {
        "id",
        "brief",
        "audience",
        "url",
        "created_at",
        "expires_on",
        "revoked_at",
        "views",
    }
    assert body["id"] == link.pk
    assert (body["brief"], body["audience"], body["expires_on"]) == (
        brief.pk,
        "community",
        last_day.isoformat(),
    )
    assert (body["revoked_at"], body["views"]) == (None, 0)
    assert body["url"] == f"http://127.0.0.1:8000/share/{link.token}/"
    assert link.created_by == scene.lp_member
    listed = client_for(scene.lp_member).get(api("brief-share-links", pk=brief.pk)).json()
    assert listed["count"] == 1
    assert listed["results"] == [body]
    # Every person of every accepted party hears of it, with how to have it taken back.
    told = Notification.objects.filter(kind="brief_shared")
    people = set(
        Membership.objects.filter(
            organisation__parties__partnership=scene.partnership,
            organisation__parties__status="accepted",
        ).values_list("user_id", flat=True)
    )
    assert set(told.values_list("recipient_id", flat=True)) == people
    note = told.get(recipient=scene.grantee_admin)
    assert f"until the end of {last_day:%-d %B %Y}" in note.body
    assert "the community the evidence came from" in note.body
    assert f"ask {scene.lp_party.organisation.name} (the learning partner) to revoke" in note.body
    assert note.url == reverse("evidence:brief-detail", args=[brief.pk])
    emailed = [m for m in mail.outbox if scene.grantee_admin.email in m.to]
    assert [m.subject for m in emailed] == [f"LearnHub: {note.subject}"]
    # The partnership's timeline says who shared which brief with whom; never the token.
    event = ActivityEvent.objects.get(partnership=scene.partnership, verb="brief_shared")
    assert event.actor == scene.lp_member
    assert "with the community the evidence came from" in event.summary
    assert link.token not in event.summary + note.body + emailed[0].body


def test_listing_links_costs_the_same_queries_for_1_or_25_links(django_assert_max_num_queries):
    scene = brief_scene()
    brief = published(scene)
    client = client_for(scene.lp_member)
    url = api("brief-share-links", pk=brief.pk)
    share_link_create(brief=brief, audience="public", by=scene.lp_member)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).json()["count"] == 1
    for _ in range(24):
        share_link_create(brief=brief, audience="community", by=scene.lp_member)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 25


def test_a_draft_cannot_be_shared():
    scene = brief_scene()
    brief = written(scene, drafted(scene))

    response = client_for(scene.lp_member).post(
        api("brief-share-links", pk=brief.pk), {"audience": "public"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only a published brief can be shared by link. Publish the brief first, "
        "then share it."
    }
    assert not ShareLink.objects.exists()


def test_other_parties_are_refused_and_outsiders_learn_nothing():
    scene = brief_scene()
    brief = published(scene)
    link = make_link(scene, brief)
    url = api("brief-share-links", pk=brief.pk)
    revoke = api("share-link-revoke", pk=link["id"])

    for person in (scene.grantee_admin, scene.funder_admin):
        client = client_for(person)
        assert client.get(url).status_code == 403
        refused = client.post(url, {"audience": "public"}, format="json")
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "Only the learning partner can share an insight brief by link."
        }
        assert client.post(revoke).status_code == 403
    outsider = client_for(scene.outsider)
    assert outsider.get(url).json() == {"detail": "Not found."}
    assert outsider.post(url, {"audience": "public"}, format="json").status_code == 404
    assert outsider.post(revoke).status_code == 404
    assert ShareLink.objects.count() == 1
    assert ShareLink.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"audience": "everyone"}, {"audience": ['"everyone" is not a valid choice.']}),
        ({}, {"audience": ["This field is required."]}),
        (
            {"audience": "public", "expires_on": "2026-02-30"},
            {
                "expires_on": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
        (
            {"audience": "public", "expires_on": "2101-01-01"},
            {"expires_on": ["The last day must be on or before 31 December 2100."]},
        ),
        (
            {"audience": "public", "expires_on": 20270101},
            {
                "expires_on": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
    ],
)
def test_bad_input_is_a_400_and_makes_nothing(body, errors):
    scene = brief_scene()
    brief = published(scene)

    response = client_for(scene.lp_member).post(
        api("brief-share-links", pk=brief.pk), body, format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert not ShareLink.objects.exists()


def test_a_last_day_in_the_past_is_a_400_and_today_is_allowed():
    scene = brief_scene()
    brief = published(scene)
    client = client_for(scene.lp_member)
    yesterday = london_today() - datetime.timedelta(days=1)

    refused = client.post(
        api("brief-share-links", pk=brief.pk),
        {"audience": "public", "expires_on": yesterday.isoformat()},
        format="json",
    )
    allowed = make_link(scene, brief, expires_on=london_today().isoformat())

    assert refused.status_code == 400
    assert refused.json() == {"expires_on": ["The last day must be today or later."]}
    assert ShareLink.objects.get().pk == allowed["id"]
    assert Client().get(path_of(allowed["url"])).status_code == 200


@pytest.mark.parametrize("bad_id", ["0", "99999999999999999999", "-1", "x"])
def test_malformed_ids_are_a_404(bad_id):
    scene = brief_scene()
    client = client_for(scene.lp_member)

    for path in (
        f"/api/v1/briefs/{bad_id}/share-links/",
        f"/api/v1/share-links/{bad_id}/revoke/",
    ):
        response = client.post(path, {"audience": "public"}, format="json")
        assert response.status_code == 404, path
    page = Client()
    page.force_login(scene.lp_member)
    assert page.get(f"/briefs/{bad_id}/share/").status_code == 404
    assert page.post(f"/share-links/{bad_id}/revoke/").status_code == 404
    assert not ShareLink.objects.exists()


def test_revoking_is_a_404_for_the_visitor_and_revoking_again_changes_nothing(
    django_capture_on_commit_callbacks,
):
    scene = brief_scene()
    brief = published(scene)
    link = make_link(scene, brief)
    visitor = Client()
    assert visitor.get(path_of(link["url"])).status_code == 200
    client = client_for(scene.lp_member)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(api("share-link-revoke", pk=link["id"]))
        second = client.post(api("share-link-revoke", pk=link["id"]))

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["revoked_at"] is not None
    assert second.json() == first.json()
    stored = ShareLink.objects.get()
    assert stored.revoked_by == scene.lp_member
    assert (
        Notification.objects.filter(
            kind="brief_share_revoked", recipient=scene.grantee_admin
        ).count()
        == 1
    )
    for fmt in ("", "?format=pdf"):
        gone = visitor.get(path_of(link["url"]) + fmt)
        assert gone.status_code == 404
        assert "This link does not work" in gone.content.decode()
    assert ShareLink.objects.get().views == 1  # the refusals were not counted


def test_a_link_past_its_last_day_is_a_404():
    scene = brief_scene()
    brief = published(scene)
    link = make_link(scene, brief, expires_on=london_today().isoformat())
    path = path_of(link["url"])
    assert Client().get(path).status_code == 200

    # The next day in London: the link's last day has passed.
    ShareLink.objects.filter(pk=link["id"]).update(
        expires_on=london_today() - datetime.timedelta(days=1)
    )

    assert Client().get(path).status_code == 404
    assert Client().get(path + "?format=pdf").status_code == 404


# --- The signed-out page -------------------------------------------------------------------------


def test_a_visitor_reads_the_published_brief_signed_out_in_html_and_pdf(tmp_path):
    scene = brief_scene()
    brief = published(scene)
    path = path_of(make_link(scene, brief)["url"])
    visitor = Client()

    page = visitor.get(path)
    pdf = visitor.get(path + "?format=pdf")

    assert page.status_code == 200
    html = page.content.decode()
    assert KEPT in html
    assert GONE in html
    assert brief.so_what in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["X-Robots-Tag"] == "noindex"
    assert page["Cache-Control"] == "no-store"
    # The project's policy, as every page has it (no policy of the page's own).
    policy = page["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "Sign in" not in html
    assert "Dashboard" not in html
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Referrer-Policy"] == "no-referrer"
    assert pdf["Cache-Control"] == "no-store"
    text = " ".join(pdf_text(pdf.content).split())
    assert KEPT in text
    assert brief.so_what in text
    assert int(pdf_info(pdf.content, tmp_path)["Pages"]) >= 1


class _Article(HTMLParser):
    """The words of the page's brief (its ``<article>``), without the page around it."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words.append(data)


def article_text(html: str) -> str:
    parser = _Article()
    parser.feed(html)
    # A link's text and plain text are split differently by the parser: "(evidence 1 , 2 )".
    return re.sub(r"\s+([,)])", r"\1", " ".join(" ".join(parser.words).split()))


def test_the_public_page_says_word_for_word_what_the_signed_in_brief_says():
    scene = brief_scene()
    decide(scene.grantee2_party, "share_with_parties")  # the grantee opens its evidence
    brief = published(scene)
    path = path_of(make_link(scene, brief)["url"])
    reader = Client()
    reader.force_login(scene.grantee_member)
    detail = reverse("evidence:brief-detail", args=[brief.pk])

    for step in ("published", "after a withdrawal"):
        signed_in = reader.get(detail).content.decode()
        shared = Client().get(path).content.decode()
        assert article_text(shared) == article_text(signed_in), step
        assert "/evidence/" in signed_in  # the reader may open the evidence; the link may not
        assert "/evidence/" not in shared
        decide(scene.grantee_party, "publish", "withdraw")
    assert KEPT not in article_text(shared)


def test_views_are_counted_and_nothing_about_the_visitor_is_kept():
    scene = brief_scene()
    brief = published(scene)
    path = path_of(make_link(scene, brief)["url"])

    Client().get(path, HTTP_USER_AGENT="Visitor/1.0", REMOTE_ADDR="203.0.113.9")
    Client().get(path + "?format=pdf")
    Client().get(path + "?format=docx")  # not a format: a 404, not a view

    link = ShareLink.objects.get()
    assert link.views == 2
    stored = {field.name for field in ShareLink._meta.get_fields()}
    assert stored == {
        "id",
        "brief",
        "audience",
        "token",
        "created_by",
        "created_at",
        "expires_on",
        "revoked_at",
        "revoked_by",
        "views",
    }
    row = " ".join(str(getattr(link, name)) for name in stored)
    assert "203.0.113.9" not in row
    assert "Visitor" not in row


def test_the_page_drops_a_withdrawn_partys_evidence_at_once_before_the_re_render(tmp_path):
    scene = brief_scene()
    brief = published(scene)
    public = path_of(make_link(scene, brief)["url"])
    community = path_of(make_link(scene, brief, audience="community")["url"])
    visitor = Client()
    assert GONE in visitor.get(public).content.decode()
    assert GONE in visitor.get(community).content.decode()

    # Tests never commit, so the re-render task queued after commit has not run: the stored
    # brief still cites the withdrawn evidence, and the share page must leave it out.
    decide(scene.grantee2_party, "publish", "withdraw")
    assert InsightBrief.objects.get(pk=brief.pk).redactions == []

    for path in (public, community):
        html = visitor.get(path).content.decode()
        text = " ".join(pdf_text(visitor.get(path + "?format=pdf").content).split())
        for shown in (html, text):
            assert GONE not in shown
            assert KEPT in shown
    assert "1 piece of evidence was removed from this brief" in visitor.get(public).content.decode()
    assert "we took it out" in visitor.get(community).content.decode()
    # And after the re-render has stored the new version, the same.
    briefs_rerender_for_party(party_id=scene.grantee2_party.pk)
    assert GONE not in visitor.get(public).content.decode()


def test_the_pages_and_pdfs_link_to_no_signed_in_page(tmp_path):
    scene = brief_scene()
    grant_sharing = "share_with_parties"
    decide(scene.grantee2_party, grant_sharing)
    brief = published(scene)
    public = path_of(make_link(scene, brief)["url"])
    community = path_of(make_link(scene, brief, audience="community")["url"])
    visitor = Client()
    # The signed-in brief links its citations to evidence pages, in the page and the PDF:
    # the same checks find them there, so they would find them on the share pages.
    reader = client_for(scene.grantee_member)
    signed_in_pdf = reader.get(api("brief-export", pk=brief.pk) + "?format=pdf").content
    assert any("/evidence/" in target for target in pdf_links(signed_in_pdf, tmp_path, "in.pdf"))
    signed_in_page = Client()
    signed_in_page.force_login(scene.grantee_member)
    detail = signed_in_page.get(reverse("evidence:brief-detail", args=[brief.pk])).content
    assert any("/evidence/" in t for t in targets(detail.decode()))

    pages = [
        visitor.get(public).content.decode(),
        visitor.get(community).content.decode(),
        visitor.get("/share/" + "A" * 43 + "/").content.decode(),
    ]
    pdfs = [
        visitor.get(public + "?format=pdf").content,
        visitor.get(community + "?format=pdf").content,
    ]

    for html in pages:
        found = targets(html)
        assert found, "a page with no links at all would pass any check"
        assert [t for t in found if not signed_out_safe(t)] == []
    for number, pdf in enumerate(pdfs):
        assert pdf_links(pdf, tmp_path, f"{number}.pdf") == []


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "A" * 43,  # the right shape, but no such link
        "A" * 42 + "!",
        "A" * 44,
        "A" * 5000,
    ],
)
def test_a_malformed_or_unknown_token_is_the_404_page(token):
    response = Client().get(f"/share/{token}/")

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/share/%00" + "A" * 42 + "/", 400),  # a NUL in a URL: refused before any view
        ("/share/..%2F..%2Fadmin/", 404),
        ("/share/", 404),
    ],
)
def test_strange_share_addresses_are_refused_never_a_500(path, code):
    assert Client().get(path).status_code == code


def test_tokens_are_long_random_and_unrelated_to_ids():
    scene = brief_scene()
    brief = published(scene)

    links = [
        share_link_create(brief=brief, audience="public", by=scene.lp_member) for _ in range(40)
    ]

    tokens = [link.token for link in links]
    assert all(TOKEN.match(token) for token in tokens)
    assert len(set(tokens)) == 40
    # 43 characters of 64 each: 256 bits from secrets.token_urlsafe(32). Over 40 tokens
    # every character of the alphabet turns up: they are not counters or timestamps.
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert set("".join(tokens)) >= alphabet - set("-_")
    # No two tokens share even their first 8 characters (48 bits): no common prefix or stem.
    assert len({token[:8] for token in tokens}) == 40


# --- "You said, we did" ----------------------------------------------------------------------


def _demo() -> tuple[Partnership, InsightBrief]:
    call_command("seed_demo", "--allow-without-debug", verbosity=0, stdout=None)
    partnership = Partnership.objects.get(title=DEMO_TITLE)
    return partnership, InsightBrief.objects.get(partnership=partnership, status="published")


class _Main(HTMLParser):
    """The words a reader reads in the page's ``<main>``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words.append(data)


def main_text(html: str) -> str:
    parser = _Main()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())


def test_the_demo_community_page_says_what_we_heard_did_and_will_do_plainly(tmp_path):
    partnership, brief = _demo()
    learning_partner = partnership.parties.get(role="learning_partner")
    person = Membership.objects.get(
        organisation=learning_partner.organisation, role=Membership.Role.ADMIN
    ).user
    link = share_link_create(brief=brief, audience="community", by=person)
    path = reverse("evidence:share-page", kwargs={"token": link.token})

    page = Client().get(path)
    pdf = Client().get(path + "?format=pdf")

    html = page.content.decode()
    text = main_text(html)
    for heading in ("You said, we did", "What you told us", "What we changed", "What happens next"):
        assert heading in text
    # What the brief found, told back: its quotes and figures, not its gaps.
    assert "You told us this works: “Fewer families came back for a second parcel" in text
    assert "You told us this is not working:" in text
    assert "since last time" in text
    assert "Ask about it next period" not in text
    # What changed (done, recorded against the brief) and what happens next (planned).
    assert "Run an evening advice session every Wednesday. Eleven people" in text
    assert "Fund the adviser's extra evening hours for a year." in text
    ease = reading_ease(text)
    assert ease is not None
    assert ease >= 70, (ease, text)
    assert len(re.findall(r"<li>", html)) <= 5 + 3 + 3
    assert pdf.status_code == 200
    assert pdf_info(pdf.content, tmp_path)["Pages"] == "1"
    assert pdf_info(pdf.content, tmp_path)["Page size"].startswith("595.")  # A4: 595 x 842 pt
    assert "What happens next" in pdf_text(pdf.content)


def test_the_community_page_tells_only_the_actions_of_parties_that_consent_to_publish():
    scene = brief_scene()
    brief = published(scene)
    for party, words in (
        (scene.grantee_party, "Open on Saturdays"),
        (scene.grantee2_party, "Run a bus"),
    ):
        learning_action_create(
            partnership=scene.partnership,
            party=party,
            by=scene.lp_member,
            brief=brief,
            description=words,
            status="done",
            outcome="",
        )
    learning_action_create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        by=scene.lp_member,
        brief=brief,
        description="Ask families what time suits them",
        status="planned",
    )
    path = path_of(make_link(scene, brief, audience="community")["url"])

    before = main_text(Client().get(path).content.decode())
    decide(scene.grantee2_party, "publish", "withdraw")
    after = main_text(Client().get(path).content.decode())

    assert "Open on Saturdays." in before
    assert "Run a bus." in before
    assert "Ask families what time suits them." in before
    assert "Open on Saturdays." in after
    assert "Run a bus." not in after
    assert LearningAction.objects.count() == 3


def test_the_poster_stays_on_one_a4_page_however_much_was_written(tmp_path):
    scene = brief_scene()
    activate(scene)  # so the page also says when the next brief is due
    add_evidence(scene.grantee2_party, kind="quote", body="Withdrawn later.", questions=[scene.q1])
    long = " ".join(["We opened the hall on Saturday mornings for families who work"] * 40)
    for number in range(6):
        add_evidence(
            scene.grantee_party,
            kind="quote",
            body=f"Family {number} told us {long}.",
            valence=["working", "not_working", "mixed"][number % 3],
            questions=[scene.q1 if number % 2 else scene.q2],
        )
    brief = written(scene, drafted(scene))
    brief_publish(brief=brief, by=scene.lp_member)
    for number in range(6):
        for status in ("done", "planned", "doing"):
            learning_action_create(
                partnership=scene.partnership,
                party=scene.grantee_party,
                by=scene.lp_member,
                brief=brief,
                description=f"{long} ({status} {number})"[:4_900],
                status=status,
                outcome=long[:4_900] if status == "done" else "",
            )
    path = path_of(make_link(scene, brief, audience="community")["url"])
    decide(scene.grantee2_party, "publish", "withdraw")  # and a note that words were taken out

    html = Client().get(path).content.decode()
    pdf = Client().get(path + "?format=pdf").content

    assert "So we took it out." in html
    assert "We will look at what you tell us again after" in html
    items = re.findall(r"<li>(.*?)</li>", html, flags=re.S)
    assert len(items) == 5 + 3 + 3  # as many as the page ever shows
    for item in items:
        words = re.sub(r"<[^>]+>", " ", item).split()
        assert len(words) <= 2 * 20 + 6, item
    assert "community--dense" in html
    assert pdf_info(pdf, tmp_path)["Pages"] == "1"


# --- The learning partner's page --------------------------------------------------------------


def test_the_learning_partner_shares_and_revokes_on_the_page():
    scene = brief_scene()
    brief = published(scene)
    browser = Client()
    browser.force_login(scene.lp_member)
    detail = browser.get(reverse("evidence:brief-detail", args=[brief.pk])).content.decode()
    assert f'href="/briefs/{brief.pk}/share/"' in detail
    share_page = f"/briefs/{brief.pk}/share/"

    refused = browser.post(share_page, {"audience": "", "expires_on": "tomorrow"})
    made = browser.post(share_page, {"audience": "community", "expires_on": ""}, follow=True)

    assert refused.status_code == 400
    assert "Choose who the link is for." in refused.content.decode()
    assert "Enter the last day as a real date" in refused.content.decode()
    link = ShareLink.objects.get()
    html = made.content.decode()
    assert f'value="http://127.0.0.1:8000/share/{link.token}/"' in html
    assert "The community the evidence came from" in html
    assert "None: works until revoked" in html
    revoked = browser.post(f"/share-links/{link.pk}/revoke/", follow=True)
    assert "Revoked" in revoked.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert f"/share-links/{link.pk}/revoke/" not in revoked.content.decode()
    # A link past its last day is shown as ended, with nothing left to revoke.
    ended = share_link_create(
        brief=brief, audience="public", expires_on=london_today(), by=scene.lp_member
    )
    ShareLink.objects.filter(pk=ended.pk).update(
        expires_on=london_today() - datetime.timedelta(days=1)
    )
    listed = browser.get(share_page).content.decode()
    assert "Ended" in listed
    assert f"/share-links/{ended.pk}/revoke/" not in listed


def test_a_past_last_day_on_the_page_is_shown_on_the_form():
    scene = brief_scene()
    brief = published(scene)
    browser = Client()
    browser.force_login(scene.lp_member)

    response = browser.post(
        f"/briefs/{brief.pk}/share/",
        {
            "audience": "public",
            "expires_on": (london_today() - datetime.timedelta(days=3)).isoformat(),
        },
    )

    assert response.status_code == 400
    assert "The last day must be today or later." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_share_link_is_offered_only_to_the_learning_partner_of_a_published_brief():
    scene = brief_scene()
    draft = written(scene, drafted(scene))
    browser = Client()
    browser.force_login(scene.lp_member)
    grantee = Client()
    grantee.force_login(scene.grantee_member)

    draft_page = browser.get(reverse("evidence:brief-detail", args=[draft.pk])).content.decode()
    brief_publish(brief=draft, by=scene.lp_member)
    as_grantee = grantee.get(reverse("evidence:brief-detail", args=[draft.pk])).content.decode()

    assert "Share this brief" not in draft_page
    assert "Share this brief" not in as_grantee
    # The page answers as the API does: 403 for another party.
    assert grantee.get(f"/briefs/{draft.pk}/share/").status_code == 403
