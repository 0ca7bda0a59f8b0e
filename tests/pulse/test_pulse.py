"""The pulse as people use it, through the API and the Pulse tab: answered once a period,
results only for the whole partnership, once the period has ended with 5 answers or more,
nothing that ties an answer to a person, and a low or falling result flagged to the
learning partner once."""

import re
from datetime import date, timedelta

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from learnhub.periods import last_ended_period, london_today
from notifications.models import Notification
from partnerships.models import Partnership
from pulse.models import PulseAnswer, PulseAnswered, PulseFlag
from pulse.selectors import pulse_results
from pulse.services import pulse_answer, pulse_flags_sweep
from pulse.tasks import flag_periods
from tests.partnerships.factories import add_member, add_party, admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db

GOOD = {"speak_up": 4, "not_working_safe": 4, "heard": 5}


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_partnership_scene()


def people(scene) -> list:  # type: ignore[no-untyped-def]
    """The six people of the scene's accepted parties."""
    return [
        scene.funder_admin,
        scene.funder_member,
        scene.lp_admin,
        scene.lp_member,
        scene.grantee_admin,
        scene.grantee_member,
    ]


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def page(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_url(scene) -> str:  # type: ignore[no-untyped-def]
    return reverse("api:pulse", kwargs={"partnership_pk": scene.partnership.pk})


def page_url(scene) -> str:  # type: ignore[no-untyped-def]
    return reverse("pulse:pulse", kwargs={"partnership_pk": scene.partnership.pk})


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def answer(user, scene, answers=GOOD, comment: str = ""):  # type: ignore[no-untyped-def]
    return api(user).post(api_url(scene), {"answers": answers, "comment": comment}, format="json")


def answer_all(scene, count: int, answers=GOOD, comments=()):  # type: ignore[no-untyped-def]
    comments = list(comments) + [""] * count
    for person, comment in zip(people(scene)[:count], comments, strict=False):
        assert answer(person, scene, answers, comment).status_code == 201


def answer_last_period(scene, count: int, answers=GOOD, comments=()):  # type: ignore[no-untyped-def]
    """``count`` people answered the period that ended last (so its results may show)."""
    last = last_ended_period(london_today(), scene.partnership.brief_cadence)
    comments = list(comments) + [""] * count
    for person, comment in zip(people(scene)[:count], comments, strict=False):
        pulse_answer(
            partnership=scene.partnership,
            answers=answers,
            comment=comment,
            by=person,
            today=last.start,
        )
    return last


# --- Answering ---------------------------------------------------------------------------


def test_an_answer_comes_back_with_nothing_that_names_the_person(scene) -> None:
    response = answer(scene.grantee_member, scene, comment="  Meetings feel open.  ")

    assert response.status_code == 201
    assert set(response.json()) == {"period_start", "period_end", "answered"}
    assert response.json()["answered"] is True
    stored = PulseAnswer.objects.get()
    assert (stored.speak_up, stored.not_working_safe, stored.heard) == (4, 4, 5)
    assert stored.comment == "Meetings feel open."
    assert PulseAnswered.objects.filter(user=scene.grantee_member).count() == 1


def test_a_second_answer_in_the_same_period_is_a_conflict_that_changes_nothing(scene) -> None:
    assert answer(scene.grantee_member, scene).status_code == 201

    again = answer(scene.grantee_member, scene, {"speak_up": 1, "not_working_safe": 1, "heard": 1})

    assert again.status_code == 409
    assert PulseAnswer.objects.count() == 1
    assert PulseAnswer.objects.get().speak_up == 4
    assert PulseAnswered.objects.count() == 1


def test_the_page_answers_once_then_thanks_without_saying_what(scene) -> None:
    client = page(scene.grantee_member)
    form = {"speak_up": "2", "not_working_safe": "3", "heard": "4", "comment": "Hard month."}

    response = client.post(page_url(scene), form)

    assert response.status_code == 302
    shown = client.get(page_url(scene))
    assert "You answered this period’s pulse — thank you." in text_of(shown)
    assert 'name="speak_up"' not in shown.content.decode()
    assert "Hard month." not in shown.content.decode()
    again = client.post(page_url(scene), form)
    assert again.status_code == 409
    assert PulseAnswer.objects.count() == 1


def test_the_form_warns_people_not_to_name_themselves(scene) -> None:
    text = text_of(page(scene.grantee_member).get(page_url(scene)))

    assert "Do not write your name, your organisation" in text
    assert "I can say what is not working without it counting against us." in text


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"speak_up": 0, "not_working_safe": 3, "heard": 3}, "speak_up"),
        ({"speak_up": 3, "not_working_safe": 6, "heard": 3}, "not_working_safe"),
        ({"speak_up": 3, "not_working_safe": 3, "heard": "loud"}, "heard"),
        ({"speak_up": 3, "not_working_safe": 3}, "heard"),
        ({"speak_up": 3, "not_working_safe": 3, "heard": 3, "mood": 2}, "mood"),
    ],
)
def test_answers_off_the_scale_are_refused(scene, answers, field) -> None:
    response = answer(scene.grantee_member, scene, answers)

    assert response.status_code == 400
    assert field in response.json()["answers"]
    assert PulseAnswer.objects.count() == 0
    assert PulseAnswered.objects.count() == 0


