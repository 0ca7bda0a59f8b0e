"""``manage.py bench_grants``: grants search and similar work over 100,000 grants
(PostgreSQL). Seeds the bench's grants when missing, times them, prints the targets and
writes ``bench/results/grants-*.json``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench import grants


class Command(BaseCommand):
    help = "Time grants search and similar work over many grants (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grants", type=int, default=grants.TARGET_GRANTS)
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--no-save", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The grants bench needs PostgreSQL (set DATABASE_URL).")
        written = grants.seed_grants(options["grants"])
        if written:
            self.stdout.write(f"Seeded {written:,} grants.")
        result = grants.measure(rounds=options["rounds"])
        result["targets"] = grants.targets(result)
        result["all_met"] = all(t["met"] for t in result["targets"])
        for target in result["targets"]:
            mark = "met" if target["met"] else "NOT MET"
            self.stdout.write(f"{target['target']}: {target['measured']} ({target['goal']}) {mark}")
        if not options["no_save"]:
            self.stdout.write(f"Saved {grants.save(result)}")
