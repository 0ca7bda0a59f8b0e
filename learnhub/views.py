"""Operational endpoints: not product pages and not part of the REST API contract."""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learnhub.broker import broker_answers, broker_kind
from learnhub.models import Heartbeat

# Beat sends a heartbeat every LEARNHUB_HEARTBEAT_SECONDS; allow a few to go missing.
_MISSED_HEARTBEATS_ALLOWED = 3


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for load balancers and ``docker compose``: 200 while the database and the
    broker answer, 503 while either does not (the broker is asked for a real connection,
    with ``LEARNHUB_BROKER_TIMEOUT_SECONDS`` to answer).

    A silent worker does not make the web unhealthy; it is reported as ``stale`` (or
    ``unknown`` before its first heartbeat) so a person can see it. The answer names no
    host, user, URL or secret: only states, the broker's kind and a time.
    """
    try:
        heartbeat = Heartbeat.objects.filter(id=Heartbeat.SINGLETON_ID).first()
    except DatabaseError:
        database, heartbeat = "error", None
    else:
        database = "ok"

    worker: dict[str, str | int | None]
    if heartbeat is None:
        worker = {"status": "unknown", "last_heartbeat": None, "seconds_since": None}
    else:
        age = timezone.now() - heartbeat.beat_at
        limit = timedelta(seconds=settings.LEARNHUB_HEARTBEAT_SECONDS * _MISSED_HEARTBEATS_ALLOWED)
        worker = {
            "status": "ok" if age <= limit else "stale",
            "last_heartbeat": heartbeat.beat_at.isoformat(),
            "seconds_since": max(0, round(age.total_seconds())),
        }

    broker = "ok" if broker_answers() else "error"
    healthy = database == "ok" and broker == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "broker": {"kind": broker_kind(), "status": broker},
            "worker": worker,
        },
        status=200 if healthy else 503,
    )
