"""The soak's verdict: what must hold after faults, computed from plain data.

Nothing here talks to a server or a database: ``soak.state`` reads the rows, the driver
records the requests, the injector records the faults, and these functions judge them,
so ``tests/soak/`` can show each check failing on bad data.

The 5xx window rule: a fault that cuts the web off from something it needs (PostgreSQL
backends terminated, Redis killed) opens a window from its start to ``GRACE_SECONDS``
after its end. A request answered 5xx (or not answered at all) whose time in flight
overlaps such a window is counted for that window and tolerated; any other 5xx fails the
run. Faults the web does not depend on (a worker killed, duplicate beat ticks) open no
window: the web must not notice them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Seconds after a fault ends during which its effects may still answer 5xx (connection
#: pools noticing a restarted server, a request that waited out the outage).
GRACE_SECONDS = 5.0

#: Fault kinds whose windows tolerate 5xx: the web itself depends on these services.
WEB_DEPENDENCY_FAULTS = frozenset({"postgres_terminate", "redis_restart"})

#: Status recorded for a request that got no HTTP answer (reset, timeout).
NO_ANSWER = 0


@dataclass(frozen=True)
class Fault:
    kind: str
    start: float
    end: float
    detail: str = ""

    @property
    def tolerates_5xx(self) -> bool:
        return self.kind in WEB_DEPENDENCY_FAULTS

    def window(self) -> tuple[float, float]:
        return self.start, self.end + GRACE_SECONDS


@dataclass(frozen=True)
class Request:
    role: str
    action: str
    method: str
    sent: float
    answered: float
    status: int
    #: For a write: a marker the write stores (evidence title, consent note), to find
    #: whether a write that was not answered 2xx was saved all the same.
    marker: str = ""
    #: The id of what a 201 created.
    created_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == NO_ANSWER or self.status >= 500

    @property
    def seconds(self) -> float:
        return self.answered - self.sent


@dataclass(frozen=True)
class Brief:
    id: int
    partnership_id: int
    period_start: date
    period_end: date
    status: str
    cited: frozenset[int] = frozenset()
    #: Evidence ids found anywhere in the stored sections (quotes, findings, counts).
    in_sections: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Outcome:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def _some(items: Iterable[Any], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(str(item) for item in items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")


# --- Briefs ---------------------------------------------------------------------------------


def one_brief_per_period(
    briefs: Sequence[Brief], due: Iterable[tuple[int, date, date]] = ()
) -> Check:
    """Exactly one brief per partnership and period: none twice, and every period that
    was due (the schedule's, or one a learning partner was told was accepted) has one."""
    counts = Counter((b.partnership_id, b.period_start, b.period_end) for b in briefs)
    twice = sorted(key for key, n in counts.items() if n > 1)
    missing = sorted(set(due) - set(counts))
    problems = []
    if twice:
        problems.append(f"{len(twice)} periods with more than one brief: {_some(twice)}")
    if missing:
        problems.append(f"{len(missing)} due periods with no brief: {_some(missing)}")
    return Check(
        "exactly one brief per partnership and period",
        not problems,
        "; ".join(problems) or f"{len(counts)} periods, one brief each",
    )


def none_stuck_drafting(briefs: Sequence[Brief]) -> Check:
    stuck = sorted(b.id for b in briefs if b.status == "drafting")
    return Check(
        'no brief stuck in "drafting"',
        not stuck,
        f"{len(stuck)} of {len(briefs)} briefs still drafting after the drain: ids {_some(stuck)}"
        if stuck
        else f"all {len(briefs)} briefs drafted",
    )


def withdrawals_reflected(
    briefs: Sequence[Brief],
    evidence_party: Mapping[int, int],
    consent: Mapping[tuple[int, str], bool],
) -> Check:
    """No brief cites (in ``cited_evidence`` or anywhere in its sections) evidence of a
    party without active ``participate`` consent; a published brief needs ``publish``
    too. ``consent`` maps (party id, purpose) to whether it is granted now."""
    bad: list[str] = []
    for brief in briefs:
        if brief.status == "drafting":
            continue  # not drafted yet: it cites nothing
        needs = ("participate", "publish") if brief.status == "published" else ("participate",)
        for evidence_id in sorted(brief.cited | brief.in_sections):
            party = evidence_party.get(evidence_id)
            if party is None:
                continue  # deleted evidence is not cited evidence
            missing = [p for p in needs if not consent.get((party, p), False)]
            if missing:
                where = "cited" if evidence_id in brief.cited else "in sections"
                bad.append(
                    f"brief {brief.id} ({brief.status}) {where} evidence {evidence_id} of "
                    f"party {party} without {'/'.join(missing)}"
                )
    return Check(
        "every consent withdrawal reflected in every brief",
        not bad,
        f"{len(bad)} citations of withdrawn evidence: {_some(bad, 3)}"
        if bad
        else f"{len(briefs)} briefs cite only consented evidence",
    )


# --- Evidence and consent -------------------------------------------------------------------


def no_evidence_lost(expected: Mapping[int, str], stored: Mapping[int, str]) -> Check:
    """Every item that existed before the run, and every item the API answered 201 for,
    is stored with the title it was given."""
    lost = sorted(pk for pk in expected if pk not in stored)
    changed = sorted(pk for pk in expected if pk in stored and stored[pk] != expected[pk])
    problems = []
    if lost:
        problems.append(f"{len(lost)} items answered 201 (or seeded) are gone: {_some(lost)}")
    if changed:
        problems.append(f"{len(changed)} items changed title: {_some(changed)}")
    return Check(
        "no evidence lost (every 201 is in the database)",
        not problems,
        "; ".join(problems) or f"all {len(expected)} items stored",
    )


def failed_writes_left_nothing(requests: Sequence[Request], stored_markers: set[str]) -> Check:
    """A write answered 5xx (or not at all) told its client it failed: it must not have
    been saved, or the client's retry makes a second one."""
    saved = sorted(
        f"{r.action} at {r.sent:.1f}s ({r.status})"
        for r in requests
        if r.marker and r.failed and r.marker in stored_markers
    )
    failed = sum(1 for r in requests if r.marker and r.failed)
    return Check(
        "a write answered 5xx saved nothing",
        not saved,
        f"{len(saved)} of {failed} failed writes were saved all the same: {_some(saved, 4)}"
        if saved
        else f"none of {failed} failed writes was saved",
    )


def consent_records_unchanged(
    before: Mapping[int, tuple[Any, ...]], after: Mapping[int, tuple[Any, ...]]
) -> Check:
    """Consent history is append-only: every record that existed before the run is still
    there, field for field."""
    gone = sorted(pk for pk in before if pk not in after)
    changed = sorted(pk for pk in before if pk in after and after[pk] != before[pk])
    problems = []
    if gone:
        problems.append(f"{len(gone)} records deleted: {_some(gone)}")
    if changed:
        problems.append(f"{len(changed)} records changed: {_some(changed)}")
    return Check(
        "no consent record changed",
        not problems,
        "; ".join(problems) or f"{len(before)} records as they were ({len(after)} now)",
    )


# --- 5xx and windows ------------------------------------------------------------------------


def _overlaps(request: Request, window: tuple[float, float]) -> bool:
    start, end = window
    return request.sent <= end and request.answered >= start


@dataclass(frozen=True)
class WindowCount:
    fault: Fault
    requests: int
    failed: int


def five_xx_by_window(
    requests: Sequence[Request], faults: Sequence[Fault]
) -> tuple[list[WindowCount], list[Request]]:
    """Each fault's window with the requests and 5xx that overlap it, and the 5xx that
    overlap no tolerating window."""
    counts = []
    for fault in faults:
        window = fault.window()
        inside = [r for r in requests if _overlaps(r, window)]
        counts.append(WindowCount(fault, len(inside), sum(r.failed for r in inside)))
    tolerating = [fault.window() for fault in faults if fault.tolerates_5xx]
    outside = [r for r in requests if r.failed and not any(_overlaps(r, w) for w in tolerating)]
    return counts, outside


def no_5xx_outside_windows(requests: Sequence[Request], faults: Sequence[Fault]) -> Check:
    _, outside = five_xx_by_window(requests, faults)
    inside = sum(r.failed for r in requests) - len(outside)
    shown = (
        f"{r.role} {r.method} {r.action} at {r.sent:.1f}s: "
        f"{r.status if r.status != NO_ANSWER else 'no answer'}"
        for r in outside
    )
    return Check(
        "zero 5xx outside the fault windows",
        not outside,
        f"{len(outside)} outside ({inside} inside): {_some(shown, 4)}"
        if outside
        else f"0 outside ({inside} inside the windows)",
    )


# --- Figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[max(0, min(98, round(fraction * 100) - 1))]


def role_figures(requests: Sequence[Request], seconds: float) -> list[dict[str, Any]]:
    by_role: dict[str, list[Request]] = defaultdict(list)
    for request in requests:
        by_role[request.role].append(request)
    rows = []
    for role in sorted(by_role):
        done = by_role[role]
        times = [r.seconds * 1000 for r in done if not r.failed]
        rows.append(
            {
                "role": role,
                "requests": len(done),
                "per_second": round(len(done) / seconds, 1) if seconds else 0.0,
                "p50_ms": round(percentile(times, 0.50)),
                "p95_ms": round(percentile(times, 0.95)),
                "2xx": sum(200 <= r.status < 300 for r in done),
                "4xx": sum(400 <= r.status < 500 for r in done),
                "5xx": sum(r.failed for r in done),
            }
        )
    return rows


def evaluate(
    *,
    requests: Sequence[Request],
    faults: Sequence[Fault],
    briefs: Sequence[Brief],
    due_periods: Iterable[tuple[int, date, date]],
    expected_evidence: Mapping[int, str],
    stored_evidence: Mapping[int, str],
    stored_markers: set[str],
    evidence_party: Mapping[int, int],
    consent: Mapping[tuple[int, str], bool],
    consent_before: Mapping[int, tuple[Any, ...]],
    consent_after: Mapping[int, tuple[Any, ...]],
) -> Outcome:
    return Outcome(
        [
            one_brief_per_period(briefs, due_periods),
            none_stuck_drafting(briefs),
            no_evidence_lost(expected_evidence, stored_evidence),
            failed_writes_left_nothing(requests, stored_markers),
            consent_records_unchanged(consent_before, consent_after),
            withdrawals_reflected(briefs, evidence_party, consent),
            no_5xx_outside_windows(requests, faults),
        ]
    )
