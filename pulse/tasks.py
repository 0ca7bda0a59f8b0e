"""Background jobs of the pulse: thin, named, idempotent (see ``learnhub.tasks.RELIABLE``)."""

from celery import shared_task

from learnhub.tasks import RELIABLE
from pulse.services import pulse_flags_sweep


@shared_task(name="pulse.flag_periods", **RELIABLE, time_limit=300, soft_time_limit=240)
def flag_periods() -> int:
    """Flag recent low or falling pulses not flagged yet (a second run changes nothing)."""
    return pulse_flags_sweep()