def test_a_comment_too_long_is_refused(scene) -> None:
    response = answer(scene.grantee_member, scene, comment="x" * 1001)

    assert response.status_code == 400
    assert "comment" in response.json()
    assert PulseAnswered.objects.count() == 0


def test_a_closed_partnership_takes_no_answers(scene) -> None:
    Partnership.objects.filter(pk=scene.partnership.pk).update(status=Partnership.Status.CLOSED)

    assert answer(scene.grantee_member, scene).status_code == 409
    assert PulseAnswered.objects.count() == 0


def test_outsiders_and_invited_parties_find_no_pulse(scene) -> None:
    invited = add_party(scene.partnership, accepted=False)
    answer_all(scene, 5)
    for person in (scene.outsider, admin_of(invited.organisation)):
        assert api(person).get(api_url(scene)).status_code == 404
        assert answer(person, scene).status_code == 404
        assert page(person).get(page_url(scene)).status_code == 404
        assert page(person).post(page_url(scene), {"speak_up": "1"}).status_code == 404
    assert PulseAnswer.objects.count() == 5
    assert PulseAnswered.objects.count() == 5


# --- Results: k-anonymity ---------------------------------------------------------------


def test_four_answers_show_only_the_count(scene) -> None:
    answer_all(scene, 4, comments=["Our funder listens."])

    results = api(scene.lp_member).get(api_url(scene)).json()

    assert len(results) == 1
    assert results[0]["responses"] == 4
    assert results[0]["scores"] is None
    assert results[0]["distribution"] is None
    assert results[0]["comments"] is None
    shown = page(scene.lp_member).get(page_url(scene))
    assert "Results show after this period ends" in text_of(shown)
    assert "(4 so far)" in text_of(shown)
    assert "Our funder listens." not in shown.content.decode()
    assert "<svg" not in shown.content.decode()


def test_an_open_period_shows_only_its_count_however_many_answered(scene) -> None:
    # Results that changed with each answer would give a colleague's answers away to
    # anyone comparing them before and after: they wait for the period to end.
    answer_all(scene, 6, answers=GOOD, comments=["Our funder listens."])

    (result,) = api(scene.lp_member).get(api_url(scene)).json()
    shown = page(scene.lp_member).get(page_url(scene))

    assert (result["responses"], result["scores"], result["comments"]) == (6, None, None)
    assert result["distribution"] is None
    assert "(6 so far)" in text_of(shown)
    assert "Our funder listens." not in shown.content.decode()
    assert "<svg" not in shown.content.decode()
    # The day after the period's last day, they show.
    period_end = date.fromisoformat(result["period_end"])
    (after, ended) = pulse_results(
        partnership=scene.partnership, today=period_end + timedelta(days=1)
    )[:2]
    assert after["responses"] == 0
    assert ended["scores"] == {"speak_up": 4.0, "not_working_safe": 4.0, "heard": 5.0}
    assert ended["comments"] == ["Our funder listens."]


