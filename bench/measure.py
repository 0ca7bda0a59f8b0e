"""The measurements of ``manage.py bench``, each a function returning plain data.

Every measurement runs the real code and the naive baseline (``bench.naive``) on the same
people, partnerships and briefs, and checks that both give the same answer before
comparing how fast they give it.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections, transaction
from django.db.models import Count, Q, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from accounts.models import User
from bench import load, naive, seed
from consent.models import ConsentState
from consent.selectors import evidence_citable, evidence_visible_to
from evidence.models import Evidence, InsightBrief
from evidence.periods import last_ended_period, previous_period
from evidence.selectors import evidence_list_rows
from notifications.models import Notification
from partnerships.models import ActivityEvent, Organisation, Partnership, Party

PAGE_SIZES = (10, 50, 100)
LOAD_PAGE_SIZE = 50
HOST = "127.0.0.1"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class BenchError(Exception):
    """The bench cannot run here; the message says why and what to do."""


# --- Data set and people -------------------------------------------------------------------


def data_set() -> dict[str, int]:
    """Row counts of the data set in this database (refusing anything else)."""
    if connection.vendor != "postgresql":
        raise BenchError(
            "The bench measures LearnHub as it runs in production, on PostgreSQL; this "
            f"database is {connection.vendor}. Set DATABASE_URL=postgres://... "
            "to a database of its own and run `manage.py seed_scale` first."
        )
    users = User.objects
    if not users.filter(email=f"person00000@{seed.EMAIL_DOMAIN}").exists():
        raise BenchError(
            "This database does not hold the benchmark data set. Run "
            "`manage.py seed_scale` (with DATABASE_URL pointing at a database of its own) "
            "first."
        )
    states = ConsentState.objects
    return {
        "users": users.count(),
        "organisations": Organisation.objects.count(),
        "partnerships": Partnership.objects.count(),
        "parties": Party.objects.count(),
        "evidence": Evidence.objects.count(),
        "consent_states": states.count(),
        "consent_withdrawn": states.filter(granted=False).count(),
    }


def _accepted_counts() -> QuerySet[User]:
    """People with the number of partnerships they take part in (``n``)."""
    return (
        User.objects.filter(email__endswith=f"@{seed.EMAIL_DOMAIN}")
        .annotate(
            n=Count(
                "memberships__organisation__parties",
                filter=Q(memberships__organisation__parties__status=Party.Status.ACCEPTED),
            )
        )
        .order_by("pk")
    )


def _partnerships_of(user: User) -> QuerySet[Partnership]:
    return (
        Partnership.objects.filter(
            parties__status=Party.Status.ACCEPTED,
            parties__organisation__memberships__user=user,
        )
        .annotate(items=Count("evidence", distinct=True))
        .order_by("-items", "pk")
    )


@dataclass(frozen=True)
class Viewer:
    user: User
    partnerships: int  # how many partnerships the person takes part in
    partnership: int  # the one whose list is asked for
    role: str

    def describe(self) -> str:
        return f"{self.role} in {self.partnerships} partnership(s)"


def _viewer(user: User, count: int, partnership: Partnership) -> Viewer:
    role = (
        Party.objects.filter(
            partnership=partnership,
            status=Party.Status.ACCEPTED,
            organisation__memberships__user=user,
        )
        .values_list("role", flat=True)
        .first()
    )
    return Viewer(user=user, partnerships=count, partnership=partnership.pk, role=role or "?")


def extreme_viewers() -> tuple[Viewer, Viewer]:
    """The first person in the fewest partnerships and the first in the most, each
    looking at their partnership with the most evidence."""
    people = _accepted_counts()
    fewest = people.order_by("n", "pk").first()  # type: ignore[misc]
    most = people.order_by("-n", "pk").first()  # type: ignore[misc]
    if fewest is None or most is None:
        raise BenchError("The data set has nobody in it.")
    viewers = []
    for person in (fewest, most):
        partnership = _partnerships_of(person).first()
        if partnership is None:
            raise BenchError(f"{person.email} takes part in no partnership.")
        viewers.append(_viewer(person, person.n, partnership))  # type: ignore[attr-defined]
    return viewers[0], viewers[1]


def sample_viewers(count: int, *, seed_value: int = 0) -> list[Viewer]:
    """``count`` people spread evenly over how many partnerships they take part in, each
    looking at one of their partnerships chosen at random (the same every run)."""
    rng = random.Random(seed_value)
    people = list(_accepted_counts().filter(n__gt=0).order_by("n", "pk"))  # type: ignore[misc]
    if not people:
        raise BenchError("Nobody in the data set takes part in a partnership.")
    step = max(1, len(people) // count)
    chosen = people[::step][:count]
    viewers = []
    for person in chosen:
        partnerships = list(_partnerships_of(person).order_by("pk"))
        viewers.append(_viewer(person, person.n, rng.choice(partnerships)))  # type: ignore[attr-defined]
    return viewers


# --- Sessions ------------------------------------------------------------------------------


def sign_in(user: User) -> str:
    """A session for ``user`` in the session store, as signing in makes; its key."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def sign_out(keys: Sequence[str]) -> None:
    SessionStore.get_model_class().objects.filter(session_key__in=list(keys)).delete()


