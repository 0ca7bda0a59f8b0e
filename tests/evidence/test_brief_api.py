"""The insight briefs API: asking for a brief, reading, editing, publishing, exporting.

Paths, fields and status codes follow ../shared/API.md ("Insight briefs").
"""

import datetime
import json

import pytest
from django.core import mail
from django.db import reset_queries

from evidence.models import Evidence, InsightBrief
from notifications.models import Notification
from partnerships.models import Partnership
from tests.evidence.briefs_scene import (
    OCTOBER,
    SO_WHAT,
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    permit,
    written,
)

pytestmark = pytest.mark.django_db

BRIEF_FIELDS = {
    "id",
    "partnership",
    "period_start",
    "period_end",
    "status",
    "sections",
    "so_what",
    "recommendations",
    "challenges",
    "cited_evidence",
    "redactions",
    "plain_language",
    "published_at",
    # Added to the contract: learning actions reported, and when it was drafted.
    "what_changed",
    "drafted_at",
    # Added: a draft shown without evidence its parties have not shared with the reader.
    "partial_view",
    # Added: the "So what?" scaffold offered while a draft's "so what?" is empty.
    "so_what_scaffold",
    # Added: the learning sessions held in the period, as the reader sees them.
    "sessions_held",
}
SECTION_FIELDS = {
    "question",
    "heading",
    "counts",
    "findings",
    "statistics",
    "quotes",
    "working",
    "not_working",
    "gaps",
    # shared/API.md "Findings in briefs": prompt answers under their labels.
    "reflections",
    # Added to the contract: stories and themes, each with their evidence.
    "stories",
    "themes",
}
# A theme: a phrase found in its evidence, and one item's words ("note" comes with codes).
THEME_FIELDS = {"label", "evidence", "quote"}
OCTOBER_BODY = {"period_start": "2026-10-01", "period_end": "2026-10-31"}


# --- Asking for a brief --------------------------------------------------------------------


def test_learning_partner_asks_for_a_brief_and_a_task_drafts_it(
    django_capture_on_commit_callbacks,
):
    scene = brief_scene()
    item = add_evidence(scene.grantee_party, kind=Evidence.Kind.QUOTE, questions=[scene.q1])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(scene.lp_member).post(
            api("partnership-briefs", pk=scene.partnership.pk), OCTOBER_BODY, format="json"
        )

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "drafting"
    assert body["period_start"] == "2026-10-01"
    assert body["period_end"] == "2026-10-31"
    brief = InsightBrief.objects.get(pk=body["id"])
    assert brief.status == InsightBrief.Status.DRAFT  # the eager task ran after commit
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]


def test_asking_again_for_the_same_period_returns_the_same_brief(
    django_capture_on_commit_callbacks,
):
    scene = brief_scene()
    client = client_for(scene.lp_member)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(api("partnership-briefs", pk=scene.partnership.pk), OCTOBER_BODY)

    second = client.post(
        api("partnership-briefs", pk=scene.partnership.pk), OCTOBER_BODY, format="json"
    )

    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["status"] == "draft"
    assert InsightBrief.objects.filter(partnership=scene.partnership).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": "2026-10-31", "period_end": "2026-10-01"}, "period_end"),
        ({"period_start": "2099-01-01", "period_end": "2099-01-31"}, "period_start"),
        ({"period_start": "2024-01-01", "period_end": "2026-10-31"}, "period_end"),
        ({"period_start": "not a date", "period_end": "2026-10-31"}, "period_start"),
        ({"period_end": "2026-10-31"}, "period_start"),
    ],
)
def test_a_bad_period_is_refused_and_makes_no_brief(body, field):
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-briefs", pk=scene.partnership.pk), body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not InsightBrief.objects.exists()


