"""The soak's verdict (``soak.checks``) fails on bad data and passes on good data.

The soak itself runs with ``make soak`` (minutes, many processes); these check its
judgement in milliseconds, with no server and no database.
"""

from datetime import date

from soak import checks
from soak.checks import Brief, Fault, Request
from soak.faults import in_flight
from soak.state import evidence_ids_in

WEEK = (date(2026, 11, 23), date(2026, 11, 29))
OTHER_WEEK = (date(2026, 11, 16), date(2026, 11, 22))


def brief(pk: int, status: str = "draft", *, week=WEEK, partnership: int = 1, **kw) -> Brief:
    return Brief(pk, partnership, week[0], week[1], status, **kw)


def request(sent: float, status: int, *, answered: float | None = None, **kw) -> Request:
    defaults = {"role": "grantee", "action": "evidence list", "method": "GET"}
    return Request(
        **{**defaults, **kw}, sent=sent, answered=sent + 0.1 if answered is None else answered,
        status=status,
    )  # fmt: skip


# --- One brief per partnership and period ---------------------------------------------------


def test_two_briefs_for_one_period_fail():
    result = checks.one_brief_per_period([brief(1), brief(2), brief(3, week=OTHER_WEEK)])

    assert result.passed is False
    assert result.detail == (
        "1 periods with more than one brief: (1, datetime.date(2026, 11, 23), "
        "datetime.date(2026, 11, 29))"
    )


def test_a_due_period_without_a_brief_fails():
    result = checks.one_brief_per_period([brief(1)], due=[(1, *WEEK), (2, *WEEK)])

    assert result.passed is False
    assert result.detail.startswith("1 due periods with no brief: (2, ")


def test_one_brief_for_every_due_period_passes():
    result = checks.one_brief_per_period(
        [brief(1), brief(2, partnership=2)], due=[(1, *WEEK), (2, *WEEK)]
    )

    assert result.passed is True
    assert result.detail == "2 periods, one brief each"


# --- Stuck briefs ---------------------------------------------------------------------------


def test_a_brief_stuck_drafting_fails():
    result = checks.none_stuck_drafting([brief(1), brief(7, "drafting", week=OTHER_WEEK)])

    assert result.passed is False
    assert result.detail == "1 of 2 briefs still drafting after the drain: ids 7"


def test_drafted_and_published_briefs_pass():
    assert checks.none_stuck_drafting([brief(1), brief(2, "published", week=OTHER_WEEK)]).passed


# --- 5xx and the fault windows --------------------------------------------------------------


def test_a_5xx_outside_every_window_fails():
    faults = [Fault("postgres_terminate", 10.0, 12.0)]

    result = checks.no_5xx_outside_windows([request(30.0, 500), request(11.0, 500)], faults)

    assert result.passed is False
    assert result.detail == "1 outside (1 inside): grantee GET evidence list at 30.0s: 500"


def test_5xx_inside_a_postgres_or_redis_window_and_its_grace_pass():
    faults = [Fault("postgres_terminate", 10.0, 12.0), Fault("redis_restart", 40.0, 48.0)]
    # Sent before the window and answered inside it; in the grace after the end; during.
    requests = [
        request(9.0, 502, answered=10.5),
        request(12.0 + checks.GRACE_SECONDS - 0.5, 500),
        request(44.0, 500),
        request(20.0, 200),
    ]

    result = checks.no_5xx_outside_windows(requests, faults)

    assert result.passed is True
    assert result.detail == "0 outside (3 inside the windows)"


def test_a_5xx_just_after_the_grace_fails():
    faults = [Fault("redis_restart", 40.0, 48.0)]

    result = checks.no_5xx_outside_windows(
        [request(48.0 + checks.GRACE_SECONDS + 0.5, 503)], faults
    )

    assert result.passed is False


def test_a_worker_kill_or_duplicate_ticks_tolerates_no_5xx():
    faults = [Fault("worker_kill", 10.0, 15.0), Fault("duplicate_ticks", 20.0, 21.0)]

    result = checks.no_5xx_outside_windows([request(12.0, 500), request(20.5, 500)], faults)

    assert result.passed is False
    assert result.detail.startswith("2 outside (0 inside)")


def test_no_answer_at_all_counts_as_a_5xx():
    result = checks.no_5xx_outside_windows([request(5.0, checks.NO_ANSWER)], [])

    assert result.passed is False
    assert result.detail == "1 outside (0 inside): grantee GET evidence list at 5.0s: no answer"


def test_windows_count_their_requests_and_5xx():
    fault = Fault("postgres_terminate", 10.0, 12.0)

    windows, outside = checks.five_xx_by_window(
        [request(11.0, 500), request(11.5, 200), request(50.0, 200)], [fault]
    )

    assert [(w.fault, w.requests, w.failed) for w in windows] == [(fault, 2, 1)]
    assert outside == []


# --- Evidence, failed writes and consent ----------------------------------------------------


def test_an_item_answered_201_but_missing_fails():
    result = checks.no_evidence_lost({1: "seeded", 5: "soak-a"}, {1: "seeded"})

    assert result.passed is False
    assert result.detail == "1 items answered 201 (or seeded) are gone: 5"


def test_every_item_stored_passes():
    result = checks.no_evidence_lost({1: "seeded", 5: "soak-a"}, {1: "seeded", 5: "soak-a", 6: "x"})

    assert result.passed is True


