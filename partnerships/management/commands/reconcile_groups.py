"""``manage.py reconcile_groups``: organisation permission groups follow memberships.

``--check`` changes nothing and exits 1 when any group is out of step (for monitoring).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from partnerships.services import organisation_groups_reconcile


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Make organisation permission groups match memberships (or --check them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; exit 1 when out of step."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            found: dict[str, int] = {}
            try:
                with transaction.atomic():
                    found = organisation_groups_reconcile()
                    raise _DryRun
            except _DryRun:
                pass
            if found["removed"] or found["added"]:
                raise CommandError(
                    f"Out of step: {found['removed']} group rows without a membership, "
                    f"{found['added']} memberships without their group."
                )
            self.stdout.write("Organisation groups match memberships.")
            return
        done = organisation_groups_reconcile()
        self.stdout.write(
            f"Removed {done['removed']} group rows without a membership; "
            f"added {done['added']} missing ones."
        )
