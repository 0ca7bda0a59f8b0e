"""Learning sessions through the API: who schedules, who reads, the bounds, and the
calendar file parsed back with the library that made it."""

from __future__ import annotations

import datetime

import pytest
from icalendar import Calendar

from notifications.models import Notification
from rhythm.models import LearningSession
from tests.evidence.briefs_scene import api, brief_scene, client_for
from tests.rhythm.helpers import in_days, schedule

pytestmark = pytest.mark.django_db

SESSION_FIELDS = {
    "id",
    "partnership",
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "parties",
    "prompts",
    "status",
    "sequence",
    "cancelled_at",
    "created_at",
    "updated_at",
}


def _body(scene, **extra):
    body = {
        "kind": "after_action_review",
        "title": "Winter review",
        "starts_at": in_days(7).isoformat(),
        "duration_minutes": 60,
    }
    body.update(extra)
    return body


def test_the_learning_partner_schedules_a_session_for_every_accepted_party_by_default():
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-sessions", pk=scene.partnership.pk),
        _body(scene, prompts=["What was planned?", "  ", "What happened?"]),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == SESSION_FIELDS
    accepted = {scene.funder_party.pk, scene.lp_party.pk, scene.grantee_party.pk}
    accepted.add(scene.grantee2_party.pk)
    assert set(body["parties"]) == accepted
    assert (body["kind"], body["title"], body["duration_minutes"], body["status"]) == (
        "after_action_review",
        "Winter review",
        60,
        "scheduled",
    )
    assert body["prompts"] == ["What was planned?", "What happened?"]
    assert body["sequence"] == 0
    # Attendees' people are told, never the person who scheduled it.
    told = set(
        Notification.objects.filter(kind="session_scheduled").values_list("recipient", flat=True)
    )
    assert scene.grantee_admin.pk in told
    assert scene.funder_admin.pk in told
    assert scene.lp_member.pk not in told


def test_the_commissioning_funders_admin_may_schedule_but_not_its_plain_member():
    scene = brief_scene()
    url = api("partnership-sessions", pk=scene.partnership.pk)

    assert client_for(scene.funder_admin).post(url, _body(scene), format="json").status_code == 201
    refused = client_for(scene.funder_member).post(url, _body(scene), format="json")

    assert refused.status_code == 403
    assert "learning partner" in refused.json()["detail"]
    assert LearningSession.objects.count() == 1


@pytest.mark.parametrize("who", ["grantee_admin", "grantee_member"])
def test_a_grantee_may_not_schedule(who):
    scene = brief_scene()

    response = client_for(getattr(scene, who)).post(
        api("partnership-sessions", pk=scene.partnership.pk), _body(scene), format="json"
    )

    assert response.status_code == 403
    assert not LearningSession.objects.exists()


def test_outsiders_get_404_for_the_list_the_session_and_its_calendar():
    scene = brief_scene()
    session = schedule(scene)
    outsider = client_for(scene.outsider)

    assert outsider.get(api("partnership-sessions", pk=scene.partnership.pk)).status_code == 404
    assert (
        outsider.post(
            api("partnership-sessions", pk=scene.partnership.pk), _body(scene), format="json"
        ).status_code
        == 404
    )
    assert outsider.get(api("session-detail", pk=session.pk)).status_code == 404
    assert outsider.get(api("session-calendar", pk=session.pk)).status_code == 404
    assert outsider.post(api("session-cancel", pk=session.pk)).status_code == 404
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_a_party_not_attending_sees_neither_the_session_nor_it_in_the_list():
    scene = brief_scene()
    session = schedule(scene, parties=[scene.lp_party, scene.grantee_party])
    other_grantee = client_for(scene.grantee2_admin)

    assert other_grantee.get(api("session-detail", pk=session.pk)).status_code == 404
    assert other_grantee.get(api("session-calendar", pk=session.pk)).status_code == 404
    listed = other_grantee.get(api("partnership-sessions", pk=scene.partnership.pk)).json()
    assert listed["count"] == 0
    attending = client_for(scene.grantee_member)
    assert attending.get(api("session-detail", pk=session.pk)).status_code == 200
    assert attending.get(api("partnership-sessions", pk=scene.partnership.pk)).json()["count"] == 1
    # Whoever may schedule reads every session, attending or not.
    assert (
        client_for(scene.funder_admin).get(api("session-detail", pk=session.pk)).status_code == 200
    )