def test_a_write_answered_500_but_saved_fails():
    writes = [
        request(3.0, 500, action="consent withdraw", method="POST", marker="soak-1"),
        request(4.0, 500, action="evidence submit", method="POST", marker="soak-2"),
    ]

    result = checks.failed_writes_left_nothing(writes, stored_markers={"soak-1"})

    assert result.passed is False
    assert result.detail == (
        "1 of 2 failed writes were saved all the same: consent withdraw at 3.0s (500)"
    )


def test_a_failed_write_that_saved_nothing_passes():
    writes = [request(4.0, 500, action="evidence submit", method="POST", marker="soak-2")]

    assert checks.failed_writes_left_nothing(writes, stored_markers={"soak-9"}).passed


def test_a_changed_or_deleted_consent_record_fails():
    before = {1: ("participate", "grant"), 2: ("publish", "grant")}

    changed = checks.consent_records_unchanged(
        before, {1: ("participate", "withdraw"), 2: before[2]}
    )
    deleted = checks.consent_records_unchanged(before, {1: before[1]})

    assert (changed.passed, changed.detail) == (False, "1 records changed: 1")
    assert (deleted.passed, deleted.detail) == (False, "1 records deleted: 2")


def test_new_consent_records_pass():
    before = {1: ("participate", "grant")}

    result = checks.consent_records_unchanged(before, {**before, 2: ("participate", "withdraw")})

    assert (result.passed, result.detail) == (True, "1 records as they were (2 now)")


# --- Withdrawals reflected in briefs --------------------------------------------------------


def test_a_draft_citing_evidence_of_a_party_without_participate_fails():
    consent = {(10, "participate"): False, (10, "publish"): True}

    result = checks.withdrawals_reflected([brief(1, cited=frozenset({100}))], {100: 10}, consent)

    assert result.passed is False
    assert result.detail == (
        "1 citations of withdrawn evidence: brief 1 (draft) cited evidence 100 of party 10 "
        "without participate"
    )


def test_evidence_left_in_the_sections_counts_as_cited():
    consent = {(10, "participate"): False}

    result = checks.withdrawals_reflected(
        [brief(1, in_sections=frozenset({100}))], {100: 10}, consent
    )

    assert result.passed is False
    assert "in sections evidence 100" in result.detail


def test_a_published_brief_needs_publish_consent_too():
    consent = {(10, "participate"): True, (10, "publish"): False}
    cited = frozenset({100})

    published = checks.withdrawals_reflected(
        [brief(1, "published", cited=cited)], {100: 10}, consent
    )
    draft = checks.withdrawals_reflected([brief(1, "draft", cited=cited)], {100: 10}, consent)

    assert published.passed is False
    assert published.detail.endswith("without publish")
    assert draft.passed is True


# --- The whole verdict, and the helpers -----------------------------------------------------


def test_one_failed_check_fails_the_run():
    outcome = checks.evaluate(
        requests=[request(1.0, 200)],
        faults=[],
        briefs=[brief(1), brief(2)],
        due_periods=[(1, *WEEK)],
        expected_evidence={},
        stored_evidence={},
        stored_markers=set(),
        evidence_party={},
        consent={},
        consent_before={},
        consent_after={},
    )

    assert outcome.passed is False
    assert [c.name for c in outcome.failed()] == ["exactly one brief per partnership and period"]


def test_role_figures_count_and_time_each_role():
    requests = [request(0.0, 200, answered=0.1), request(1.0, 201, answered=1.3),
                request(2.0, 500), request(3.0, 404, role="funder")]  # fmt: skip

    rows = checks.role_figures(requests, seconds=10.0)

    assert rows == [
        {"role": "funder", "requests": 1, "per_second": 0.1, "p50_ms": 100, "p95_ms": 100,
         "2xx": 0, "4xx": 1, "5xx": 0},
        {"role": "grantee", "requests": 3, "per_second": 0.3, "p50_ms": 200, "p95_ms": 290,
         "2xx": 2, "4xx": 0, "5xx": 1},
    ]  # fmt: skip


def test_tasks_in_flight_are_read_from_the_worker_log_since_its_last_start():
    log = (
        "--- started 10:00:00\n"
        "Task evidence.draft_brief[aaaaaaaa-1111] received\n"
        "--- started 10:01:00\n"
        "Task evidence.draft_brief[bbbbbbbb-2222] received\n"
        "Task notifications.send_emails[cccccccc-3333] received\n"
        "Task notifications.send_emails[cccccccc-3333] succeeded in 0.01s: 1\n"
    )

    assert in_flight(log) == ["evidence.draft_brief[bbbbbbbb]"]


def test_evidence_ids_are_found_anywhere_in_stored_sections():
    sections = [
        {"counts": {"evidence": [1, 2]}, "quotes": [{"text": "x", "evidence": 3}]},
        {"statistics": [{"evidence": 4, "previous_evidence": 5}, {"previous_evidence": None}]},
    ]

    assert evidence_ids_in(sections) == {1, 2, 3, 4, 5}


def test_the_soak_is_not_shipped_in_the_package_or_the_image():
    import tomllib
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    find = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]

    assert {"soak", "soak.*"} <= set(find["find"]["exclude"])
    assert "soak" in (repo / ".dockerignore").read_text().split()
