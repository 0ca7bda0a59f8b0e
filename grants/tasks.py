"""Celery tasks of the grants app: thin, they take ids and call a service."""

from celery import shared_task

from grants.services import grant_import_run
from learnhub.tasks import RELIABLE


@shared_task(name="grants.run_import", **RELIABLE, time_limit=900, soft_time_limit=840)
def run_import(import_id: int) -> str:
    """Import one uploaded 360Giving file (a second delivery changes nothing)."""
    grant_import = grant_import_run(import_id=import_id)
    return "skipped" if grant_import is None else str(grant_import.status)