def real_path(partnership: int, page_size: int) -> str:
    return f"/api/v1/partnerships/{partnership}/evidence/?page_size={page_size}"


def naive_path(partnership: int, page_size: int) -> str:
    return f"/bench/naive/partnerships/{partnership}/evidence/?page_size={page_size}"


# --- Queries per request -------------------------------------------------------------------


def _count_queries(client: Any, path: str) -> tuple[int, list[int]]:
    connection.queries_log.clear()  # a full log (9,000 entries) would count nothing new
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_X_FORWARDED_PROTO="https")
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    body = response.json()
    return len(captured.captured_queries), [item["id"] for item in body["results"]]


def list_queries(viewers: Sequence[Viewer], *, naive_too: bool = True) -> list[dict[str, Any]]:
    """Queries per request of the evidence list for each viewer and page size.

    ``endpoint`` is what the view itself runs (the client is authenticated in memory, as
    the project's tests do); ``request`` adds what authentication costs on every real
    request (the session row and the user row); ``naive`` is the baseline's whole request.
    Both lists must show the same items.
    """
    rows = []
    with override_settings(ROOT_URLCONF="bench.urls"):
        for viewer in viewers:
            rows += _list_queries(viewer, naive_too=naive_too)
    return rows


def _list_queries(viewer: Viewer, *, naive_too: bool) -> list[dict[str, Any]]:
    rows = []
    if True:
        key = sign_in(viewer.user)
        try:
            by_session = Client(HTTP_HOST="localhost")
            by_session.cookies[settings.SESSION_COOKIE_NAME] = key
            in_memory = APIClient(HTTP_HOST="localhost")
            in_memory.force_authenticate(user=viewer.user)
            for size in PAGE_SIZES:
                endpoint, ids = _count_queries(in_memory, real_path(viewer.partnership, size))
                request, _ = _count_queries(by_session, real_path(viewer.partnership, size))
                row: dict[str, Any] = {
                    "viewer": viewer.describe(),
                    "user_partnerships": viewer.partnerships,
                    "partnership": viewer.partnership,
                    "page_size": size,
                    "items_on_page": len(ids),
                    "endpoint": endpoint,
                    "request": request,
                }
                if naive_too:
                    naive_count, naive_ids = _count_queries(
                        by_session, naive_path(viewer.partnership, size)
                    )
                    row["naive"] = naive_count
                    row["same_items"] = naive_ids == ids
                rows.append(row)
        finally:
            sign_out([key])
    return rows


# --- The visibility filter: plan and growth -----------------------------------------------


def visibility_query(viewer: Viewer) -> QuerySet[Evidence]:
    """The visibility filter as the list runs it: one partnership's items ``viewer`` may
    see, newest first (``consent.selectors.evidence_visible_to``)."""
    items = Evidence.objects.filter(partnership_id=viewer.partnership)
    return evidence_visible_to(user=viewer.user, queryset=items).order_by("-occurred_on", "-id")


