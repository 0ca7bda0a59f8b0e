"""What the soak's database holds, read with plain SQL (not through LearnHub's code, so
the checks see the rows as stored), and the few statements the soak runs itself: making
its database, terminating its backends, moving a partnership's activation back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from soak.checks import Brief

CONSENT_FIELDS = (
    "id, partnership_id, party_id, purpose, decision, recorded_by_id, recorded_at, "
    "notice_version, notice_text, note"
)


@contextmanager
def connect(url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        yield conn


def recreate_database(server_url: str, name: str) -> None:
    """Drop (ending its sessions) and create the soak's own database. ``name`` is the
    soak's, never another: the caller passes ``learnhub_soak`` or a name it was given."""
    with connect(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def terminate_backends(url: str, name: str) -> int:
    """End every session of database ``name`` but this one; how many were ended."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    return int(row[0]) if row else 0


def make_due(url: str, partnership_id: int) -> None:
    """As if the partnership had been active for ten weeks: last week's brief is due."""
    with connect(url) as conn:
        conn.execute(
            "UPDATE partnerships_partnership SET status_changed_at = now() - interval '10 weeks' "
            "WHERE id = %s",
            (partnership_id,),
        )


def drafting_count(url: str) -> int:
    with connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM evidence_insightbrief WHERE status = 'drafting'"
        ).fetchone()
    return int(row[0]) if row else 0


def evidence_ids_in(value: Any) -> set[int]:
    """Evidence ids anywhere in stored sections (``evidence``/``previous_evidence``)."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("evidence", "previous_evidence"):
                items = inner if isinstance(inner, list) else [inner]
                found.update(i for i in items if isinstance(i, int) and not isinstance(i, bool))
            else:
                found |= evidence_ids_in(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= evidence_ids_in(inner)
    return found


@dataclass
class Snapshot:
    briefs: list[Brief]
    evidence: dict[int, str]
    evidence_party: dict[int, int]
    consent: dict[tuple[int, str], bool]
    consent_records: dict[int, tuple[Any, ...]]
    markers: set[str]
    active_partnerships: dict[int, Any]
    #: Each brief's creation and last change (aware datetimes) and whether a person asked
    #: for it (False: the schedule made it).
    brief_times: dict[int, tuple[Any, Any, bool]]


def snapshot(url: str) -> Snapshot:
    with connect(url) as conn:
        cited: dict[int, set[int]] = {}
        for brief_id, evidence_id in conn.execute(
            "SELECT insightbrief_id, evidence_id FROM evidence_insightbrief_cited_evidence"
        ):
            cited.setdefault(brief_id, set()).add(evidence_id)
        briefs = [
            Brief(
                id=row[0],
                partnership_id=row[1],
                period_start=row[2],
                period_end=row[3],
                status=row[4],
                cited=frozenset(cited.get(row[0], ())),
                in_sections=frozenset(evidence_ids_in(row[5])),
            )
            for row in conn.execute(
                "SELECT id, partnership_id, period_start, period_end, status, sections "
                "FROM evidence_insightbrief ORDER BY id"
            )
        ]
        evidence: dict[int, str] = {}
        evidence_party: dict[int, int] = {}
        for pk, title, party in conn.execute("SELECT id, title, party_id FROM evidence_evidence"):
            evidence[pk] = title
            evidence_party[pk] = party
        consent = {
            (party, purpose): granted
            for party, purpose, granted in conn.execute(
                "SELECT party_id, purpose, granted FROM consent_consentstate"
            )
        }
        records = {
            row[0]: tuple(row[1:])
            for row in conn.execute(f"SELECT {CONSENT_FIELDS} FROM consent_consentrecord")  # noqa: S608
        }
        markers = {title for title in evidence.values() if title.startswith("soak-")}
        markers |= {row[-1] for row in records.values() if str(row[-1]).startswith("soak-")}
        active = dict(
            conn.execute(
                "SELECT id, status_changed_at FROM partnerships_partnership WHERE status = 'active'"
            )
        )
        brief_times = {
            pk: (created, updated, requested_by is not None)
            for pk, created, updated, requested_by in conn.execute(
                "SELECT id, created_at, updated_at, requested_by_id FROM evidence_insightbrief"
            )
        }
    return Snapshot(
        briefs, evidence, evidence_party, consent, records, markers, active, brief_times
    )
