"""``manage.py bench``: LearnHub's performance at scale, beside a naive baseline.

Run ``manage.py seed_scale`` first, on a PostgreSQL database of its own. The bench then
measures, in one run: the evidence list's queries per request; its latency and
throughput under concurrent load through gunicorn (production settings, loopback only);
the visibility filter's plan and how its time grows from 10,000 to 100,000 items; and
brief drafting's queries per brief and throughput across worker processes. It prints a
table and writes JSON to ``bench/results/`` (see ``bench.runner``).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import measure, runner


class Command(BaseCommand):
    help = (
        "Measure the evidence list and brief drafting at scale beside a naive baseline "
        "(PostgreSQL, after seed_scale); print a table and write bench/results/*.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = runner.Options()
        parser.add_argument(
            "--queries-only",
            action="store_true",
            help="Count queries only (no gunicorn, no worker processes, no timings).",
        )
        parser.add_argument(
            "--visibility-only",
            action="store_true",
            help="Only explain and time the visibility filter (the bench runs this in the "
            "10%% database).",
        )
        parser.add_argument(
            "--viewers",
            type=int,
            default=defaults.viewers,
            help="People whose evidence lists the load cycles through.",
        )
        parser.add_argument(
            "--concurrency",
            default=",".join(str(c) for c in defaults.concurrency),
            help="Concurrent clients of the load test, one run per level (comma-separated; "
            "the targets are judged at the first). Default: %(default)s.",
        )
        parser.add_argument(
            "--web-workers",
            type=int,
            default=defaults.web_workers,
            help="gunicorn workers (production runs 3).",
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=defaults.requests,
            help="Most requests to the real evidence list.",
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=defaults.seconds,
            help="Most seconds of load on the real evidence list.",
        )
        parser.add_argument(
            "--naive-requests",
            type=int,
            default=defaults.naive_requests,
            help="Most requests to the naive evidence list.",
        )
        parser.add_argument(
            "--naive-seconds",
            type=float,
            default=defaults.naive_seconds,
            help="Most seconds of load on the naive evidence list.",
        )
        parser.add_argument(
            "--brief-processes",
            type=int,
            default=defaults.brief_processes,
            help="Worker processes drafting briefs.",
        )
        parser.add_argument(
            "--briefs",
            type=int,
            default=defaults.briefs,
            help="Draft briefs for this many active partnerships (0: all).",
        )
        parser.add_argument(
            "--naive-briefs",
            type=int,
            default=defaults.naive_briefs,
            help="Briefs the naive drafter redrafts, spread evenly (0: all).",
        )
        parser.add_argument(
            "--largest-briefs",
            type=int,
            default=defaults.largest_briefs,
            help="The largest briefs, compared again.",
        )
        parser.add_argument(
            "--no-growth",
            action="store_true",
            help="Skip timing the visibility filter on the 10%% data set.",
        )
        parser.add_argument(
            "--small-database",
            default="",
            help="Database for the 10%% data set (default: <name>_10k on the "
            "same server; created and seeded when missing).",
        )
        parser.add_argument(
            "--seed", type=int, default=defaults.seed, help="The seed the data sets were made with."
        )
        parser.add_argument(
            "--output", default="", help="Write the JSON here instead of bench/results/."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings = runner.Options(
            queries_only=options["queries_only"],
            viewers=options["viewers"],
            concurrency=_levels(options["concurrency"]),
            web_workers=options["web_workers"],
            requests=options["requests"],
            seconds=options["seconds"],
            naive_requests=options["naive_requests"],
            naive_seconds=options["naive_seconds"],
            brief_processes=options["brief_processes"],
            briefs=options["briefs"],
            naive_briefs=options["naive_briefs"],
            largest_briefs=options["largest_briefs"],
            growth=not options["no_growth"],
            small_database=options["small_database"],
            seed=options["seed"],
        )
        try:
            if options["visibility_only"]:
                measure.data_set()
                runner.write(runner.visibility_report(), options["output"] or None)
                return
            results = runner.run(settings, log=lambda line: self.stdout.write(line))
        except measure.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(runner.table(results))
        for path in runner.write(results, options["output"] or None):
            self.stdout.write(f"Wrote {path}")
        if not results["all_met"]:
            self.stdout.write(self.style.WARNING("Some targets were missed (see above)."))


def _levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        levels = ()
    if not levels or min(levels) < 1 or max(levels) > 64:
        raise CommandError("--concurrency takes whole numbers from 1 to 64, like 2,4.")
    return levels