@pytest.mark.parametrize("who", ["funder_admin", "grantee_admin", "grantee_member"])
def test_only_the_learning_partner_asks_for_a_brief(who):
    scene = brief_scene()

    response = client_for(getattr(scene, who)).post(
        api("partnership-briefs", pk=scene.partnership.pk), OCTOBER_BODY, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the learning partner can ask for an insight brief."}
    assert not InsightBrief.objects.exists()


def test_an_outsider_learns_nothing_about_briefs():
    scene = brief_scene()
    brief = drafted(scene)
    outsider = client_for(scene.outsider)

    responses = [
        outsider.get(api("partnership-briefs", pk=scene.partnership.pk)),
        outsider.post(api("partnership-briefs", pk=scene.partnership.pk), OCTOBER_BODY),
        outsider.get(api("brief-detail", pk=brief.pk)),
        outsider.patch(api("brief-detail", pk=brief.pk), {"so_what": "x"}, format="json"),
        outsider.post(api("brief-publish", pk=brief.pk)),
        outsider.get(api("brief-export", pk=brief.pk) + "?format=pdf"),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    brief.refresh_from_db()
    assert brief.so_what == ""
    assert brief.status == InsightBrief.Status.DRAFT


# --- Reading -----------------------------------------------------------------------------------


def test_a_brief_has_exactly_the_contract_fields():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind=Evidence.Kind.QUOTE, questions=[scene.q1])
    add_evidence(
        scene.grantee_party,
        kind=Evidence.Kind.LEARNING_LOG,
        body="",
        prompts={"learned": "Texts the day before bring people back."},
    )
    for n in range(2):
        add_evidence(scene.grantee_party, body=f"The text reminders helped, week {n}.")
        add_evidence(scene.grantee_party, body=f"Bus fares went up again, week {n}.")
    brief = drafted(scene)

    body = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()

    assert set(body) == BRIEF_FIELDS
    assert body["partnership"] == scene.partnership.pk
    assert [s["question"] for s in body["sections"]] == [None, scene.q1.pk, scene.q2.pk]
    for section in body["sections"]:
        assert set(section) == SECTION_FIELDS
    quote = body["sections"][1]["quotes"][0]
    assert {"text", "attribution", "evidence"} <= set(quote)
    [reflection] = body["sections"][0]["reflections"]
    assert set(reflection) == {"evidence", "prompt", "label", "text"}
    themes = body["sections"][0]["themes"]
    assert themes
    for theme in themes:
        assert set(theme) == THEME_FIELDS
        assert set(theme["quote"]) == {"text", "evidence"}
    assert body["redactions"] == []
    assert body["published_at"] is None


def test_drafts_are_for_the_learning_partner_when_learning_for():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    brief = drafted(scene)

    lp = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk))
    funder = client_for(scene.funder_member).get(api("brief-detail", pk=brief.pk))
    grantee_list = client_for(scene.grantee_member).get(
        api("partnership-briefs", pk=scene.partnership.pk)
    )

    assert lp.status_code == 200
    assert funder.status_code == 404
    assert grantee_list.status_code == 200
    assert grantee_list.json()["count"] == 0


def test_drafts_are_for_every_party_when_learning_with():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    brief = drafted(scene)

    for user in (scene.funder_member, scene.grantee_member, scene.grantee2_admin):
        response = client_for(user).get(api("brief-detail", pk=brief.pk))
        assert response.status_code == 200
        assert response.json()["status"] == "draft"


def test_published_briefs_are_for_every_party():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    brief = drafted(scene)
    written(scene, brief)
    client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    listing = client_for(scene.grantee_member).get(
        api("partnership-briefs", pk=scene.partnership.pk)
    )

    assert listing.status_code == 200
    assert [b["id"] for b in listing.json()["results"]] == [brief.pk]
    assert listing.json()["results"][0]["status"] == "published"


def test_the_brief_list_costs_the_same_queries_for_more_briefs(django_assert_max_num_queries):
    scene = brief_scene()
    client = client_for(scene.lp_member)
    for month in (7, 8):
        add_evidence(scene.grantee_party, occurred_on=datetime.date(2026, month, 3))
        drafted(scene, (datetime.date(2026, month, 1), datetime.date(2026, month, 28)))
    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(14) as small:
        assert client.get(api("partnership-briefs", pk=scene.partnership.pk)).status_code == 200
    few = len(small)
    for month in (9, 10, 11):
        for _ in range(3):
            add_evidence(scene.grantee2_party, occurred_on=datetime.date(2026, month, 3))
        drafted(scene, (datetime.date(2026, month, 1), datetime.date(2026, month, 20)))

    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(few):
        response = client.get(api("partnership-briefs", pk=scene.partnership.pk))

    assert response.json()["count"] == 5


# --- Editing -----------------------------------------------------------------------------------


