"""Concurrent identical requests never create a second current state (PostgreSQL).

Each thread has its own database connection, as concurrent web requests would; a barrier
releases them together. The row lock on the party serialises the decisions, so the
history holds every one of them and the projection points at the last.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from consent.models import ChallengeRecord, ChallengeState, ConsentRecord, ConsentState
from consent.services import consent_record
from tests.consent.helpers import api_url, client_for
from tests.partnerships.factories import build_partnership_scene

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _run_together(action: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return errors


def test_concurrent_identical_grants_leave_one_current_state_and_every_record():
    scene = build_partnership_scene()
    party, admin = scene.grantee_party, scene.grantee_admin

    errors = _run_together(
        lambda: consent_record(party=party, purpose="participate", decision="grant", by=admin)
    )

    assert errors == []
    records = list(ConsentRecord.objects.filter(party=party).order_by("recorded_at", "id"))
    assert len(records) == THREADS
    assert [r.decision for r in records] == ["grant"] * THREADS
    [state] = ConsentState.objects.filter(party=party, purpose="participate")
    assert state.granted is True
    assert state.record_id == records[-1].pk


def test_concurrent_identical_requests_through_the_api_create_no_duplicates():
    scene = build_partnership_scene()
    party, admin = scene.grantee_party, scene.grantee_admin
    consents = api_url("consent-list", partnership_pk=scene.partnership.pk)
    permissions = api_url("challenge-permission-list", partnership_pk=scene.partnership.pk)
    statuses: list[int] = []

    def both() -> None:
        client = client_for(admin)
        statuses.append(
            client.post(
                consents, {"purpose": "publish", "decision": "grant"}, format="json"
            ).status_code
        )
        statuses.append(
            client.post(
                permissions,
                {"decision": "grant", "areas": ["*"], "channels": ["workshop", "published_brief"]},
                format="json",
            ).status_code
        )

    errors = _run_together(both)

    assert errors == []
    assert statuses == [201] * (2 * THREADS)
    assert ConsentRecord.objects.filter(party=party).count() == THREADS
    assert ConsentState.objects.filter(party=party).count() == 1
    assert ChallengeRecord.objects.filter(party=party).count() == THREADS
    assert sorted(
        ChallengeState.objects.filter(party=party).values_list("question", "channel")
    ) == [(None, "published_brief"), (None, "workshop")]
    last = ChallengeRecord.objects.filter(party=party).order_by("recorded_at", "id").last()
    assert set(ChallengeState.objects.filter(party=party).values_list("record", flat=True)) == {
        last.pk  # type: ignore[union-attr]
    }


def test_concurrent_opposite_decisions_leave_the_state_equal_to_the_last_record():
    scene = build_partnership_scene()
    party, admin = scene.grantee_party, scene.grantee_admin
    decisions = iter(["grant", "withdraw"] * (THREADS // 2))
    lock = threading.Lock()

    def decide_next() -> None:
        with lock:
            decision = next(decisions)
        consent_record(party=party, purpose="publish", decision=decision, by=admin)

    for _ in range(3):
        decisions = iter(["grant", "withdraw"] * (THREADS // 2))
        errors = _run_together(decide_next)

        assert errors == []
        last = ConsentRecord.objects.filter(party=party, purpose="publish").latest(
            "recorded_at", "id"
        )
        [state] = ConsentState.objects.filter(party=party, purpose="publish")
        assert (state.record_id, state.granted) == (last.pk, last.decision == "grant")