def test_an_ended_period_with_four_answers_never_shows_results(scene) -> None:
    answer_last_period(scene, 4, comments=["Our funder listens."])

    current, last = api(scene.lp_member).get(api_url(scene)).json()
    shown = page(scene.lp_member).get(page_url(scene))

    assert (last["responses"], last["scores"], last["comments"]) == (4, None, None)
    assert "Fewer than 5 people answered (4)" in text_of(shown)
    assert "Our funder listens." not in shown.content.decode()


def test_five_answers_show_means_distribution_and_comments(scene) -> None:
    answers = [
        {"speak_up": 1, "not_working_safe": 2, "heard": 5},
        {"speak_up": 2, "not_working_safe": 2, "heard": 5},
        {"speak_up": 3, "not_working_safe": 4, "heard": 4},
        {"speak_up": 5, "not_working_safe": 4, "heard": 4},
        {"speak_up": 5, "not_working_safe": 5, "heard": 4},
    ]
    comments = ["Zeal is high.", "", "After the review it felt tense.", "", "Mostly fine."]
    last = last_ended_period(london_today(), scene.partnership.brief_cadence)
    for person, given, comment in zip(people(scene), answers, comments, strict=False):
        pulse_answer(
            partnership=scene.partnership,
            answers=given,
            comment=comment,
            by=person,
            today=last.start,
        )

    current, result = api(scene.funder_member).get(api_url(scene)).json()

    assert set(result) == {
        "period_start",
        "period_end",
        "responses",
        "scores",
        "distribution",
        "comments",
    }
    assert result["responses"] == 5
    assert result["scores"] == {"speak_up": 3.2, "not_working_safe": 3.4, "heard": 4.4}
    assert result["distribution"] == {
        "speak_up": {"1": 1, "2": 1, "3": 1, "4": 0, "5": 2},
        "not_working_safe": {"1": 0, "2": 2, "3": 0, "4": 2, "5": 1},
        "heard": {"1": 0, "2": 0, "3": 0, "4": 3, "5": 2},
    }
    # Alphabetical: never the order they were written in.
    assert result["comments"] == [
        "After the review it felt tense.",
        "Mostly fine.",
        "Zeal is high.",
    ]
    shown = page(scene.grantee_member).get(page_url(scene))
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "5 people answered." in text_of(shown)
    assert "3.2 out of 5" in text_of(shown)
    assert html.count('role="img"') == 1
    assert "Saying what is not working: 1 Strongly disagree 1" in html
    assert html.index("After the review") < html.index("Mostly fine.") < html.index("Zeal is")


def test_results_are_never_per_party(scene) -> None:
    answer_last_period(scene, 6)

    plain = api(scene.lp_admin).get(api_url(scene)).json()
    asked_by_party = api(scene.lp_admin).get(
        api_url(scene), {"party": scene.grantee_party.pk, "organisation": 1}
    )

    assert asked_by_party.json() == plain
    assert set(plain[1]["scores"]) == {"speak_up", "not_working_safe", "heard"}
    text = text_of(page(scene.lp_admin).get(page_url(scene)))
    results = text[text.index("Results") :]
    for party in (scene.grantee_party, scene.lp_party, scene.funder_party):
        assert party.organisation.name not in results


def test_every_accepted_party_reads_the_same_results(scene) -> None:
    answer_last_period(scene, 5)

    seen = [api(person).get(api_url(scene)).json() for person in people(scene)]

    assert all(result == seen[0] for result in seen)
    assert seen[0][1]["responses"] == 5
    assert seen[0][1]["scores"] is not None


