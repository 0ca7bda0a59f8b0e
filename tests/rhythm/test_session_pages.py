"""The learning sessions pages: the Sessions tab, scheduling, changing and cancelling,
a session's page, recording what came out of it, and the dashboard section."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Evidence
from rhythm.models import LearningSession
from rhythm.selectors import next_sessions_for
from tests.evidence.briefs_scene import add_evidence, brief_scene
from tests.rhythm.helpers import LONDON, in_days, in_hours, schedule

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(scene, **extra):
    form = {
        "kind": "action_learning_set",
        "title": "Peer set",
        "day": "2027-03-02",
        "time": "09:30",
        "duration_minutes": "120",
        "parties": [scene.grantee_party.pk, scene.lp_party.pk],
        "prompts": "What is stuck?\n\nWhat will you try?",
    }
    form.update(extra)
    return form


def test_the_learning_partner_schedules_a_session_from_the_page():
    scene = brief_scene()

    response = _client(scene.lp_member).post(
        reverse("rhythm:session-create", args=[scene.partnership.pk]), _form(scene)
    )

    session = LearningSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rhythm:session-detail", args=[session.pk])
    assert session.starts_at == datetime.datetime(2027, 3, 2, 9, 30, tzinfo=LONDON)
    assert session.duration_minutes == 120
    assert session.prompts == ["What is stuck?", "What will you try?"]
    assert set(session.parties.all()) == {scene.grantee_party, scene.lp_party}


def test_the_schedule_form_shows_each_problem_and_saves_nothing():
    scene = brief_scene()

    response = _client(scene.lp_member).post(
        reverse("rhythm:session-create", args=[scene.partnership.pk]),
        _form(scene, title="", duration_minutes="5", parties=[], day="2027-02-31"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Give the session a short title." in page
    assert "A session lasts at least 15 minutes." in page
    assert "Choose at least one organisation to attend." in page
    assert "Enter a real day, like 2026-03-31." in page
    assert not LearningSession.objects.exists()


def test_a_grantee_cannot_open_the_schedule_form_and_an_outsider_finds_nothing():
    scene = brief_scene()
    session = schedule(scene)
    create = reverse("rhythm:session-create", args=[scene.partnership.pk])

    refused = _client(scene.grantee_admin).post(create, _form(scene))
    assert refused.status_code == 403
    assert "learning partner" in refused.content.decode()
    outsider = _client(scene.outsider)
    for url in (
        reverse("rhythm:session-list", args=[scene.partnership.pk]),
        create,
        reverse("rhythm:session-detail", args=[session.pk]),
        reverse("rhythm:session-edit", args=[session.pk]),
        reverse("rhythm:session-cancel", args=[session.pk]),
    ):
        assert outsider.get(url).status_code == 404
    assert LearningSession.objects.count() == 1


def test_the_tab_lists_upcoming_and_held_sessions_the_reader_attends():
    scene = brief_scene()
    schedule(scene, title="Coming soon", starts_at=in_days(5))
    schedule(scene, title="Long ago", starts_at=in_days(-20))
    schedule(scene, title="Not for them", parties=[scene.lp_party])

    page = (
        _client(scene.grantee_member)
        .get(reverse("rhythm:session-list", args=[scene.partnership.pk]))
        .content.decode()
    )

    assert page.index("Coming soon") < page.index("Held") < page.index("Long ago")
    assert "Not for them" not in page
    assert "Schedule a learning session" not in page


def test_the_tab_costs_the_same_queries_at_two_sizes(django_assert_max_num_queries):
    scene = brief_scene()
    client = _client(scene.grantee_member)
    url = reverse("rhythm:session-list", args=[scene.partnership.pk])
    schedule(scene)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for number in range(10):
        schedule(scene, title=f"Session {number}", starts_at=in_days(number - 5))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_moving_a_session_on_its_page_re_arms_the_reminder_and_bumps_the_calendar():
    scene = brief_scene()
    session = schedule(scene, starts_at=in_hours(20))
    LearningSession.objects.filter(pk=session.pk).update(reminded_at=in_hours(-1))

    response = _client(scene.funder_admin).post(
        reverse("rhythm:session-edit", args=[session.pk]),
        _form(scene, kind="reflection", title="Spring reflection"),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.reminded_at, session.sequence, session.kind) == (None, 1, "reflection")


def test_cancelling_on_the_page_says_so_on_the_session():
    scene = brief_scene()
    session = schedule(scene)
    client = _client(scene.lp_member)

    assert client.get(reverse("rhythm:session-cancel", args=[session.pk])).status_code == 200
    response = client.post(reverse("rhythm:session-cancel", args=[session.pk]), follow=True)

    page = response.content.decode()
    assert "is cancelled" in page
    assert "Record what came out of it" not in page
    again = client.post(reverse("rhythm:session-cancel", args=[session.pk]))
    assert again.status_code == 409
    assert "already cancelled" in again.content.decode()


def test_the_session_page_links_its_calendar_and_records_evidence_of_the_matching_kind():
    scene = brief_scene()
    session = schedule(scene, kind=LearningSession.Kind.ACTION_LEARNING_SET)
    mine = add_evidence(scene.grantee_party, session=session, title="Our notes")
    add_evidence(scene.grantee2_party, session=session, title="Their notes")
    client = _client(scene.grantee_member)

    page = client.get(reverse("rhythm:session-detail", args=[session.pk])).content.decode()

    assert reverse("api:session-calendar", args=[session.pk]) in page
    assert "Our notes" in page
    assert "Their notes" not in page  # the other grantee does not share with them
    record = (
        reverse("evidence:evidence-create", args=[scene.partnership.pk])
        + f"?kind=learning_log&amp;session={session.pk}"
    )
    assert record in page
    assert mine.session == session


def test_the_record_page_prefills_the_form_and_links_the_new_item():
    scene = brief_scene()
    session = schedule(scene, kind=LearningSession.Kind.AFTER_ACTION_REVIEW)
    client = _client(scene.grantee_member)
    url = (
        reverse("evidence:evidence-create", args=[scene.partnership.pk])
        + f"?kind=after_action_review&session={session.pk}"
    )

    form_page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "What the review found",
            "prompt_planned": "Ten visits",
            "prompt_happened": "Eight visits",
            "valence": "mixed",
            "attribution": "anonymous",
            "occurred_on": "2026-10-12",
        },
    )

    assert "What does it mean?" in form_page  # the session's prompts, as hints
    assert "Spring reflection" in form_page
    item = Evidence.objects.get()
    assert (item.session, item.kind) == (session, "after_action_review")
    assert response["Location"] == reverse("rhythm:session-detail", args=[session.pk])


def test_the_record_page_refuses_a_session_the_person_may_not_read():
    scene = brief_scene()
    session = schedule(scene, parties=[scene.lp_party])
    url = reverse("evidence:evidence-create", args=[scene.partnership.pk])

    client = _client(scene.grantee_member)
    assert client.get(url + f"?kind=reflection&session={session.pk}").status_code == 404
    assert client.get(url + "?kind=reflection&session=nope").status_code == 404


def test_the_dashboard_lists_the_next_sessions_in_one_query(django_assert_num_queries):
    scene = brief_scene()
    schedule(scene, title="Next one", starts_at=in_days(2))
    schedule(scene, title="Already held", starts_at=in_days(-2))
    gone = schedule(scene, title="Called off", starts_at=in_days(3))
    from rhythm.services import session_cancel

    session_cancel(session=gone, by=scene.lp_member)

    with django_assert_num_queries(1):
        titles = [s.title for s in next_sessions_for(user=scene.grantee_member)]
    page = _client(scene.grantee_member).get("/dashboard/").content.decode()

    assert titles == ["Next one"]
    assert "Your next learning sessions" in page
    assert "Next one" in page
