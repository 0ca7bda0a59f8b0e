"""The people the soak plays: funders, grantees and learning partners using the API
through the proxy, each on a thread of its own, signed in with allauth's headless app
login (``X-Session-Token``), for a bounded time and a bounded number of requests.

Every request is recorded (role, action, when sent and answered, status), and each write
whose saving the checks must verify carries a marker: an evidence item's title, a
consent record's note.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from soak.checks import NO_ANSWER, Request

HOST = "127.0.0.1"
#: No thread sends more than this, whatever the duration.
MAX_REQUESTS_PER_PERSON = 20_000
REQUEST_TIMEOUT = 90.0


class Recorder:
    """Every request of the run, in one list, with the run's clock (seconds from start)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        #: The same moment on the wall clock, to place database timestamps on the run's clock.
        self.wall_started = time.time()
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.nodes: dict[str, int] = {}
        self.unexpected: list[str] = []
        self.due_periods: set[tuple[int, date, date]] = set()

    def now(self) -> float:
        return time.monotonic() - self.started

    def add(self, request: Request, node: str, expected: Iterable[int]) -> None:
        with self._lock:
            self.requests.append(request)
            if node:
                self.nodes[node] = self.nodes.get(node, 0) + 1
            if not request.failed and request.status not in expected:
                self.unexpected.append(
                    f"{request.role} {request.method} {request.action}: {request.status}"
                )

    def due(self, partnership: int, start: date, end: date) -> None:
        with self._lock:
            self.due_periods.add((partnership, start, end))


@dataclass
class Client:
    """One person's connection to the proxy (kept alive, opened again after an error)."""

    port: int
    role: str
    recorder: Recorder
    token: str = ""
    email: str = ""
    password: str = ""
    conn: http.client.HTTPConnection | None = None

    def _send(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, bytes, str]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                payload = None if body is None else json.dumps(body)
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, data, response.getheader("X-Soak-Node") or ""
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The proxy closed a kept-alive connection between two requests: send again
                # once on a new one (nothing reached the server).
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def call(
        self,
        action: str,
        method: str,
        path: str,
        body: Any = None,
        expected: Iterable[int] = (200,),
        marker: str = "",
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json", "Host": "localhost"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["X-Session-Token"] = self.token
        sent = self.recorder.now()
        node = ""
        try:
            status, data, node = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            status, data = NO_ANSWER, b""
        answered = self.recorder.now()
        parsed: Any = None
        if data[:1] in (b"{", b"["):
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = None
        created = parsed.get("id") if status == 201 and isinstance(parsed, dict) else None
        self.recorder.add(
            Request(self.role, action, method, sent, answered, status, marker, created),
            node,
            expected,
        )
        if status == 401 and self.email and action != "login":
            self.login(self.email, self.password)
        return status, parsed

    def login(self, email: str, password: str) -> bool:
        """Sign in (again); a person whose sign-in fails keeps the session they had."""
        self.email, self.password = email, password
        kept, self.token = self.token, ""
        status, data = self.call(
            "login", "POST", "/_allauth/app/v1/auth/login",
            {"email": email, "password": password}, expected=(200, 429),
        )  # fmt: skip
        token = data.get("meta", {}).get("session_token", "") if isinstance(data, dict) else ""
        self.token = token if status == 200 and token else kept
        return bool(status == 200 and token)


def weeks_ago(k: int, today: date | None = None) -> tuple[date, date]:
    """The Monday-to-Sunday week ``k`` weeks before this one (London calendar)."""
    if today is None:
        from datetime import datetime

        today = datetime.now(ZoneInfo("Europe/London")).date()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=k)
    return monday, monday + timedelta(days=6)