def explain(queryset: QuerySet[Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of ``queryset``: the plan, its times, and whether any
    node reads the whole evidence table."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # warm the caches, as a running site has them
        cursor.fetchall()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {
        "plan": plan,
        "seq_scan_on_evidence": bool(re.search(r"Seq Scan on evidence_evidence\b", plan)),
        "evidence_indexes_used": sorted(
            set(
                re.findall(
                    r"Index (?:Only )?Scan (?:Backward )?using (\S+) on evidence_evidence", plan
                )
            )
            | set(re.findall(r"Bitmap Index Scan on (evidence_\S+)", plan))
        ),
        "planning_ms": float(planning.group(1)) if planning else None,
        "execution_ms": float(execution.group(1)) if execution else None,
    }


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def visibility_time(viewers: Sequence[Viewer], repeat: int = 7) -> dict[str, Any]:
    """Median time of the evidence list's visibility filter as the list applies it (the
    parties whose items ``viewer`` may see, then the count and the first page of their
    items) over ``viewers``, each the median of ``repeat`` runs."""
    per_viewer = []
    for viewer in viewers:
        partnership = Partnership.objects.get(pk=viewer.partnership)

        def run(partnership: Partnership = partnership, viewer: Viewer = viewer) -> None:
            visible = evidence_list_rows(user=viewer.user, partnership=partnership)
            visible.count()
            list(visible[:LOAD_PAGE_SIZE].values_list("pk", flat=True))

        per_viewer.append(_median_ms(run, repeat))
    return {
        "evidence_items": Evidence.objects.count(),
        "viewers": len(per_viewer),
        "median_ms": round(statistics.median(per_viewer), 2),
        "p90_ms": round(sorted(per_viewer)[max(0, int(0.9 * len(per_viewer)) - 1)], 2),
    }


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for this database's server, optionally naming another database."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(name or db['NAME'], safe='')}"


def companion_database(
    name: str, *, scale: float, seed_value: int, log: Callable[[str], None]
) -> str:
    """The URL of database ``name`` on the same server, holding the data set at
    ``scale`` (created, migrated and seeded first when needed)."""
    import psycopg

    db = connections["default"].settings_dict
    with psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"Creating database {name} for the {scale:g}-scale data set…")
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": database_url(name=name)}
    manage = str(settings.BASE_DIR / "manage.py")
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["seed_scale", "--scale", f"{scale:g}", "--seed", str(seed_value)],
    ):
        done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, manage, *command], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BenchError(
                f"Preparing {name} failed ({' '.join(command)}):\n{done.stderr[-2000:]}"
            )
        if command[0] == "seed_scale":
            log(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    return database_url(name=name)


def in_database(url: str, *arguments: str) -> dict[str, Any]:
    """Run ``manage.py bench <arguments> --output <file>`` against the database at
    ``url`` (a separate process, so every query, the list's included, goes there) and
    return the JSON it wrote."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "result.json")
        done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "bench",
                *arguments,
                "--output",
                output,
            ],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BenchError(f"bench {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
        with open(output) as result:
            return dict(json.load(result))


# --- Load through gunicorn ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(*, workers: int, log: Callable[[str], None]) -> Iterator[int]:
    """A gunicorn serving LearnHub with production settings on a loopback port; yields
    the port and stops it (only the process it started) afterwards."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DJANGO_DEBUG", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            # The sessions the bench signs people in with are signed with this key.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LEARNHUB_SITE_URL": f"http://{HOST}:{port}",
            "DATABASE_URL": database_url(),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "learnhub.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        command,
        cwd=str(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_serving(port, process)
        log(f"gunicorn ({workers} sync workers, production settings) on {HOST}:{port}")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(port: int, process: subprocess.Popen[str]) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr else ""
            raise BenchError(f"gunicorn stopped before serving:\n{error[-2000:]}")
        try:
            probe = http.client.HTTPConnection(HOST, port, timeout=5)
            probe.request("GET", "/healthz/", headers={"X-Forwarded-Proto": "https"})
            if probe.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError("gunicorn did not answer /healthz/ within a minute.")


def load_targets(
    viewers: Sequence[Viewer], keys: dict[int, str], path: Callable[[int, int], str]
) -> list[load.Target]:
    cookie = settings.SESSION_COOKIE_NAME
    return [
        load.Target(
            path=path(viewer.partnership, LOAD_PAGE_SIZE),
            headers={
                "Cookie": f"{cookie}={keys[viewer.user.pk]}",
                "X-Forwarded-Proto": "https",
                "Host": "localhost",
                "Accept": "application/json",
            },
        )
        for viewer in viewers
    ]


# --- Brief drafting ----------------------------------------------------------------------


def use_memory_broker() -> None:
    """Drafting queues notification emails after commit; the bench never delivers them.
    An in-memory broker takes the messages (in every process) so no real queue or inbox
    sees benchmark traffic."""
    from learnhub.celery import app

    app.conf.update(broker_url="memory://localhost/", task_always_eager=False)


@contextmanager
def memory_broker() -> Iterator[None]:
    """``use_memory_broker`` for the duration, then Celery's settings as they were."""
    from learnhub.celery import app

    before = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    # Celery keeps the producer pool of the first broker it published to: set it aside,
    # so messages go to memory now and to the real broker again afterwards.
    pool = getattr(app, "_pool", None)
    setattr(app, "_pool", None)  # noqa: B010 - a private attribute celery-types omits
    use_memory_broker()
    try:
        yield
    finally:
        app.conf.update(**before)
        setattr(app, "_pool", pool)  # noqa: B010


@dataclass
class BriefSet:
    ids: list[int]
    small: int  # the brief with the fewest items in its period
    large: int  # and with the most
    items: dict[int, int]
    started_at: Any


def make_briefs(limit: int | None) -> BriefSet:
    """One brief "drafting" per active partnership, for the last period of its cadence
    that ended by the data set's last day (as the schedule would ask for)."""
    from django.utils import timezone

    started_at = timezone.now()
    partnerships = Partnership.objects.filter(status=Partnership.Status.ACTIVE).order_by("pk")
    if limit:
        partnerships = partnerships[:limit]
    day_after = seed.ANCHOR + timedelta(days=1)
    briefs = []
    for partnership in partnerships:
        period = last_ended_period(day_after, partnership.brief_cadence)
        briefs.append(
            InsightBrief(
                partnership=partnership,
                period_start=period.start,
                period_end=period.end,
                status=InsightBrief.Status.DRAFTING,
            )
        )
    # Left over from an interrupted run (the seed makes no briefs).
    leftovers = Q(pk__in=[])
    for brief in briefs:
        leftovers |= Q(
            partnership=brief.partnership,
            period_start=brief.period_start,
            period_end=brief.period_end,
        )
    InsightBrief.objects.filter(leftovers).delete()
    created = InsightBrief.objects.bulk_create(briefs)
    items: dict[int, int] = {}
    both: set[int] = set()  # briefs with items in their period and in the one before
    for brief in created:
        period = last_ended_period(day_after, brief.partnership.brief_cadence)
        before = previous_period(period)
        of_partnership = evidence_citable(
            queryset=Evidence.objects.all(), partnership=brief.partnership, stage="draft"
        )
        now = of_partnership.filter(occurred_on__range=(period.start, period.end)).count()
        earlier = of_partnership.filter(occurred_on__range=(before.start, before.end)).count()
        items[brief.pk] = now + earlier
        if now and earlier:
            both.add(brief.pk)
    ids = [brief.pk for brief in created]
    if not ids:
        raise BenchError("The data set has no active partnership to draft a brief for.")
    # Compare two briefs that both have items to cite and to compare with: with none,
    # Django skips a prefetch or an insert, so an empty brief is a query or two cheaper.
    candidates = sorted(both) or ids
    small = min(candidates, key=lambda pk: (items[pk], pk))
    large = max(candidates, key=lambda pk: (items[pk], -pk))
    return BriefSet(ids=ids, small=small, large=large, items=items, started_at=started_at)


def reset_briefs(ids: Sequence[int]) -> None:
    """Back to how the schedule asks for a brief: "drafting", with no sections and no
    citations, so every drafter timed on them writes all of a brief, whichever drafted
    them before (a drafter that only adds citations would otherwise find them there)."""
    briefs = InsightBrief.objects.filter(pk__in=list(ids))
    InsightBrief.cited_evidence.through.objects.filter(insightbrief__in=briefs).delete()
    InsightBrief.compared_evidence.through.objects.filter(insightbrief__in=briefs).delete()
    briefs.update(
        status=InsightBrief.Status.DRAFTING,
        sections=[],
        what_changed=[],
        plain_language={},
        drafted_at=None,
    )


def remove_briefs(briefs: BriefSet) -> None:
    """Take away everything drafting the bench's briefs left behind, so the next run
    finds the tables as this one did (the partnerships are read before their briefs
    go: a subquery on the briefs would find none by then)."""
    partnerships = list(
        InsightBrief.objects.filter(pk__in=briefs.ids).values_list("partnership_id", flat=True)
    )
    InsightBrief.objects.filter(pk__in=briefs.ids).delete()
    Notification.objects.filter(
        kind="brief_draft_ready",
        created_at__gte=briefs.started_at,
        partnership_id__in=partnerships,
    ).delete()
    ActivityEvent.objects.filter(verb="brief_drafted", created_at__gte=briefs.started_at).delete()
    if not connection.in_atomic_block:  # leave the tables as compact as they were found
        with connection.cursor() as cursor:
            for model in (
                InsightBrief,
                InsightBrief.cited_evidence.through,
                InsightBrief.compared_evidence.through,
                Notification,
                ActivityEvent,
            ):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')


def _real_draft(brief_ids: list[int]) -> list[str]:
    """The schedule's way: ``evidence.draft_briefs`` drafts a batch together (one brief
    is a batch of one: ``evidence.draft_brief`` does the same)."""
    from evidence.tasks import draft_briefs

    statuses = draft_briefs(brief_ids)
    return [statuses[str(brief_id)] for brief_id in brief_ids]


def _naive_draft(brief_ids: list[int]) -> list[str]:
    """The naive drafter takes one brief at a time, as a per-item implementation would."""
    statuses = []
    for brief_id in brief_ids:
        brief = naive.naive_brief_draft(brief_id)
        statuses.append("missing" if brief is None else str(brief.status))
    return statuses


DRAFTERS: dict[str, Callable[[list[int]], list[str]]] = {
    "real": _real_draft,
    "naive": _naive_draft,
}


def batch_size(which: str) -> int:
    """Briefs per job: the real drafter's batch (``LEARNHUB_BRIEF_DRAFT_BATCH``, as the
    schedule queues them); one for the naive drafter."""
    from django.conf import settings

    return max(1, int(settings.LEARNHUB_BRIEF_DRAFT_BATCH)) if which == "real" else 1


def _warm_up() -> None:
    """What a long-running worker has done once and for all before the briefs it is timed
    on: loaded the libraries drafting imports when first used, and built the URL
    resolver. Done in the parent, so every forked worker process starts warm."""
    from django.urls import reverse
    from sklearn.decomposition import NMF  # noqa: F401
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401

    reverse("evidence:brief-detail", args=[1])


def _worker_init(which: str, warm_ids: Sequence[int], all_warm: Any) -> None:
    """Each drafting process starts as a Celery worker process of a deployment would:
    connected, one thread for the numerical libraries (``learnhub.celery``), ``DEBUG``
    off, so no query is logged, whatever the settings the bench runs with, and warm
    (``_draft_and_undo``)."""
    from django.conf import settings

    from learnhub.celery import limit_native_threads

    settings.DEBUG = False
    limit_native_threads()
    connections.close_all()
    use_memory_broker()
    connection.ensure_connection()
    try:
        _draft_and_undo(which, warm_ids)
    except Exception:
        # Not raised here: the pool would start the process again and again, and the
        # others would wait at the barrier for ever. The timed jobs fail the same way,
        # and the run stops with their error.
        traceback.print_exc()
    all_warm.wait()  # none starts drafting while another is still warming up


class _Undo(Exception):
    """Rolls the warm-up draft back."""


def _draft_and_undo(which: str, ids: Sequence[int]) -> None:
    """Draft ``ids`` with ``which`` and roll it all back: a worker of a deployment has
    drafted before (its database session has read and written these tables, its code
    paths have run once), while a new process's first batch costs a third more. The
    texts' terms it read are forgotten again: a worker meets each brief's texts once."""
    from evidence import synthesis

    try:
        with transaction.atomic():
            DRAFTERS[which](list(ids))
            raise _Undo
    except _Undo:
        pass
    synthesis._terms_in.cache_clear()


def _ready(_: int) -> None:
    """A moment's work for each new worker process, so timing starts once all are up."""
    time.sleep(0.2)


def jobs_for(which: str, ids: Sequence[int], processes: int) -> list[list[int]]:
    """Split ``ids`` into jobs as the workers would get them: one brief each for the naive
    drafter; for the real one, batches of at most ``batch_size`` and of even sizes, as many
    as keep every process busy to the end (a multiple of ``processes``)."""
    size = batch_size(which)
    if size == 1:
        return [[pk] for pk in ids]
    rounds = -(-len(ids) // (size * processes))
    count = min(len(ids), rounds * processes)
    return [list(ids[n::count]) for n in range(count)] if count else []


def _draft_job(job: tuple[str, list[int]]) -> tuple[list[int], list[str], float]:
    which, brief_ids = job
    started = time.perf_counter()
    statuses = DRAFTERS[which](brief_ids)
    return brief_ids, statuses, time.perf_counter() - started


def draft_throughput(
    which: str, ids: Sequence[int], *, processes: int, max_seconds: float
) -> dict[str, Any]:
    """Draft ``ids`` with ``processes`` worker processes each calling the drafting
    function, as Celery workers would (``evidence.tasks.draft_briefs`` with a batch at a
    time for "real", see ``jobs_for``); partnerships per minute."""
    _warm_up()
    connections.close_all()
    size = batch_size(which)
    jobs = [(which, batch) for batch in jobs_for(which, ids, processes)]
    context = multiprocessing.get_context("fork")
    done: list[tuple[str, float]] = []
    warm = (which, jobs[0][1] if jobs else [], context.Barrier(processes))
    with context.Pool(processes, initializer=_worker_init, initargs=warm) as pool:
        pool.map(_ready, range(processes), chunksize=1)
        started = time.perf_counter()
        for brief_ids, statuses, seconds in pool.imap_unordered(_draft_job, jobs, chunksize=1):
            done.extend((status, seconds / len(brief_ids)) for status in statuses)
            if time.perf_counter() - started > max_seconds:
                pool.terminate()
                break
    seconds = time.perf_counter() - started
    drafted = [r for r in done if r[0] == InsightBrief.Status.DRAFT]
    return {
        "processes": processes,
        "batch": size,
        "briefs": len(drafted),
        "not_drafted": len(done) - len(drafted),
        "seconds": round(seconds, 2),
        "per_minute": round(len(drafted) / seconds * 60, 1) if seconds else 0.0,
        "median_ms_per_brief": round(statistics.median(r[1] for r in done) * 1000, 1)
        if done
        else None,
        # How much of the time the processes spent drafting: the rest is handing out
        # jobs and the last jobs' tail, when one process has nothing left to do.
        "busy": round(sum(r[1] for r in done) / (processes * seconds), 2) if seconds else None,
    }


def brief_queries(which: str, batches: Sequence[Sequence[int]]) -> list[int]:
    """Queries to draft each batch of briefs (in this process; reset to drafting first)."""
    counts = []
    for batch in batches:
        reset_briefs(batch)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            statuses = DRAFTERS[which](list(batch))
        if any(status != InsightBrief.Status.DRAFT for status in statuses):
            raise BenchError(f"Briefs {list(batch)} were not all drafted ({statuses}).")
        counts.append(len(captured.captured_queries))
    return counts


def sections_of(ids: Sequence[int]) -> dict[int, Any]:
    return dict(InsightBrief.objects.filter(pk__in=list(ids)).values_list("pk", "sections"))


def cited_of(ids: Sequence[int]) -> dict[int, list[int]]:
    cited: dict[int, list[int]] = {pk: [] for pk in ids}
    through = InsightBrief.cited_evidence.through
    for brief_id, evidence_id in (
        through.objects.filter(insightbrief_id__in=list(ids))
        .order_by("evidence_id")
        .values_list("insightbrief_id", "evidence_id")
    ):
        cited[brief_id].append(evidence_id)
    return cited


def findings_report(ids: Sequence[int]) -> dict[str, Any]:
    """What the drafted briefs ``ids`` say in their findings: how many there are, the
    share citing evidence (at least one item the brief cites, and nothing it neither
    cites nor compares with), sections opening with findings, and the Flesch reading
    ease of all the findings' text together (``evidence.synthesis.reading_ease``)."""
    from evidence import synthesis

    cited = cited_of(ids)
    through = InsightBrief.compared_evidence.through
    compared: dict[int, set[int]] = {pk: set() for pk in ids}
    for brief_id, evidence_id in through.objects.filter(insightbrief_id__in=list(ids)).values_list(
        "insightbrief_id", "evidence_id"
    ):
        compared[brief_id].add(evidence_id)
    texts: list[str] = []
    findings = citing = sections = opened = 0
    for pk, stored in sections_of(ids).items():
        brief_cited = set(cited[pk])
        for section in stored or []:
            if not section["counts"]["total"]:
                continue  # nothing to find: the section's gap says so
            sections += 1
            opened += bool(section.get("findings"))
            for finding in section.get("findings", []):
                findings += 1
                evidence = set(finding["evidence"])
                citing += bool(evidence & brief_cited) and evidence <= brief_cited | compared[pk]
                texts.append(finding["text"])
    return {
        "briefs": len(ids),
        "findings": findings,
        "citing_evidence": round(100 * citing / findings, 1) if findings else None,
        "sections_with_evidence": sections,
        "opening_with_findings": round(100 * opened / sections, 1) if sections else None,
        "reading_ease": synthesis.reading_ease(" ".join(texts)),
    }
