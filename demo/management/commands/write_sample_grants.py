"""Write the demo's 360Giving sample file (demo/data/360giving-sample-grants.csv)."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.sample_grants import write_sample_grants


class Command(BaseCommand):
    help = "Write the demo's sample 360Giving file of made-up UK grants."

    def handle(self, *args: Any, **options: Any) -> None:
        path = write_sample_grants()
        self.stdout.write(f"Wrote {path}")
