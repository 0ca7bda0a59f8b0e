"""Comments on draft briefs (issue 16, item 3): who comments, what is refused, who is told,
and where open comments are listed (the publish check and the dashboard)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from evidence.models import BriefComment, InsightBrief
from evidence.selectors.comments import comments_waiting_for
from evidence.services.briefs import brief_publish
from notifications.models import Notification
from partnerships.models import Partnership
from tests.evidence.briefs_scene import (
    BriefScene,
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    written,
)

pytestmark = pytest.mark.django_db

WITH = Partnership.LearningMode.LEARNING_WITH
FOR = Partnership.LearningMode.LEARNING_FOR
CLOSED = "Comments are closed once a brief is published."


def _with_scene() -> tuple[BriefScene, InsightBrief]:
    scene = brief_scene(learning_mode=WITH)
    add_evidence(scene.grantee_party, title="Evening sessions are full", body="Busy nights.")
    return scene, drafted(scene)


def _comment(user: User, brief: InsightBrief, **body: Any) -> Any:
    body.setdefault("text", "Could this say which club the quotes came from?")
    return client_for(user).post(api("brief-comments", pk=brief.pk), body, format="json")


def _page(user: User, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


# --- Writing and reading comments through the API -----------------------------------------------


def test_a_grantee_comments_on_a_section_when_the_partnership_learns_with_its_parties():
    scene, brief = _with_scene()
    heading = brief.sections[1]["heading"]

    response = _comment(scene.grantee_member, brief, section=1, text="  Add the Saturday club.  ")

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {
        "id",
        "author",
        "organisation",
        "section",
        "text",
        "created_at",
        "resolved_at",
    }
    assert body["author"] == scene.grantee_member.display_name
    assert body["organisation"] == scene.grantee_party.organisation.name
    assert body["section"] == 1
    assert body["section_heading"] == heading
    assert body["text"] == "Add the Saturday club."
    assert body["resolved_at"] is None
    saved = BriefComment.objects.get(pk=body["id"])
    assert (saved.brief_id, saved.party_id, saved.author_id, saved.section) == (
        brief.pk,
        scene.grantee_party.pk,
        scene.grantee_member.pk,
        1,
    )


def test_every_reader_of_the_draft_lists_its_comments_oldest_first():
    scene, brief = _with_scene()
    first = _comment(scene.grantee_member, brief, section=None, text="On the whole brief.").json()
    second = _comment(scene.funder_admin, brief, section=0, text="On the overview.").json()

    for user in (scene.lp_member, scene.funder_member, scene.grantee2_admin):
        response = client_for(user).get(api("brief-comments", pk=brief.pk))
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["results"]] == [first["id"], second["id"]]
    assert second["organisation"] == scene.funder_party.organisation.name
    assert first["section"] is None


def test_in_learning_for_mode_only_the_learning_partner_comments_and_others_get_404():
    scene = brief_scene(learning_mode=FOR)
    brief = drafted(scene)

    refused = [
        _comment(user, brief).status_code
        for user in (scene.grantee_member, scene.grantee_admin, scene.funder_admin)
    ]
    listed = [
        client_for(user).get(api("brief-comments", pk=brief.pk)).status_code
        for user in (scene.grantee_member, scene.funder_member)
    ]
    allowed = _comment(scene.lp_member, brief, section=0)

    assert refused == [404, 404, 404]
    assert listed == [404, 404]
    assert allowed.status_code == 201
    assert list(BriefComment.objects.values_list("author_id", flat=True)) == [scene.lp_member.pk]


def test_an_outsider_gets_404_everywhere_and_nothing_is_written():
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief).json()
    outsider = client_for(scene.outsider)

    assert _comment(scene.outsider, brief).status_code == 404
    assert outsider.get(api("brief-comments", pk=brief.pk)).status_code == 404
    assert outsider.post(api("comment-resolve", pk=comment["id"])).status_code == 404
    assert BriefComment.objects.count() == 1
    assert BriefComment.objects.get().resolved_at is None


def test_in_learning_for_mode_a_grantee_cannot_resolve_even_a_comment_it_may_not_see():
    scene = brief_scene(learning_mode=FOR)
    brief = drafted(scene)
    comment = _comment(scene.lp_member, brief).json()

    response = client_for(scene.grantee_admin).post(api("comment-resolve", pk=comment["id"]))

    assert response.status_code == 404
    assert BriefComment.objects.get().resolved_at is None


def test_only_the_learning_partner_resolves_and_resolving_twice_is_harmless():
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief, section=0).json()
    url = api("comment-resolve", pk=comment["id"])

    refused = [
        client_for(user).post(url)
        for user in (scene.grantee_member, scene.grantee_admin, scene.funder_admin)
    ]
    assert BriefComment.objects.get().resolved_at is None
    first = client_for(scene.lp_member).post(url)
    again = client_for(scene.lp_admin).post(url)

    assert [r.status_code for r in refused] == [403, 403, 403]
    assert refused[0].json()["detail"] == "Only the learning partner can resolve comments."
    assert first.status_code == 200
    assert again.status_code == 200
    assert first.json()["resolved_at"] is not None
    assert again.json()["resolved_at"] == first.json()["resolved_at"]
    assert again.json()["resolved_by"] == scene.lp_member.display_name
    saved = BriefComment.objects.get()
    assert saved.resolved_by_id == scene.lp_member.pk


def test_a_published_brief_takes_no_comments_but_its_old_ones_stay_readable():
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief).json()
    brief_publish(brief=written(scene, brief), by=scene.lp_member)

    refused = _comment(scene.grantee_member, brief)
    listing = client_for(scene.funder_member).get(api("brief-comments", pk=brief.pk))

    assert refused.status_code == 409
    assert refused.json()["detail"] == CLOSED
    assert BriefComment.objects.count() == 1
    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["results"]] == [comment["id"]]


def test_a_published_brief_in_learning_for_mode_keeps_its_comments_from_the_other_parties():
    scene = brief_scene(learning_mode=FOR)
    brief = drafted(scene)
    _comment(scene.lp_member, brief)
    brief_publish(brief=written(scene, brief), by=scene.lp_member)

    grantee = client_for(scene.grantee_member)
    assert grantee.get(api("brief-detail", pk=brief.pk)).status_code == 200
    assert grantee.get(api("brief-comments", pk=brief.pk)).status_code == 404
    assert client_for(scene.lp_admin).get(api("brief-comments", pk=brief.pk)).status_code == 200


def test_a_brief_still_being_drafted_takes_no_comments():
    scene, brief = _with_scene()
    InsightBrief.objects.filter(pk=brief.pk).update(status=InsightBrief.Status.DRAFTING)

    response = _comment(scene.grantee_member, brief)

    assert response.status_code == 409
    assert BriefComment.objects.count() == 0


@pytest.mark.parametrize(
    "section",
    [-1, 3, 999, 1000, 10**12, "abc", "1.5", 1.5, True, [], {}, "", "9" * 5000],
)
def test_a_section_the_brief_does_not_have_is_a_400_and_nothing_is_written(section: Any):
    scene, brief = _with_scene()
    assert len(brief.sections) == 3  # the partnership as a whole and two questions

    response = _comment(scene.grantee_member, brief, section=section)

    assert response.status_code == 400
    assert "section" in response.json()
    assert BriefComment.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write your comment."),
        ("   \n ", "Write your comment."),
        (None, "Write your comment."),
        ("x" * 2001, "Keep your comment to 2,000 characters or fewer."),
        ("Null \x00 byte", None),  # the JSON parser refuses it first
        (["a list"], None),
        ({"an": "object"}, None),
    ],
)
def test_missing_or_too_long_text_is_a_400_and_nothing_is_written(text: Any, message: str | None):
    scene, brief = _with_scene()

    response = _comment(scene.grantee_member, brief, text=text)

    assert response.status_code == 400
    if message is not None:
        assert response.json()["text"] == [message]
    assert BriefComment.objects.count() == 0


def test_text_without_a_text_field_is_a_400_and_a_comment_of_exactly_the_limit_is_kept():
    scene, brief = _with_scene()
    client = client_for(scene.grantee_member)

    missing = client.post(api("brief-comments", pk=brief.pk), {"section": 0}, format="json")
    longest = _comment(scene.grantee_member, brief, text="y" * 2000)

    assert missing.status_code == 400
    assert missing.json()["text"] == ["Write your comment."]
    assert longest.status_code == 201
    assert len(BriefComment.objects.get().text) == 2000


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/briefs/0/comments/",
        "/api/v1/briefs/-1/comments/",
        "/api/v1/briefs/abc/comments/",
        "/api/v1/briefs/99999999999999999999/comments/",
        "/api/v1/briefs/9223372036854775807/comments/",
        "/api/v1/comments/0/resolve/",
        "/api/v1/comments/abc/resolve/",
        "/api/v1/comments/99999999999999999999/resolve/",
        "/api/v1/comments/9223372036854775807/resolve/",
    ],
)
def test_malformed_or_unknown_ids_are_404(path: str):
    scene, _brief = _with_scene()
    client = client_for(scene.lp_member)

    assert client.get(path).status_code in (404, 405)
    assert client.post(path, {"text": "Hello"}, format="json").status_code == 404


# --- Who is told --------------------------------------------------------------------------------


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_grantee_comment_tells_the_learning_partner_and_the_funder_by_app_and_email(
    django_capture_on_commit_callbacks: Any,
):
    scene, brief = _with_scene()

    with django_capture_on_commit_callbacks(execute=True):
        response = _comment(scene.grantee_member, brief, section=1, text="Add the Saturday club.")

    expected = {
        scene.lp_admin.email,
        scene.lp_member.email,
        scene.funder_admin.email,
        scene.funder_member.email,
    }
    assert response.status_code == 201
    assert _told("brief_comment") == expected
    notification = Notification.objects.filter(kind="brief_comment").first()
    assert notification is not None
    assert "Add the Saturday club." in notification.body
    assert scene.grantee_member.display_name in notification.body
    assert notification.url == f"/briefs/{brief.pk}/#comment-{response.json()['id']}"
    emails = [m for m in mail.outbox if "New comment on the draft brief" in m.subject]
    assert {m.to[0] for m in emails} == expected
    assert all("Add the Saturday club." in m.body for m in emails)


def test_the_author_is_never_told_of_their_own_comment(django_capture_on_commit_callbacks: Any):
    scene, brief = _with_scene()

    with django_capture_on_commit_callbacks(execute=True):
        _comment(scene.lp_member, brief)

    assert _told("brief_comment") == {
        scene.lp_admin.email,
        scene.funder_admin.email,
        scene.funder_member.email,
    }
    assert scene.lp_member.email not in {m.to[0] for m in mail.outbox}


def test_in_learning_for_mode_the_funder_who_cannot_read_the_draft_is_not_told(
    django_capture_on_commit_callbacks: Any,
):
    scene = brief_scene(learning_mode=FOR)
    brief = drafted(scene)

    with django_capture_on_commit_callbacks(execute=True):
        _comment(scene.lp_member, brief)

    assert _told("brief_comment") == {scene.lp_admin.email}
    assert {m.to[0] for m in mail.outbox} == {scene.lp_admin.email}


def test_resolving_tells_the_author_once(django_capture_on_commit_callbacks: Any):
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief, section=2).json()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(scene.lp_member).post(api("comment-resolve", pk=comment["id"]))
        client_for(scene.lp_member).post(api("comment-resolve", pk=comment["id"]))

    assert list(
        Notification.objects.filter(kind="brief_comment_resolved").values_list(
            "recipient__email", flat=True
        )
    ) == [scene.grantee_member.email]
    assert [m.to[0] for m in mail.outbox if "is resolved" in m.subject] == [
        scene.grantee_member.email
    ]


# --- The pages ----------------------------------------------------------------------------------


def test_a_grantee_comments_on_a_section_from_the_draft_page():
    scene, brief = _with_scene()
    client = Client()
    client.force_login(scene.grantee_member)

    response = client.post(
        reverse("evidence:brief-comment", args=[brief.pk]),
        {"section": "1", "text": "Add the Saturday club."},
    )

    comment = BriefComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/briefs/{brief.pk}/#comment-{comment.pk}"
    assert comment.section == 1
    status, page = _page(scene.grantee_member, f"/briefs/{brief.pk}/")
    assert status == 200
    assert f'id="comment-{comment.pk}"' in page
    assert "Add the Saturday club." in page
    assert "Mark as resolved" not in page
    assert "Comment on this section" in page
    _, lp_page = _page(scene.lp_member, f"/briefs/{brief.pk}/")
    assert "Mark as resolved" in lp_page
    assert "1 comment on this draft is waiting for an answer" in lp_page


def test_the_page_form_shows_an_error_and_keeps_nothing_for_blank_text():
    scene, brief = _with_scene()
    client = Client()
    client.force_login(scene.grantee_member)

    response = client.post(
        reverse("evidence:brief-comment", args=[brief.pk]), {"section": "2", "text": "  "}
    )

    assert response.status_code == 400
    assert "Write your comment." in response.content.decode()
    assert BriefComment.objects.count() == 0


@pytest.mark.parametrize("section", ["7", "-1", "abc", "99999999999"])
def test_the_page_form_refuses_a_section_the_brief_does_not_have(section: str):
    scene, brief = _with_scene()
    client = Client()
    client.force_login(scene.grantee_member)

    response = client.post(
        reverse("evidence:brief-comment", args=[brief.pk]), {"section": section, "text": "Hi"}
    )

    assert response.status_code == 400
    assert "Choose a section of this brief" in response.content.decode()
    assert BriefComment.objects.count() == 0


def test_the_learning_partner_resolves_from_the_page_and_the_grantee_page_is_refused():
    scene, brief = _with_scene()
    comment_id = _comment(scene.grantee_member, brief).json()["id"]
    url = reverse("evidence:comment-resolve", args=[comment_id])
    grantee, lp = Client(), Client()
    grantee.force_login(scene.grantee_member)
    lp.force_login(scene.lp_member)

    refused = grantee.post(url)
    assert BriefComment.objects.get().resolved_at is None
    done = lp.post(url, {"next": "publish"})

    assert refused.status_code == 403
    assert done.status_code == 302
    assert done["Location"] == f"/briefs/{brief.pk}/publish/"
    assert BriefComment.objects.get().resolved_by_id == scene.lp_member.pk


def test_a_published_brief_page_shows_old_comments_without_a_form():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief, text="Please add the Saturday club.")
    brief_publish(brief=written(scene, brief), by=scene.lp_member)

    _, page = _page(scene.funder_member, f"/briefs/{brief.pk}/")

    assert "Please add the Saturday club." in page
    assert "Comment on this section" not in page
    assert "Add comment" not in page
    assert "Comments on the whole brief (1)" in page
    assert "Comments on this section" not in page  # no empty headings once published


def test_the_publish_check_lists_open_comments_and_stops_listing_resolved_ones():
    scene, brief = _with_scene()
    heading = brief.sections[1]["heading"]
    open_one = _comment(scene.grantee_member, brief, section=1, text="Name the clubs.").json()
    done = _comment(scene.funder_admin, brief, section=None, text="Shorter please.").json()
    client_for(scene.lp_member).post(api("comment-resolve", pk=done["id"]))

    status, page = _page(scene.lp_member, f"/briefs/{brief.pk}/publish/")

    assert status == 200
    assert "1 comment is waiting for an answer" in page
    assert "Name the clubs." in page
    assert f"/briefs/{brief.pk}/#comment-{open_one['id']}" in page
    assert f"“{heading}”" in page
    assert "Shorter please." not in page

    client_for(scene.lp_member).post(api("comment-resolve", pk=open_one["id"]))
    _, page = _page(scene.lp_member, f"/briefs/{brief.pk}/publish/")
    assert "waiting for an answer" not in page
    assert "Name the clubs." not in page


def test_open_comments_do_not_stop_the_brief_being_published():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief)
    written(scene, brief)

    response = client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_exports_never_carry_comments():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief, text="Only for the people reading the draft.")
    client = Client()
    client.force_login(scene.lp_member)

    for fmt in ("html", "md", "json"):
        response = client.get(reverse("evidence:brief-download", args=[brief.pk, fmt]))
        assert response.status_code == 200
        assert b"Only for the people reading the draft." not in response.content


# --- The dashboard ------------------------------------------------------------------------------


def test_the_dashboard_tells_the_learning_partner_and_funder_of_open_comments():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief)
    _comment(scene.grantee_admin, brief, section=0)

    _, lp = _page(scene.lp_member, "/dashboard/")
    _, funder = _page(scene.funder_member, "/dashboard/")
    _, grantee = _page(scene.grantee2_admin, "/dashboard/")

    assert "Comments waiting for an answer" in lp
    assert "2 comments on the draft brief" in lp
    assert "Answer them, then mark each one as resolved." in lp
    assert "Comments waiting for an answer" in funder
    assert "The learning partner will answer them." in funder
    assert "Comments waiting for an answer" not in grantee


def test_resolved_comments_and_published_briefs_leave_the_dashboard():
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief).json()
    client_for(scene.lp_member).post(api("comment-resolve", pk=comment["id"]))

    assert "Comments waiting for an answer" not in _page(scene.lp_member, "/dashboard/")[1]

    _comment(scene.grantee_member, brief)
    brief_publish(brief=written(scene, brief), by=scene.lp_member)
    assert "Comments waiting for an answer" not in _page(scene.lp_member, "/dashboard/")[1]


def test_in_learning_for_mode_the_funder_dashboard_says_nothing_of_comments():
    scene = brief_scene(learning_mode=FOR)
    brief = drafted(scene)
    _comment(scene.lp_member, brief)

    assert [b.pk for b in comments_waiting_for(user=scene.lp_admin)] == [brief.pk]
    assert list(comments_waiting_for(user=scene.funder_admin)) == []


def _more_briefs_with_comments(scene: BriefScene, months: range) -> None:
    for month in months:
        period = (datetime.date(2026, month, 1), datetime.date(2026, month, 28))
        brief = drafted(scene, period)
        for section in (None, 0, 1):
            _comment(scene.grantee_member, brief, section=section)


def test_the_dashboard_section_is_one_query_however_many_briefs_wait(
    django_assert_num_queries: Any,
):
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief)

    with django_assert_num_queries(1):
        few = list(comments_waiting_for(user=scene.lp_member))
    _more_briefs_with_comments(scene, range(3, 9))
    with django_assert_num_queries(1):
        many = list(comments_waiting_for(user=scene.lp_member))

    assert [b.open_comments for b in few] == [1]  # type: ignore[attr-defined]
    assert len(many) == 7


def _queries(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # the session and caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_with_more_waiting_comments():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief)
    few = _queries(scene.lp_member, "/dashboard/")

    _more_briefs_with_comments(scene, range(3, 9))
    many = _queries(scene.lp_member, "/dashboard/")

    assert many == few


def test_the_draft_page_and_the_comment_list_cost_the_same_queries_with_more_comments():
    scene, brief = _with_scene()
    _comment(scene.grantee_member, brief, section=0)
    page_few = _queries(scene.lp_member, f"/briefs/{brief.pk}/")
    publish_few = _queries(scene.lp_member, f"/briefs/{brief.pk}/publish/")
    api_few = _queries(scene.lp_member, api("brief-comments", pk=brief.pk))

    for user in (scene.funder_admin, scene.grantee_admin, scene.grantee2_admin):
        for section in (None, 0, 1, 2):
            _comment(user, brief, section=section)

    assert _queries(scene.lp_member, f"/briefs/{brief.pk}/") == page_few
    assert _queries(scene.lp_member, f"/briefs/{brief.pk}/publish/") == publish_few
    assert _queries(scene.lp_member, api("brief-comments", pk=brief.pk)) == api_few


# --- Its author rewords or takes back an open comment --------------------------------------------


def test_the_author_rewords_and_deletes_their_open_comment_and_nobody_else_can():
    scene, brief = _with_scene()
    comment = _comment(scene.grantee_member, brief, section=0).json()
    url = api("comment-detail", pk=comment["id"])

    refused = [
        client_for(user).patch(url, {"text": "Changed by someone else."}, format="json")
        for user in (scene.grantee_admin, scene.lp_member, scene.funder_admin)
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert refused[0].json()["detail"] == "Only its author can change or delete a comment."
    assert client_for(scene.lp_admin).delete(url).status_code == 403
    assert client_for(scene.outsider).delete(url).status_code == 404
    assert BriefComment.objects.get().text == "Could this say which club the quotes came from?"

    author = client_for(scene.grantee_member)
    reworded = author.patch(url, {"text": "  Name the clubs, please. "}, format="json")
    assert reworded.status_code == 200
    assert reworded.json()["text"] == "Name the clubs, please."
    assert author.patch(url, {"text": " "}, format="json").status_code == 400
    assert BriefComment.objects.get().text == "Name the clubs, please."
    assert author.delete(url).status_code == 204
    assert BriefComment.objects.count() == 0


def test_a_resolved_comment_or_one_on_a_published_brief_stays_as_it_is():
    scene, brief = _with_scene()
    resolved = _comment(scene.grantee_member, brief, text="Resolved one.").json()
    still_open = _comment(scene.grantee_member, brief, text="Open one.").json()
    client_for(scene.lp_member).post(api("comment-resolve", pk=resolved["id"]))
    author = client_for(scene.grantee_member)

    kept = author.delete(api("comment-detail", pk=resolved["id"]))
    brief_publish(brief=written(scene, brief), by=scene.lp_member)
    closed = author.patch(
        api("comment-detail", pk=still_open["id"]), {"text": "Changed."}, format="json"
    )

    assert kept.status_code == 409
    assert kept.json()["detail"].startswith("This comment is resolved")
    assert closed.status_code == 409
    assert closed.json()["detail"] == CLOSED
    assert sorted(BriefComment.objects.values_list("text", flat=True)) == [
        "Open one.",
        "Resolved one.",
    ]


def test_the_author_deletes_their_comment_from_the_draft_page():
    scene, brief = _with_scene()
    comment_id = _comment(scene.grantee_member, brief).json()["id"]
    _, page = _page(scene.grantee_member, f"/briefs/{brief.pk}/")
    _, colleague_page = _page(scene.grantee_admin, f"/briefs/{brief.pk}/")
    assert "Delete your comment" in page
    assert "Delete your comment" not in colleague_page
    colleague = Client()
    colleague.force_login(scene.grantee_admin)
    assert colleague.post(f"/comments/{comment_id}/delete/").status_code == 403
    author = Client()
    author.force_login(scene.grantee_member)

    response = author.post(f"/comments/{comment_id}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/briefs/{brief.pk}/"
    assert BriefComment.objects.count() == 0


def test_a_page_comment_in_error_is_shown_again_in_its_own_section_with_an_error_summary():
    scene, brief = _with_scene()
    client = Client()
    client.force_login(scene.grantee_member)

    response = client.post(
        reverse("evidence:brief-comment", args=[brief.pk]), {"section": "2", "text": "x" * 2001}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert 'href="#id_comment_2_text"' in page  # the error summary links to the field
    assert 'id="id_comment_2_text"' in page
    assert "Keep your comment to 2,000 characters or fewer." in page
    assert page.count("x" * 2001) == 1  # what was written is not lost


def test_comments_follow_their_section_when_drafting_again_moves_it():
    scene, brief = _with_scene()
    first_question = brief.sections[1]["heading"]
    on_first = _comment(scene.grantee_member, brief, section=1, text="About the first.").json()
    gone = _comment(scene.grantee_member, brief, section=2, text="About the second.").json()
    # Drafting again put a new section before the first question and dropped the second.
    sections = list(brief.sections)
    moved = [sections[0], {**sections[2], "heading": "A new question"}, sections[1]]
    InsightBrief.objects.filter(pk=brief.pk).update(sections=moved)

    _, page = _page(scene.lp_member, f"/briefs/{brief.pk}/")

    in_section = page.split('id="comments-2"')[1].split('id="comments-whole"')[0]
    whole = page.split('id="comments-whole"')[1]
    assert f'id="comment-{on_first["id"]}"' in in_section
    assert f"“{first_question}”" not in whole
    assert f'id="comment-{gone["id"]}"' in whole
    assert "On a section that this brief no longer has" in whole