def test_attendees_are_only_accepted_parties_of_the_partnership():
    scene = brief_scene()
    stranger = brief_scene().grantee_party
    url = api("partnership-sessions", pk=scene.partnership.pk)

    response = client_for(scene.lp_member).post(
        url, _body(scene, parties=[scene.grantee_party.pk, stranger.pk]), format="json"
    )
    empty = client_for(scene.lp_member).post(url, _body(scene, parties=[]), format="json")

    assert response.status_code == 400
    assert str(stranger.pk) in response.json()["parties"][0]
    assert empty.status_code == 400
    assert empty.json()["parties"] == ["Choose at least one party to attend."]
    assert not LearningSession.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", 14),
        ("duration_minutes", 481),
        ("duration_minutes", 2**70),
        ("kind", "picnic"),
        ("title", "   "),
        ("title", "x" * 201),
        ("starts_at", "2026-13-45T10:00"),
        ("starts_at", "2300-01-01T10:00:00Z"),
        ("prompts", ["x" * 301]),
        ("prompts", ["a"] * 11),
        ("parties", ["one"]),
        ("colour", "blue"),
    ],
)
def test_out_of_bounds_input_is_a_400_that_changes_nothing(field, value):
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-sessions", pk=scene.partnership.pk),
        {**_body(scene), field: value},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not LearningSession.objects.exists()


def _calendar(client, session):
    response = client.get(api("session-calendar", pk=session.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="learning-session-{session.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_calendar_file_parses_back_with_a_stable_uid_and_a_sequence_bumped_on_change():
    scene = brief_scene()
    starts = in_days(10, hour=9)
    session = schedule(scene, starts_at=starts, duration_minutes=45, title="Look back")
    client = client_for(scene.grantee_member)

    calendar, event = _calendar(client, session)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"{session.uid}@learnhub"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Look back"
    assert event.decoded("DTSTART") == starts
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/London"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert "What does it mean?" in str(event["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"

    moved = in_days(11, hour=10)
    patched = client_for(scene.lp_member).patch(
        api("session-detail", pk=session.pk), {"starts_at": moved.isoformat()}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["sequence"] == 1
    calendar, event = _calendar(client, session)
    assert str(event["UID"]) == f"{session.uid}@learnhub"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == moved


def test_a_cancelled_session_is_a_cancel_in_its_calendar_and_cannot_change():
    scene = brief_scene()
    session = schedule(scene)

    response = client_for(scene.lp_member).post(api("session-cancel", pk=session.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["sequence"] == 1
    calendar, event = _calendar(client_for(scene.grantee_member), session)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    told = Notification.objects.filter(kind="session_cancelled")
    assert scene.grantee_member.pk in set(told.values_list("recipient", flat=True))
    assert scene.lp_member.pk not in set(told.values_list("recipient", flat=True))
    again = client_for(scene.lp_member).post(api("session-cancel", pk=session.pk))
    assert again.status_code == 409
    changed = client_for(scene.lp_member).patch(
        api("session-detail", pk=session.pk), {"title": "New"}, format="json"
    )
    assert changed.status_code == 409
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Spring reflection", 1)


def test_a_grantee_may_not_change_or_cancel_a_session_it_attends():
    scene = brief_scene()
    session = schedule(scene)
    grantee = client_for(scene.grantee_admin)

    patched = grantee.patch(api("session-detail", pk=session.pk), {"title": "Ours"}, format="json")
    cancelled = grantee.post(api("session-cancel", pk=session.pk))

    assert (patched.status_code, cancelled.status_code) == (403, 403)
    session.refresh_from_db()
    assert (session.title, session.cancelled_at, session.sequence) == ("Spring reflection", None, 0)


def test_the_calendar_answers_a_client_asking_for_text_calendar():
    scene = brief_scene()
    session = schedule(scene)

    response = client_for(scene.grantee_member).get(
        api("session-calendar", pk=session.pk), HTTP_ACCEPT="text/calendar"
    )

    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_the_list_costs_the_same_queries_at_two_sizes(django_assert_max_num_queries):
    scene = brief_scene()
    client = client_for(scene.grantee_member)
    url = api("partnership-sessions", pk=scene.partnership.pk)
    schedule(scene)
    with django_assert_max_num_queries(9):
        small = client.get(url)
    for number in range(12):
        schedule(scene, title=f"Session {number}", parties=[scene.grantee_party, scene.lp_party])
    with django_assert_max_num_queries(9):
        large = client.get(url)

    assert (small.json()["count"], large.json()["count"]) == (1, 13)


def test_a_party_added_later_is_told_and_then_reads_the_session():
    scene = brief_scene()
    session = schedule(scene, parties=[scene.lp_party, scene.grantee_party])
    url = api("session-detail", pk=session.pk)
    assert client_for(scene.grantee2_admin).get(url).status_code == 404

    response = client_for(scene.lp_member).patch(
        url,
        {"parties": [scene.lp_party.pk, scene.grantee_party.pk, scene.grantee2_party.pk]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    told = Notification.objects.filter(kind="session_scheduled", recipient=scene.grantee2_admin)
    assert told.count() == 1
    assert client_for(scene.grantee2_admin).get(url).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"duration_minutes": 0}, {"parties": []}, {"starts_at": "soon"}, {"uid": "mine"}],
)
def test_a_change_out_of_bounds_is_a_400_that_changes_nothing(change):
    scene = brief_scene()
    session = schedule(scene)

    response = client_for(scene.lp_member).patch(
        api("session-detail", pk=session.pk), change, format="json"
    )

    assert response.status_code == 400
    session.refresh_from_db()
    assert (session.sequence, session.duration_minutes, session.parties.count()) == (0, 90, 4)
