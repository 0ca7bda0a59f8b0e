"""``manage.py seed_scale``: the benchmark data set (see ``bench.seed``).

    manage.py seed_scale                # 10,000 people, 1,000 partnerships, 100,000 items
    manage.py seed_scale --scale 0.01   # the same shape, a hundredth of the size
    manage.py seed_scale --reset        # empty the LearnHub tables first, then seed

Running it again with the same scale and seed changes nothing. PostgreSQL only: it
writes with COPY, which is what makes 100,000 items take seconds, not an hour.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts.models import User
from bench import seed
from evidence.models import Evidence
from partnerships.models import Organisation, Partnership


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic data set for benchmarks: 10,000 people, "
        "100 organisations, 1,000 partnerships and 100,000 evidence items at --scale 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every count by this (0.01 for a quick set). Default 1.",
        )
        parser.add_argument(
            "--seed", type=int, default=7, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty every LearnHub table first (all their data, not only the seed's).",
        )
        parser.add_argument(
            "--allow-other-data",
            action="store_true",
            help="With --reset: go ahead even though the database holds people who were "
            "not made by this command.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL's COPY, so it needs PostgreSQL: set "
                "DATABASE_URL=postgres://... (this database is "
                f"{connection.vendor})."
            )
        scale: float = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        started = time.monotonic()
        plan = seed.make_plan(scale=scale, seed=options["seed"])
        sizes = plan.sizes

        if self._already_seeded(plan) and not options["reset"]:
            self.stdout.write(
                f"The data set for --scale {scale:g} --seed {options['seed']} is already "
                f"here ({sizes.users:,} people, {sizes.partnerships:,} partnerships, "
                f"{sizes.evidence:,} evidence items). Nothing to do."
            )
            return
        if options["reset"]:
            others = User.objects.exclude(email__endswith=f"@{seed.EMAIL_DOMAIN}").count()
            if others and not options["allow_other_data"]:
                raise CommandError(
                    f"This database has {others:,} people who were not made by seed_scale, "
                    "and --reset would delete them with everything else. Use a database of "
                    "its own for benchmarks, or add --allow-other-data if you mean it."
                )
        elif self._has_data():
            raise CommandError(
                "This database already has LearnHub data (or a data set of another scale or "
                "seed). Run with --reset to empty it first; the benchmark needs the data "
                "set alone."
            )

        with transaction.atomic():
            if options["reset"]:
                self.stdout.write("Emptying the LearnHub tables…")
                seed.reset()
            self.stdout.write(
                f"Writing {sizes.users:,} people, {sizes.organisations:,} organisations, "
                f"{sizes.partnerships:,} partnerships and {sizes.evidence:,} evidence items…"
            )
            written = seed.write(plan)
        self.stdout.write("Updating the planner's statistics…")
        seed.analyse()

        low, high, mean = written.partnerships_per_user
        for table, rows in sorted(written.rows.items()):
            self.stdout.write(f"  {table:<48} {rows:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.0f} s. "
                f"{written.withdrawn_share:.0%} of current consent decisions are withdrawals; "
                f"people take part in {low} to {high} partnerships ({mean} on average). "
                f"Everyone signs in with the password {seed.PASSWORD!r}."
            )
        )

    def _already_seeded(self, plan: seed.Plan) -> bool:
        first = User.objects.filter(email=f"person00000@{seed.EMAIL_DOMAIN}").first()
        return (
            first is not None
            and first.name == plan.user_names[0]
            and User.objects.count() == plan.sizes.users
            and Organisation.objects.count() == plan.sizes.organisations
            and Partnership.objects.count() == plan.sizes.partnerships
            and Evidence.objects.count() == plan.sizes.evidence
        )

    def _has_data(self) -> bool:
        return any(model.objects.exists() for model in (User, Organisation, Partnership, Evidence))