@dataclass
class Person:
    """A thread playing one person until ``deadline`` (seconds on the recorder's clock)."""

    client: Client
    email: str
    password: str
    partnerships: list[dict[str, Any]]
    deadline: float
    seed: int
    stop: threading.Event
    rng: random.Random = field(init=False)
    known_briefs: dict[int, dict[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - load pattern, not secrets

    def run(self) -> None:
        if not self._login_with_retries():
            return
        for _ in range(MAX_REQUESTS_PER_PERSON):
            if self.stop.is_set() or self.client.recorder.now() >= self.deadline:
                break
            partnership = self.rng.choice(self.partnerships)
            if not self.maybe_sign_in_again():
                self.act(partnership)
            time.sleep(self.rng.uniform(0.05, 0.3))

    def _login_with_retries(self) -> bool:
        for _ in range(10):
            if self.client.login(self.email, self.password):
                return True
            if self.stop.wait(2.0):
                return False
        return False

    def act(self, partnership: dict[str, Any]) -> None:
        raise NotImplementedError

    def maybe_sign_in_again(self) -> bool:
        """Now and then a person signs in afresh (a new device, an expired session)."""
        if self.rng.random() < 0.02:
            self.client.login(self.email, self.password)
            return True
        return False

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def list_briefs(self, pid: int) -> dict[int, str]:
        status, data = self.client.call(
            "briefs list", "GET", f"/api/v1/partnerships/{pid}/briefs/?page_size=100"
        )
        if status == 200 and isinstance(data, dict):
            self.known_briefs[pid] = {b["id"]: b["status"] for b in data.get("results", [])}
        return self.known_briefs.get(pid, {})

    def read_brief(self, pid: int, statuses: tuple[str, ...] = ("draft", "published")) -> None:
        briefs = [bid for bid, s in self.known_briefs.get(pid, {}).items() if s in statuses]
        if not briefs:
            self.list_briefs(pid)
            return
        brief = self.rng.choice(briefs)
        if self.rng.random() < 0.5:
            self.client.call("brief detail", "GET", f"/api/v1/briefs/{brief}/", expected=(200, 404))
        else:
            fmt = self.rng.choices(["json", "md", "html", "pdf"], weights=[4, 4, 2, 0.3])[0]
            self.client.call(
                f"brief export {fmt}", "GET", f"/api/v1/briefs/{brief}/export/?format={fmt}",
                expected=(200, 404),
            )  # fmt: skip


class Grantee(Person):
    """A grantee's admin: adds evidence, withdraws and gives consent again, reads."""

    consent: dict[tuple[int, str], bool | None]

    def __post_init__(self) -> None:
        super().__post_init__()
        self.consent = {}

    def act(self, partnership: dict[str, Any]) -> None:
        pid = partnership["id"]
        choice = self.pick(
            {"submit": 40, "consent": 10, "evidence list": 20, "consent current": 10,
             "briefs": 10, "export csv": 5, "brief": 5}
        )  # fmt: skip
        if choice == "submit":
            self.submit(partnership)
        elif choice == "consent":
            self.change_consent(pid)
        elif choice == "evidence list":
            self.client.call(
                "evidence list", "GET", f"/api/v1/partnerships/{pid}/evidence/?page_size=20"
            )
        elif choice == "consent current":
            self.client.call(
                "consent current", "GET", f"/api/v1/partnerships/{pid}/consents/current/"
            )
        elif choice == "briefs":
            self.list_briefs(pid)
        elif choice == "export csv":
            self.client.call(
                "evidence export", "GET", f"/api/v1/partnerships/{pid}/evidence/export.csv"
            )
        else:
            self.read_brief(pid, ("published",))

    def submit(self, partnership: dict[str, Any]) -> None:
        marker = f"soak-{uuid.uuid4().hex[:16]}"
        kind = self.rng.choice(["quote", "story", "statistic", "learning_log"])
        body: dict[str, Any] = {
            "kind": kind,
            "title": marker,
            "body": self.rng.choice(
                [
                    "People said the evening sessions were easier to reach after work.",
                    "Nobody answered the phone line on Fridays, so people gave up.",
                    "Volunteers who knew people by name got them to come back.",
                ]
            ),
            "questions": [self.rng.choice(partnership["questions"])],
            "valence": self.rng.choice(["working", "not_working", "mixed", "unclear"]),
            "attribution": self.rng.choice(["named", "anonymous"]),
            "occurred_on": (
                weeks_ago(0)[0] - timedelta(days=self.rng.randrange(0, 35))
            ).isoformat(),
        }
        if kind == "statistic":
            body.update(value=self.rng.randrange(1, 90), unit="people")
        self.client.call(
            "evidence submit", "POST", f"/api/v1/partnerships/{partnership['id']}/evidence/",
            body, expected=(201, 403), marker=marker,
        )  # fmt: skip

    def change_consent(self, pid: int) -> None:
        purpose = self.rng.choices(["participate", "publish"], weights=[6, 4])[0]
        if self.consent.get((pid, purpose)) is None and not self._resync(pid):
            return
        granted = self.consent.get((pid, purpose), True)
        marker = f"soak-{uuid.uuid4().hex[:16]}"
        status, _ = self.client.call(
            f"consent {'withdraw' if granted else 'grant'}", "POST",
            f"/api/v1/partnerships/{pid}/consents/",
            {"purpose": purpose, "decision": "withdraw" if granted else "grant", "note": marker},
            expected=(201,), marker=marker,
        )  # fmt: skip
        self.consent[(pid, purpose)] = (not granted) if status == 201 else None

    def _resync(self, pid: int) -> bool:
        status, data = self.client.call(
            "consent current", "GET", f"/api/v1/partnerships/{pid}/consents/current/"
        )
        if status != 200 or not isinstance(data, list):
            return False
        mine = self.partnership_party(pid)
        for row in data:
            if row.get("party") == mine:
                for purpose, granted in row.get("purposes", {}).items():
                    self.consent[(pid, purpose)] = bool(granted)
        return True

    def partnership_party(self, pid: int) -> int | None:
        for partnership in self.partnerships:
            if partnership["id"] == pid:
                return int(partnership["my_party"])
        return None


class Funder(Person):
    """A funder: reads lists, evidence it may see, published briefs and their exports."""

    def act(self, partnership: dict[str, Any]) -> None:
        pid = partnership["id"]
        choice = self.pick(
            {"partnerships": 15, "evidence list": 30, "briefs": 20, "brief": 20,
             "consent current": 10, "parties": 5}
        )  # fmt: skip
        if choice == "partnerships":
            self.client.call("partnership list", "GET", "/api/v1/partnerships/")
        elif choice == "evidence list":
            self.client.call(
                "evidence list", "GET", f"/api/v1/partnerships/{pid}/evidence/?page_size=50"
            )
        elif choice == "briefs":
            self.list_briefs(pid)
        elif choice == "brief":
            self.read_brief(pid, ("published",))
        elif choice == "consent current":
            self.client.call(
                "consent current", "GET", f"/api/v1/partnerships/{pid}/consents/current/"
            )
        else:
            self.client.call("parties", "GET", f"/api/v1/partnerships/{pid}/parties/")


class LearningPartner(Person):
    """A learning partner: asks for briefs for past weeks, reads, redrafts and publishes."""

    def act(self, partnership: dict[str, Any]) -> None:
        pid = partnership["id"]
        choice = self.pick(
            {"request": 20, "briefs": 20, "brief": 30, "publish": 10, "redraft": 5,
             "evidence list": 15}
        )  # fmt: skip
        if choice == "request":
            start, end = weeks_ago(self.rng.randrange(2, 31))
            status, data = self.client.call(
                "brief request", "POST", f"/api/v1/partnerships/{pid}/briefs/",
                {"period_start": start.isoformat(), "period_end": end.isoformat()},
                expected=(200, 202, 429),
            )  # fmt: skip
            if status in (200, 202):
                self.client.recorder.due(pid, start, end)
        elif choice == "briefs":
            self.list_briefs(pid)
        elif choice == "brief":
            self.read_brief(pid)
        elif choice == "publish":
            self.publish(pid)
        elif choice == "redraft":
            self.redraft(pid)
        else:
            self.client.call(
                "evidence list", "GET", f"/api/v1/partnerships/{pid}/evidence/?page_size=50"
            )

    def drafts(self, pid: int) -> list[int]:
        return [bid for bid, s in self.known_briefs.get(pid, {}).items() if s == "draft"]

    def publish(self, pid: int) -> None:
        drafts = self.drafts(pid)
        if not drafts:
            self.list_briefs(pid)
            return
        brief = self.rng.choice(drafts)
        status, _ = self.client.call(
            "brief edit", "PATCH", f"/api/v1/briefs/{brief}/",
            {"so_what": "Evening sessions reach people the morning ones miss.",
             "recommendations": "Move one advice session to the evening."},
            expected=(200, 409),
        )  # fmt: skip
        if status == 200:
            status, _ = self.client.call(
                "brief publish", "POST", f"/api/v1/briefs/{brief}/publish/", {},
                expected=(200, 409),
            )  # fmt: skip
            if status == 200:
                self.known_briefs[pid][brief] = "published"

    def redraft(self, pid: int) -> int | None:
        drafts = self.drafts(pid)
        if not drafts:
            self.list_briefs(pid)
            return None
        brief = self.rng.choice(drafts)
        status, _ = self.client.call(
            "brief redraft", "POST", f"/api/v1/briefs/{brief}/redraft/", {},
            expected=(202, 409),
        )  # fmt: skip
        self.known_briefs[pid][brief] = "drafting"
        return brief if status == 202 else None


ROLES: dict[str, type[Person]] = {
    "funder": Funder,
    "grantee": Grantee,
    "learning_partner": LearningPartner,
}


def people_for(
    dataset: dict[str, Any],
    password: str,
    port: int,
    recorder: Recorder,
    deadline: float,
    stop: threading.Event,
) -> list[Person]:
    """One thread per soak account: both funder people, both learning partner people, and
    each grantee's admin (consent needs an admin)."""
    people: list[Person] = []
    for n, account in enumerate(dataset["people"]):
        role = account["role"]
        if role not in ROLES or (role == "grantee" and not account["admin"]):
            continue
        theirs = []
        for partnership in dataset["partnerships"]:
            parties = partnership["parties"]
            if role == "grantee":
                party = parties["grantees"].get(str(account["organisation"]))
                if party is None:
                    continue
                theirs.append({**partnership, "my_party": party})
            else:
                theirs.append(partnership)
        if not theirs:
            continue
        people.append(
            ROLES[role](
                client=Client(port, role, recorder),
                email=account["email"],
                password=password,
                partnerships=theirs,
                deadline=deadline,
                seed=1000 + n,
                stop=stop,
            )
        )
    return people