def test_learning_partner_edits_so_what_recommendations_and_challenges():
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk),
        {
            "so_what": "Young people come back when friends come too.",
            "recommendations": "Fund a bring-a-friend night.",
            "challenges": [
                {"party": str(scene.funder_party.pk), "area": "*", "text": "Fund longer."},
                {"party": scene.grantee_party.pk, "area": scene.q1.pk, "text": "Ask why."},
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["so_what"] == "Young people come back when friends come too."
    assert body["recommendations"] == "Fund a bring-a-friend night."
    assert body["challenges"] == [
        {"party": scene.funder_party.pk, "area": "*", "text": "Fund longer."},
        {"party": scene.grantee_party.pk, "area": scene.q1.pk, "text": "Ask why."},
    ]
    assert body["plain_language"]["reading_ease"] is not None
    assert "There is no “so what?” yet" not in " ".join(body["plain_language"]["warnings"])
    brief.refresh_from_db()
    assert (brief.so_what, brief.recommendations) == (
        "Young people come back when friends come too.",
        "Fund a bring-a-friend night.",
    )
    assert brief.challenges == [
        {"party": scene.funder_party.pk, "area": "*", "text": "Fund longer."},
        {"party": scene.grantee_party.pk, "area": scene.q1.pk, "text": "Ask why."},
    ]
    assert brief.plain_language == body["plain_language"]


@pytest.mark.parametrize(
    "challenge",
    [
        {"party": 999999, "area": "*", "text": "Who?"},
        {"party": "lp", "area": "*", "text": "Who?"},
        {"party": "FUNDER", "area": 999999, "text": "Where?"},
        {"party": "FUNDER", "area": "*", "text": "   "},
        {"party": "LP", "area": "*", "text": "The learning partner cannot challenge itself."},
        "not an object",
    ],
)
def test_bad_challenges_are_refused_and_change_nothing(challenge):
    scene = brief_scene()
    brief = drafted(scene)
    if isinstance(challenge, dict) and challenge["party"] == "FUNDER":
        challenge = {**challenge, "party": scene.funder_party.pk}
    if isinstance(challenge, dict) and challenge["party"] == "LP":
        challenge = {**challenge, "party": scene.lp_party.pk}

    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk),
        {"so_what": "Changed", "challenges": [challenge]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["challenges"][0].startswith("Challenge 1")
    brief.refresh_from_db()
    assert brief.so_what == ""
    assert brief.challenges == []


def test_only_the_learning_partner_edits():
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.grantee_admin).patch(
        api("brief-detail", pk=brief.pk), {"so_what": "Ours now"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the learning partner can edit an insight brief."}
    brief.refresh_from_db()
    assert brief.so_what == ""


def test_unknown_fields_cannot_be_patched():
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk), {"status": "published"}, format="json"
    )

    assert response.status_code == 400
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT


def test_a_published_brief_cannot_be_edited():
    scene = brief_scene()
    brief = drafted(scene)
    client = client_for(scene.lp_member)
    written(scene, brief)
    client.post(api("brief-publish", pk=brief.pk))

    response = client.patch(api("brief-detail", pk=brief.pk), {"so_what": "Late"}, format="json")

    assert response.status_code == 409
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.PUBLISHED
    assert brief.so_what == SO_WHAT


# --- Publishing --------------------------------------------------------------------------------


def test_publishing_is_refused_naming_each_challenge_without_permission():
    scene = brief_scene()
    brief = drafted(scene)
    permit(scene.grantee_party, [scene.q1.pk], ["published_brief"])
    permit(scene.funder_party, ["*"], ["workshop"])
    client = client_for(scene.lp_member)
    client.patch(
        api("brief-detail", pk=brief.pk),
        {
            "challenges": [
                {"party": scene.grantee_party.pk, "area": scene.q1.pk, "text": "Permitted."},
                {"party": scene.funder_party.pk, "area": "*", "text": "Only in workshops."},
                {"party": scene.grantee2_party.pk, "area": scene.q2.pk, "text": "Never asked."},
            ]
        },
        format="json",
    )

    written(scene, brief)
    response = client.post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 409
    detail = response.json()["detail"]
    funder = scene.funder_party.organisation.name
    grantee2 = scene.grantee2_party.organisation.name
    assert f"Challenge 2 names {funder} on its work as a whole" in detail
    assert f"Challenge 3 names {grantee2} on “{scene.q2.text}”" in detail
    assert "Challenge 1" not in detail
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT
    assert brief.published_at is None


def test_publishing_tells_every_party(django_capture_on_commit_callbacks):
    scene = brief_scene()
    brief = drafted(scene)
    permit(scene.grantee_party, ["*"], ["published_brief"])
    client = client_for(scene.lp_member)
    client.patch(
        api("brief-detail", pk=brief.pk),
        {"challenges": [{"party": scene.grantee_party.pk, "area": "*", "text": "Say no more."}]},
        format="json",
    )

    with django_capture_on_commit_callbacks(execute=True):
        written(scene, brief)
        response = client.post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    told = set(
        Notification.objects.filter(kind="brief_published").values_list(
            "recipient__email", flat=True
        )
    )
    everyone = {
        scene.funder_admin.email,
        scene.funder_member.email,
        scene.lp_admin.email,
        scene.lp_member.email,
        scene.grantee_admin.email,
        scene.grantee_member.email,
        scene.grantee2_admin.email,
    }
    assert told == everyone
    assert {m.to[0] for m in mail.outbox if "published" in m.subject} == everyone


def test_publishing_twice_is_a_conflict():
    scene = brief_scene()
    brief = drafted(scene)
    client = client_for(scene.lp_member)
    written(scene, brief)
    client.post(api("brief-publish", pk=brief.pk))
    brief.refresh_from_db()
    published_at = brief.published_at

    written(scene, brief)
    response = client.post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This brief has been published, so it can no longer be changed."
    }
    brief.refresh_from_db()
    assert published_at is not None
    assert (brief.status, brief.published_at, brief.published_by) == (
        InsightBrief.Status.PUBLISHED,
        published_at,
        scene.lp_member,
    )


