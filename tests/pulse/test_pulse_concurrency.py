"""The same person answering twice at once counts once (PostgreSQL): the has-answered
row's unique constraint decides, so one request gets 201 and every other a 409; many
people answering at once all count; and two sweeps at once flag an ended period once."""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from pulse.models import PulseAnswer, PulseAnswered, PulseFlag
from pulse.services import pulse_flags_sweep
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


def test_many_people_answering_at_once_all_count_and_two_sweeps_flag_once() -> None:
    scene = build_partnership_scene()
    url = reverse("api:pulse", kwargs={"partnership_pk": scene.partnership.pk})
    people = [add_member(scene.grantee_party.organisation) for _ in range(8)]
    statuses: list[int] = []

    errors = _run_together([_post(person, url, statuses) for person in people])

    assert errors == []
    assert statuses == [201] * 8
    assert PulseAnswer.objects.count() == 8
    assert not PulseFlag.objects.exists()  # the period is still open
    # The day after the period ends, two of beat's sweeps race: one flag, told once.
    after = PulseAnswer.objects.values_list("period_end", flat=True)[0] + timedelta(days=1)
    made: list[int] = []

    errors = _run_together([lambda: made.append(pulse_flags_sweep(today=after))] * 2)

    assert errors == []
    assert sorted(made) == [0, 1]
    assert PulseFlag.objects.count() == 1
    recipients = Notification.objects.filter(kind="pulse_flag").values_list(
        "recipient_id", flat=True
    )
    assert sorted(recipients) == sorted([scene.lp_admin.pk, scene.lp_member.pk])