def test_periods_come_newest_first_each_with_its_own_threshold(scene) -> None:
    for person in people(scene)[:5]:
        pulse_answer(partnership=scene.partnership, answers=GOOD, by=person, today=date(2026, 3, 9))
    answer_all(scene, 2)

    results = api(scene.grantee_member).get(api_url(scene)).json()

    assert [r["responses"] for r in results] == [2, 5]
    assert results[1]["period_start"] == "2026-03-01"
    assert results[1]["period_end"] == "2026-03-31"
    assert results[0]["scores"] is None
    assert results[1]["scores"] == {"speak_up": 4.0, "not_working_safe": 4.0, "heard": 5.0}


# --- Nothing links an answer to a person -------------------------------------------------


def _columns(model: type[models.Model]) -> dict[str, models.Field]:  # type: ignore[type-arg]
    return {field.name: field for field in model._meta.concrete_fields}


def test_answers_and_has_answered_rows_share_nothing_that_orders_or_joins_them() -> None:
    answer_columns = _columns(PulseAnswer)
    answered_columns = _columns(PulseAnswered)

    assert set(answer_columns) == {
        "id",
        "partnership",
        "period_start",
        "period_end",
        "speak_up",
        "not_working_safe",
        "heard",
        "comment",
    }
    # Random keys on both: neither records the order people answered in.
    assert isinstance(answer_columns["id"], models.UUIDField)
    assert isinstance(answered_columns["id"], models.UUIDField)
    assert not any(
        isinstance(field, models.DateTimeField)
        for field in [*answer_columns.values(), *answered_columns.values()]
    )
    related = {field.related_model for field in answer_columns.values() if field.is_relation}
    assert related == {Partnership}
    # What the two have in common is the group every answer of the period shares.
    assert set(answer_columns) & set(answered_columns) - {"id"} == {"partnership", "period_start"}


def test_nothing_about_the_answers_reaches_the_timeline_or_notifications(scene) -> None:
    events_before = scene.partnership.activity.count()

    answer_all(scene, 5, comments=["My manager shouts."])

    assert scene.partnership.activity.count() == events_before
    assert not Notification.objects.filter(body__contains="My manager shouts.").exists()


def test_no_admin_page_shows_answers_or_who_answered() -> None:
    from django.contrib import admin

    assert PulseAnswer not in admin.site._registry
    assert PulseAnswered not in admin.site._registry


def test_answer_ids_do_not_follow_the_order_of_answering(scene) -> None:
    answer_all(scene, 6)

    ids = [answer.pk for answer in PulseAnswer.objects.all()]

    assert all(len(str(pk)) == 36 for pk in ids)
    assert len(set(ids)) == 6


# --- Flags to the learning partner -----------------------------------------------------------

LOW = {"speak_up": 2, "not_working_safe": 4, "heard": 4}


def _flag_notices(scene):  # type: ignore[no-untyped-def]
    return Notification.objects.filter(kind="pulse_flag", partnership=scene.partnership)


def test_a_low_score_is_flagged_to_the_learning_partner_once_the_period_ends(scene) -> None:
    answer_all(scene, 6, answers=LOW)
    flag_periods.delay()
    assert not PulseFlag.objects.exists()  # this period is still open

    answer_last_period(scene, 5, answers=LOW)
    flag_periods.delay()
    flag_periods.delay()

    flag = PulseFlag.objects.get()
    assert flag.period_start == last_ended_period(london_today(), "monthly").start
    assert flag.low == ["speak_up"]
    assert flag.falling == []
    notices = _flag_notices(scene)
    assert sorted(n.recipient_id for n in notices) == sorted(
        [scene.lp_admin.pk, scene.lp_member.pk]
    )
    assert "“I can say what is not working without it counting against us.”" in notices[0].body


