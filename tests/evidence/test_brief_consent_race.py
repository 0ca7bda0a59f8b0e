"""A consent withdrawal that lands while a brief is being drafted: the stored brief never
cites the withdrawn evidence (real PostgreSQL, three connections at once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from evidence.models import InsightBrief
from evidence.services.briefs import brief_draft
from tests.consent.helpers import api_url
from tests.evidence.briefs_scene import OCTOBER, add_evidence, brief_scene, client_for

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s")


def _in_thread(
    work: Callable[[], object], results: dict[str, object], name: str
) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = work()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_a_withdrawal_while_a_brief_is_drafted_leaves_no_withdrawn_evidence_in_it():
    scene = brief_scene()
    withdrawn = add_evidence(scene.grantee_party)
    kept = add_evidence(scene.grantee2_party)
    brief = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=OCTOBER[0], period_end=OCTOBER[1]
    )
    cited_table = InsightBrief.cited_evidence.through._meta.db_table
    results: dict[str, object] = {}
    held, release = threading.Event(), threading.Event()

    def hold_the_cited_table() -> None:
        # Drafting writes what the brief cites last, after it has read the evidence and
        # its consent: holding that table keeps the draft from committing, as a slow
        # draft would.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{cited_table}" IN SHARE MODE')
            held.set()
            release.wait(WAIT_SECONDS)

    def withdraw() -> int:
        response = client_for(scene.grantee_admin).post(
            api_url("consent-list", partnership_pk=scene.partnership.pk),
            {"purpose": "participate", "decision": "withdraw"},
            format="json",
        )
        return response.status_code

    # Given a draft under way that cannot commit yet
    holder = _in_thread(hold_the_cited_table, results, "holder")
    assert held.wait(WAIT_SECONDS)
    drafter = _in_thread(lambda: brief_draft(brief_id=brief.pk), results, "drafter")
    _until(lambda: _waiting_on_locks() >= 1, "the draft waiting to write")

    # When the grantee withdraws "participate" meanwhile
    withdrawer = _in_thread(withdraw, results, "withdrawer")
    _until(
        lambda: not withdrawer.is_alive() or _waiting_on_locks() >= 2,
        "the withdrawal finishing or waiting for the draft",
    )
    release.set()
    for thread in (holder, drafter, withdrawer):
        thread.join(WAIT_SECONDS)

    # Then the withdrawal succeeded and the stored draft cites only evidence still consented
    assert results["withdrawer"] == 201
    assert not isinstance(results["drafter"], BaseException), results["drafter"]
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [kept.pk]
    assert brief.sections[0]["counts"]["evidence"] == [kept.pk]
    assert withdrawn.pk not in brief.sections[0]["counts"]["evidence"]
