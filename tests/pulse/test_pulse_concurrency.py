"""The same person answering twice at once counts once (PostgreSQL): the has-answered
row's unique constraint decides, so one request gets 201 and every other a 409, and the
fifth answer of many people at once tells the learning partner once."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from pulse.models import PulseAnswer, PulseAnswered, PulseFlag
from tests.partnerships.factories import add_member, build_partnership_scene

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
LOW = {"speak_up": 1, "not_working_safe": 2, "heard": 2}


def _run_together(actions: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def worker(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return errors


def _post(user, url: str, statuses: list[int]) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def post() -> None:
        client = APIClient()
        client.force_authenticate(user=user)
        statuses.append(client.post(url, {"answers": LOW}, format="json").status_code)

    return post


def test_one_person_answering_twice_at_once_counts_once() -> None:
    scene = build_partnership_scene()
    url = reverse("api:pulse", kwargs={"partnership_pk": scene.partnership.pk})
    statuses: list[int] = []

    errors = _run_together([_post(scene.grantee_member, url, statuses) for _ in range(THREADS)])

    assert errors == []
    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert PulseAnswered.objects.count() == 1
    assert PulseAnswer.objects.count() == 1


def test_many_people_answering_at_once_flag_the_period_once() -> None:
    scene = build_partnership_scene()
    url = reverse("api:pulse", kwargs={"partnership_pk": scene.partnership.pk})
    people = [add_member(scene.grantee_party.organisation) for _ in range(8)]
    statuses: list[int] = []

    errors = _run_together([_post(person, url, statuses) for person in people])

    assert errors == []
    assert statuses == [201] * 8
    assert PulseFlag.objects.count() == 1
    recipients = Notification.objects.filter(kind="pulse_flag").values_list(
        "recipient_id", flat=True
    )
    assert sorted(recipients) == sorted([scene.lp_admin.pk, scene.lp_member.pk])