def test_a_fall_of_half_a_point_is_flagged_even_when_not_low(scene) -> None:
    before = {"speak_up": 4, "not_working_safe": 4, "heard": 4}
    for person in people(scene)[:5]:
        pulse_answer(
            partnership=scene.partnership, answers=before, by=person, today=date(2026, 3, 9)
        )
    assert not PulseFlag.objects.exists()
    # Means 3.4, 4.0, 3.6: speak_up fell by 0.6 and heard by exactly 0.4 (not enough).
    now = [
        {"speak_up": 3, "not_working_safe": 4, "heard": 4},
        {"speak_up": 3, "not_working_safe": 4, "heard": 4},
        {"speak_up": 3, "not_working_safe": 4, "heard": 3},
        {"speak_up": 4, "not_working_safe": 4, "heard": 3},
        {"speak_up": 4, "not_working_safe": 4, "heard": 4},
    ]
    for person, given in zip(people(scene), now, strict=False):
        pulse_answer(
            partnership=scene.partnership, answers=given, by=person, today=date(2026, 4, 9)
        )

    assert not PulseFlag.objects.exists()  # nothing is flagged while answers come in

    assert pulse_flags_sweep(today=date(2026, 5, 1)) == 1
    assert pulse_flags_sweep(today=date(2026, 5, 1)) == 0
    flag = PulseFlag.objects.get()
    assert (flag.period_start, flag.low, flag.falling) == (date(2026, 4, 1), [], ["speak_up"])
    assert _flag_notices(scene).count() == 2


def test_good_results_flag_nothing(scene) -> None:
    answer_last_period(scene, 6)
    flag_periods.delay()

    assert not PulseFlag.objects.exists()
    assert not _flag_notices(scene).exists()


def test_the_sweep_flags_an_ended_period_once(scene) -> None:
    last = last_ended_period(london_today(), scene.partnership.brief_cadence)
    for person in people(scene)[:5]:
        PulseAnswered.objects.create(
            user=person, partnership=scene.partnership, period_start=last.start
        )
        PulseAnswer.objects.create(
            partnership=scene.partnership,
            period_start=last.start,
            period_end=last.end,
            **LOW,
        )

    assert flag_periods.delay().get() == 1
    assert flag_periods.delay().get() == 0
    assert PulseFlag.objects.get().low == ["speak_up"]
    assert _flag_notices(scene).count() == 2


# --- Dashboard ---------------------------------------------------------------------------


def test_the_dashboard_asks_until_the_person_answered(scene, django_assert_num_queries) -> None:
    from pulse.selectors import pulses_waiting_for

    with django_assert_num_queries(1):
        waiting = list(pulses_waiting_for(user=scene.grantee_member))
    assert waiting == [scene.partnership]
    dashboard = page(scene.grantee_member).get(reverse("dashboard"))
    assert "A pulse question waits for you" in text_of(dashboard)

    answer(scene.grantee_member, scene)

    assert list(pulses_waiting_for(user=scene.grantee_member)) == []
    assert "A pulse question waits for you" not in text_of(
        page(scene.grantee_member).get(reverse("dashboard"))
    )
    assert list(pulses_waiting_for(user=scene.outsider)) == []


def test_the_learning_partner_dashboard_lists_flagged_pulses(scene) -> None:
    answer_last_period(scene, 5, answers=LOW)
    flag_periods.delay()

    lp = text_of(page(scene.lp_member).get(reverse("dashboard")))
    grantee = text_of(page(scene.grantee_member).get(reverse("dashboard")))

    assert "Pulses that need a look" in lp
    assert "some scores are below 3" in lp
    assert "Pulses that need a look" not in grantee


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("periods", [1, 4])
def test_the_results_cost_the_same_queries_however_many_periods(
    scene, periods, django_assert_max_num_queries
) -> None:
    extra = [add_member(scene.grantee_party.organisation) for _ in range(4)]
    for month in range(1, periods + 1):
        for person in [*people(scene), *extra]:
            pulse_answer(
                partnership=scene.partnership,
                answers=GOOD,
                comment=f"Month {month}",
                by=person,
                today=date(2026, month, 3),
            )

    api_client, page_client = api(scene.grantee_member), page(scene.grantee_member)

    # The gateway (2), then the totals and the comments: one query each, however many
    # periods and answers.
    with django_assert_max_num_queries(4):
        response = api_client.get(api_url(scene))
    with django_assert_max_num_queries(8):
        shown = page_client.get(page_url(scene))

    assert len(response.json()) == periods + 1
    assert shown.status_code == 200