def test_a_brief_still_drafting_cannot_be_published():
    scene = brief_scene()
    brief = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=OCTOBER[0], period_end=OCTOBER[1]
    )

    written(scene, brief)
    response = client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 409
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFTING


def test_only_the_learning_partner_publishes():
    scene = brief_scene()
    brief = drafted(scene)

    written(scene, brief)
    response = client_for(scene.funder_admin).post(api("brief-publish", pk=brief.pk))

    assert response.status_code == 403
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT


# --- Exports ------------------------------------------------------------------------------------


def test_every_export_format_downloads():
    scene = brief_scene()
    add_evidence(
        scene.grantee_party,
        kind=Evidence.Kind.QUOTE,
        body="The youth club is the only warm place on a Tuesday.",
        questions=[scene.q1],
    )
    brief = drafted(scene)
    client = client_for(scene.grantee_member)
    url = api("brief-export", pk=brief.pk)

    html = client.get(url + "?format=html")
    pdf = client.get(url + "?format=pdf")
    markdown = client.get(url + "?format=md")
    as_json = client.get(url + "?format=json")

    assert html.status_code == 200
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "@media print" in html.content.decode()
    assert "only warm place on a Tuesday" in html.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'attachment; filename="insight-brief-' in pdf["Content-Disposition"]
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.content.decode().startswith("# Insight brief: 1 to 31 October 2026")
    assert "only warm place on a Tuesday" in markdown.content.decode()
    assert json.loads(as_json.content)["id"] == brief.pk


def test_an_unknown_export_format_is_a_bad_request():
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.lp_member).get(api("brief-export", pk=brief.pk) + "?format=docx")

    assert response.status_code == 400
    assert response.json() == {"format": ["Choose html, pdf, md or json."]}


def test_the_previous_period_is_compared():
    scene = brief_scene()
    add_evidence(scene.grantee_party, occurred_on=datetime.date(2026, 9, 5))
    add_evidence(scene.grantee_party, occurred_on=datetime.date(2026, 10, 5))
    add_evidence(scene.grantee_party, occurred_on=datetime.date(2026, 10, 6))
    add_evidence(scene.grantee_party, occurred_on=datetime.date(2026, 8, 31))  # neither

    brief = drafted(scene)
    body = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()

    counts = body["sections"][0]["counts"]
    assert (counts["total"], counts["previous_total"], counts["change"]) == (2, 1, 1)
    assert brief.compared_evidence.count() == 1
