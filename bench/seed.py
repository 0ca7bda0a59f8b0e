"""The scale data set: planned from a seed in Python, written to PostgreSQL with COPY.

At ``scale=1``: 10,000 people, 100 organisations, 1,000 partnerships, 100,000 evidence
items; about 30% of current consent decisions are withdrawals; every person takes part
in 1 to 50 partnerships. Smaller scales shrink every count in proportion (with a floor
so the smallest set still has every kind of organisation).

The rows are the ones the services would have written, only faster:

- each organisation has its members and admins groups, and every membership puts the
  person in the members group (admins in both), as ``membership_set`` does;
- every accepted party's groups hold exactly the guardian object permissions
  ``partnerships.services.partnerships.party_grants`` gives, in
  ``PartnershipGroupObjectPermission``; invited and removed parties hold none;
- consent is an append-only history per party and purpose (grant, sometimes a later
  withdrawal, sometimes a grant again) and ``ConsentState`` is its last record, with the
  notice version and text shown; the same for permission to challenge;
- active partnerships meet ``partnership_missing_for_active``: an agreed discovery brief
  (commissioner and learning partner agreed its current version), an agreed question
  (every accepted party agrees) and an accepted learning partner;
- evidence is added by a member of an accepted party while its ``participate`` consent
  was active (before any withdrawal, before the party was removed, before the
  partnership closed), links only to its partnership's questions, has a unit for every
  figure and the prompt answers of its kind (``prompt_text`` as the services keep it);
- the timeline (``ActivityEvent``) has the lines those actions write.

Everything random comes from one ``random.Random(seed)`` used in a fixed order, and
dates count back from ``ANCHOR``, so a seed always makes the same data set.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from accounts.models import User
from bench import vocabulary as words
from consent.models import ChallengeRecord, ChallengeState, ConsentRecord, ConsentState
from consent.notices import CHALLENGE_NOTICE_VERSION, NOTICES
from evidence.kinds import PROMPTS
from evidence.models import Evidence, LearningAction
from partnerships.models import (
    ActivityEvent,
    DiscoveryAgreement,
    DiscoveryBrief,
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
    QuestionResponse,
    ResearchQuestion,
)
from partnerships.services.partnerships import party_grants

#: The last day anything happens in the data set; every date counts back from it.
ANCHOR = date(2026, 9, 30)
EMAIL_DOMAIN = "scale.learnhub.test"
#: Every seeded person signs in with this (published: the data set is for benchmarks only).
PASSWORD = "learnhub-at-scale"  # noqa: S105
MAX_PARTNERSHIPS_PER_PERSON = 50

Purpose = ConsentRecord.Purpose
Kind = Evidence.Kind


@dataclass(frozen=True)
class Sizes:
    users: int
    organisations: int
    partnerships: int
    evidence: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        return cls(
            *(
                max(floor, round(base * scale))
                for base, floor in zip(astuple(FULL_SIZES), astuple(MIN_SIZES), strict=True)
            )
        )


FULL_SIZES = Sizes(users=10_000, organisations=100, partnerships=1_000, evidence=100_000)
MIN_SIZES = Sizes(users=24, organisations=6, partnerships=4, evidence=60)


# --- The plan ------------------------------------------------------------------------------


@dataclass
class OrgPlan:
    index: int
    name: str
    kind: str
    members: list[int] = field(default_factory=list)
    admins: list[int] = field(default_factory=list)


@dataclass
class PartnershipPlan:
    index: int
    title: str
    topics: tuple[str, ...]
    place: str
    status: str
    cadence: str
    learning_mode: str
    priority_audience: str
    start: date
    active_on: date | None
    closed_on: date | None
    funder: int = -1  # organisation index of the commissioner
    creator: int = -1  # user index
    parties: list[int] = field(default_factory=list)
    questions: list[int] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        """The last day anything new may happen in it (it is closed after this)."""
        return (self.closed_on - timedelta(days=1)) if self.closed_on else ANCHOR


@dataclass
class PartyPlan:
    index: int
    partnership: int
    organisation: int
    role: str
    status: str
    is_commissioner: bool
    invited_on: date
    responded_on: date | None
    responded_by: int | None
    removed_on: date | None = None
    #: When its ``participate`` consent was active and it could add evidence.
    evidence_from: date | None = None
    evidence_until: date | None = None


@dataclass
class QuestionPlan:
    index: int
    partnership: int
    text: str
    proposed_by_party: int
    proposed_by: int
    created_on: date
    status: str


@dataclass
class ConsentPlan:
    index: int
    party: int
    purpose: str
    decision: str
    recorded_by: int
    recorded_on: date
    minute: int


@dataclass
class ChallengePlan:
    index: int
    party: int
    areas: list[Any]  # ["*"] or [question index]
    channels: list[str]
    recorded_by: int
    recorded_on: date


@dataclass
class Plan:
    seed: int
    sizes: Sizes
    user_names: list[str]
    orgs: list[OrgPlan]
    partnerships: list[PartnershipPlan]
    parties: list[PartyPlan]
    questions: list[QuestionPlan]
    responses: list[tuple[int, int, str, str, int, date]]  # question, party, decision, ...
    consents: list[ConsentPlan]
    challenges: list[ChallengePlan]
    actions: list[dict[str, Any]]
    evidence_counts: list[int]
    org_of_user: list[int]

    def partnerships_per_user(self) -> list[int]:
        """How many partnerships each person takes part in (accepted parties)."""
        per_org = Counter(
            party.organisation for party in self.parties if party.status == Party.Status.ACCEPTED
        )
        return [per_org[org] for org in self.org_of_user]


def _day_at(day: date, minute: int = 0) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=minute)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _split(total: int, weights: Sequence[float], floor: int) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), each >= ``floor``."""
    spare = total - floor * len(weights)
    if spare < 0:
        raise ValueError("not enough to give everyone the floor")
    scale = sum(weights)
    shares = [spare * w / scale for w in weights]
    counts = [floor + math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] % 1), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def capacities(count: int, slots: int, most: int) -> list[int]:
    """How many partnerships each of ``count`` organisations of one kind joins: from 1 up
    to ``most``, adding up to ``slots`` (or as close as ``most`` allows).

    Starts from an even spread between 1 and ``most`` (so both ends are there), then
    moves the middle up or down one at a time.
    """
    if count == 1:
        return [max(1, min(slots, most))]
    caps = [1 + round((most - 1) * i / (count - 1)) for i in range(count)]
    middle = list(range(1, count - 1)) or list(range(count))
    step = 0
    while sum(caps) != slots:
        grow = sum(caps) < slots
        movable = [i for i in middle if (caps[i] < most if grow else caps[i] > 1)]
        if not movable:
            middle = list(range(count))
            movable = [i for i in middle if (caps[i] < most if grow else caps[i] > 1)]
            if not movable:
                break
        i = movable[step % len(movable)]
        caps[i] += 1 if grow else -1
        step += 1
    return caps


def _deal(owners: list[int], seats: list[int], taken: dict[int, set[int]]) -> list[int]:
    """Give seat ``j`` (a partnership) to ``owners[j]`` (an organisation) so no organisation
    sits twice in one partnership, swapping later seats when needed. Returns the seats
    actually given, in ``owners`` order (-1 where no free seat was left)."""
    seats = list(seats)
    given = []
    for j, org in enumerate(owners):
        if org in taken[seats[j]]:
            for k in range(j + 1, len(seats)):
                if org not in taken[seats[k]] and owners[k] not in taken[seats[j]]:
                    seats[j], seats[k] = seats[k], seats[j]
                    break
            else:
                given.append(-1)
                continue
        taken[seats[j]].add(org)
        given.append(seats[j])
    return given


def make_plan(*, scale: float, seed: int) -> Plan:  # noqa: C901 - one linear recipe
    rng = random.Random(seed)
    sizes = Sizes.at(scale)
    most = min(MAX_PARTNERSHIPS_PER_PERSON, sizes.partnerships)

    # Organisations and their people.
    n = sizes.organisations
    n_funders = max(2, round(0.30 * n))
    n_learning = max(2, round(0.25 * n))
    kinds = (
        [Organisation.Kind.FUNDER] * n_funders
        + [Organisation.Kind.LEARNING_PARTNER] * n_learning
        + [Organisation.Kind.GRANTEE] * (n - n_funders - n_learning)
    )
    nouns = {
        Organisation.Kind.FUNDER: words.FUNDER_NOUNS,
        Organisation.Kind.LEARNING_PARTNER: words.LEARNING_PARTNER_NOUNS,
        Organisation.Kind.GRANTEE: words.GRANTEE_NOUNS,
    }
    names_by_kind: dict[str, list[str]] = {}
    for kind, kind_nouns in nouns.items():
        combos = [f"{place} {noun}" for place in words.PLACES for noun in kind_nouns]
        rng.shuffle(combos)
        names_by_kind[kind] = combos
    used: Counter[str] = Counter()
    orgs = []
    for index, kind in enumerate(kinds):
        combos = names_by_kind[kind]
        k = used[kind]
        used[kind] += 1
        name = combos[k % len(combos)] + (f" {k // len(combos) + 1}" if k >= len(combos) else "")
        orgs.append(OrgPlan(index=index, name=name, kind=kind))

    sizes_of_orgs = _split(sizes.users, [rng.uniform(0.4, 1.6) for _ in orgs], floor=2)
    org_of_user: list[int] = []
    for org, size in zip(orgs, sizes_of_orgs, strict=True):
        for position in range(size):
            user = len(org_of_user)
            org_of_user.append(org.index)
            org.members.append(user)
            if position == 0 or rng.random() < 0.08:
                org.admins.append(user)
    user_names = [
        f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
        for _ in range(sizes.users)
    ]

    # Partnerships.
    partnerships = []
    for index in range(sizes.partnerships):
        roll = rng.random()
        status: str = (
            Partnership.Status.ACTIVE
            if index < 2 or roll < 0.85
            else Partnership.Status.DISCOVERY
            if roll < 0.95
            else Partnership.Status.CLOSED
        )
        topics = tuple(rng.sample(sorted(words.TOPICS), 2))
        place = rng.choice(words.PLACES)
        if status == Partnership.Status.DISCOVERY:
            start = ANCHOR - timedelta(days=rng.randint(30, 150))
            active_on = closed_on = None
        else:
            start = ANCHOR - timedelta(days=rng.randint(240, 760))
            active_on = start + timedelta(days=rng.randint(21, 60))
            closed_on = None
            if status == Partnership.Status.CLOSED:
                closed_on = max(
                    ANCHOR - timedelta(days=rng.randint(10, 200)), active_on + timedelta(days=90)
                )
        partnerships.append(
            PartnershipPlan(
                index=index,
                title=f"{topics[0].capitalize()} and {topics[1]} in {place}",
                topics=topics,
                place=place,
                status=status,
                cadence=rng.choices(Partnership.Cadence.values, weights=(0.2, 0.5, 0.3), k=1)[0],
                learning_mode=rng.choices(Partnership.LearningMode.values, weights=(0.6, 0.4), k=1)[
                    0
                ],
                priority_audience=rng.choice(Partnership.PriorityAudience.values),
                start=start,
                active_on=active_on,
                closed_on=closed_on,
            )
        )

    # Parties: each kind's organisations take seats up to their capacity.
    count = sizes.partnerships
    order = list(range(count))
    taken: dict[int, set[int]] = defaultdict(set)
    parties: list[PartyPlan] = []

    def seat(kind: str, seats: list[int], role: str, first_round: int, extras: int = 0) -> None:
        """Seat ``kind``'s organisations. The first ``first_round`` seats hold one party per
        partnership (commissioners, for funders). ``extras`` later seats, of organisations
        in at least three partnerships, become invited or removed parties instead."""
        kind_orgs = [org.index for org in orgs if org.kind == kind]
        caps = capacities(len(kind_orgs), len(seats), most)
        owners = [org for org, cap in zip(kind_orgs, caps, strict=True) for _ in range(cap)]
        seats = seats[: len(owners)]
        if len(seats) < first_round:
            raise ValueError(f"too few {kind} organisations for {count} partnerships")
        given = _deal(owners, seats, taken)
        cap_of = dict(zip(kind_orgs, caps, strict=True))
        candidates = [
            j
            for j in range(first_round, len(seats))
            if given[j] >= 0
            and cap_of[owners[j]] >= 3
            and partnerships[given[j]].status != Partnership.Status.CLOSED
        ]
        extra_seats: set[int] = set()
        per_org: Counter[int] = Counter()
        for j in rng.sample(candidates, len(candidates)):
            if len(extra_seats) == extras:
                break
            if per_org[owners[j]] < cap_of[owners[j]] // 3:
                extra_seats.add(j)
                per_org[owners[j]] += 1
        for j, (org, partnership) in enumerate(zip(owners, given, strict=True)):
            if partnership < 0:
                continue
            plan = partnerships[partnership]
            commissioner = kind == Organisation.Kind.FUNDER and j < first_round
            status: str = Party.Status.ACCEPTED
            if j in extra_seats:
                status = Party.Status.INVITED if rng.random() < 0.6 else Party.Status.REMOVED
            invited_on = plan.start if commissioner else plan.start + timedelta(rng.randint(1, 14))
            invited_on = min(invited_on, plan.last_day)
            responded_on = None
            if status != Party.Status.INVITED:
                responded_on = min(invited_on + timedelta(rng.randint(0, 10)), plan.last_day)
            parties.append(
                PartyPlan(
                    index=len(parties),
                    partnership=partnership,
                    organisation=org,
                    role=role,
                    status=status,
                    is_commissioner=commissioner,
                    invited_on=invited_on,
                    responded_on=responded_on,
                    responded_by=rng.choice(orgs[org].admins) if responded_on else None,
                )
            )
            plan.parties.append(parties[-1].index)
            if commissioner:
                plan.funder = org
                plan.creator = orgs[org].admins[0]

    funder_order = rng.sample(order, count)
    co_funded = rng.sample(order, round(0.05 * count))
    seat(Organisation.Kind.FUNDER, funder_order + co_funded, Party.Role.FUNDER, count)
    seat(
        Organisation.Kind.LEARNING_PARTNER,
        rng.sample(order, count),
        Party.Role.LEARNING_PARTNER,
        count,
    )
    # Every partnership has one to three grantees; a few more are invited, or were removed.
    grantees = {p: rng.choices((1, 2, 3), weights=(0.45, 0.4, 0.15), k=1)[0] for p in order}
    grantee_order = rng.sample(order, count)
    rounds: list[int] = []
    for r in (1, 2, 3):
        this_round = [p for p in grantee_order if grantees[p] >= r]
        shift = (r - 1) * len(this_round) // 3
        rounds.extend(this_round[shift:] + this_round[:shift])
    seat(
        Organisation.Kind.GRANTEE,
        rounds,
        Party.Role.GRANTEE,
        count,
        extras=max(1, round(0.05 * count)),
    )

    for party in parties:
        if party.status == Party.Status.REMOVED:
            assert party.responded_on is not None
            plan = partnerships[party.partnership]
            party.removed_on = min(
                party.responded_on + timedelta(days=rng.randint(60, 300)), plan.last_day
            )

    # Research questions and the answers of the parties.
    questions: list[QuestionPlan] = []
    responses: list[tuple[int, int, str, str, int, date]] = []
    for plan in partnerships:
        accepted = [parties[i] for i in plan.parties if parties[i].status == Party.Status.ACCEPTED]
        learning = [p for p in accepted if p.role == Party.Role.LEARNING_PARTNER]
        for number in range(rng.randint(2, 4)):
            topic = rng.choice(plan.topics)
            vocab = words.TOPICS[topic]
            proposer = learning[0] if (learning and rng.random() < 0.6) else rng.choice(accepted)
            created_on = min(plan.start + timedelta(days=rng.randint(3, 20)), plan.last_day)
            if number == 0 and plan.active_on:
                question_status: str = ResearchQuestion.Status.AGREED
            else:
                question_status = rng.choices(
                    ResearchQuestion.Status.values,
                    weights=(0.2, 0.6, 0.2) if plan.active_on else (0.5, 0.3, 0.2),
                    k=1,
                )[0]
            if len(accepted) < 2 and question_status != ResearchQuestion.Status.AGREED:
                question_status = ResearchQuestion.Status.AGREED
            question = QuestionPlan(
                index=len(questions),
                partnership=plan.index,
                text=f"How does {rng.choice(vocab['things'])} change life for "
                f"{rng.choice(vocab['people'])}, and what stops "
                f"{rng.choice(vocab['outcomes'])}?",
                proposed_by_party=proposer.index,
                proposed_by=rng.choice(orgs[proposer.organisation].members),
                created_on=created_on,
                status=question_status,
            )
            questions.append(question)
            plan.questions.append(question.index)
            objector = rng.choice([p for p in accepted if p is not proposer] or accepted)
            for party in accepted:
                if question_status == ResearchQuestion.Status.PROPOSED and party is not proposer:
                    continue
                objects = question_status == ResearchQuestion.Status.CONTESTED and party is objector
                responses.append(
                    (
                        question.index,
                        party.index,
                        QuestionResponse.Decision.OBJECT if objects else "agree",
                        f"We are not sure {rng.choice(vocab['barriers'])} is in scope."
                        if objects
                        else "",
                        rng.choice(orgs[party.organisation].members),
                        min(max(created_on, party.responded_on or created_on), plan.last_day),
                    )
                )

    # Consent: grant, sometimes withdraw, sometimes grant again; participate always first.
    consents: list[ConsentPlan] = []
    withdraw_chance: dict[str, float] = {Purpose.PARTICIPATE: 0.15}
    for party in parties:
        if party.status == Party.Status.INVITED:
            continue
        assert party.responded_on is not None
        plan = partnerships[party.partnership]
        # Grants need an open partnership and a party still taking part.
        grant_until = min(plan.last_day, (party.removed_on or ANCHOR) - timedelta(days=1))
        decide_until = (party.removed_on - timedelta(days=1)) if party.removed_on else ANCHOR
        first = min(party.responded_on + timedelta(days=rng.randint(1, 14)), grant_until)
        admins = orgs[party.organisation].admins
        for purpose in Purpose.values:
            if purpose != Purpose.PARTICIPATE and rng.random() >= 0.85:
                continue
            granted_on = (
                first
                if purpose == Purpose.PARTICIPATE
                else min(first + timedelta(rng.randint(0, 5)), grant_until)
            )
            history = [("grant", granted_on)]
            if rng.random() < withdraw_chance.get(purpose, 0.42):
                earliest = max(granted_on, min(granted_on + timedelta(days=30), decide_until))
                withdrawn_on = _between(rng, earliest, decide_until)
                history.append(("withdraw", withdrawn_on))
                if rng.random() < 0.2 and withdrawn_on < grant_until:
                    history.append(("grant", _between(rng, withdrawn_on, grant_until)))
            for step, (decision, day) in enumerate(history):
                consents.append(
                    ConsentPlan(
                        index=len(consents),
                        party=party.index,
                        purpose=purpose,
                        decision=decision,
                        recorded_by=rng.choice(admins),
                        recorded_on=day,
                        minute=10 * step + Purpose.values.index(purpose),
                    )
                )
            if purpose == Purpose.PARTICIPATE:
                # Items are added from the day after consent until the day before it is
                # withdrawn (or the party leaves, or the partnership closes).
                party.evidence_from = granted_on + timedelta(days=1)
                until = (history[1][1] - timedelta(days=1)) if len(history) > 1 else decide_until
                party.evidence_until = min(until, plan.last_day, decide_until)

    # Permission to challenge: about half the parties other than learning partners.
    challenges: list[ChallengePlan] = []
    channels = ChallengeRecord.Channel.values
    for party in parties:
        if party.status != Party.Status.ACCEPTED or party.role == Party.Role.LEARNING_PARTNER:
            continue
        if rng.random() >= 0.5:
            continue
        plan = partnerships[party.partnership]
        agreed = [
            q for q in plan.questions if questions[q].status == ResearchQuestion.Status.AGREED
        ]
        areas: list[Any] = ["*"] if (rng.random() < 0.6 or not agreed) else [rng.choice(agreed)]
        assert party.responded_on is not None
        challenges.append(
            ChallengePlan(
                index=len(challenges),
                party=party.index,
                areas=areas,
                channels=sorted(rng.sample(channels, rng.randint(1, 3)), key=channels.index),
                recorded_by=rng.choice(orgs[party.organisation].admins),
                recorded_on=min(
                    party.responded_on + timedelta(days=rng.randint(5, 30)), plan.last_day
                ),
            )
        )

    # Learning actions: what parties changed.
    actions: list[dict[str, Any]] = []
    for plan in partnerships:
        if not plan.active_on:
            continue
        accepted = [parties[i] for i in plan.parties if parties[i].status == Party.Status.ACCEPTED]
        for _ in range(rng.randint(0, 3)):
            party = rng.choice(accepted)
            vocab = words.TOPICS[rng.choice(plan.topics)]
            action_status: str = rng.choices(
                LearningAction.Status.values, weights=(0.3, 0.3, 0.4), k=1
            )[0]
            created_on = _between(rng, plan.active_on, plan.last_day)
            done = action_status == LearningAction.Status.DONE
            actions.append(
                {
                    "partnership": plan.index,
                    "party": party.index,
                    "description": f"We {rng.choice(vocab['actions'])} so that "
                    f"{rng.choice(vocab['people'])} get {rng.choice(vocab['things'])} sooner.",
                    "status": action_status,
                    "outcome": f"{rng.choice(vocab['outcomes']).capitalize()} within weeks."
                    if done
                    else "",
                    "created_on": created_on,
                    "done_on": _between(rng, created_on, plan.last_day) if done else None,
                    "created_by": rng.choice(orgs[party.organisation].members),
                }
            )

    # How many evidence items each partnership gets.
    factor: dict[str, float] = {
        Partnership.Status.ACTIVE: 1.0,
        Partnership.Status.CLOSED: 0.7,
        Partnership.Status.DISCOVERY: 0.15,
    }
    weights = [rng.lognormvariate(0, 0.7) * factor[p.status] for p in partnerships]
    evidence_counts = _split(sizes.evidence, weights, floor=1)

    return Plan(
        seed=seed,
        sizes=sizes,
        user_names=user_names,
        orgs=orgs,
        partnerships=partnerships,
        parties=parties,
        questions=questions,
        responses=responses,
        consents=consents,
        challenges=challenges,
        actions=actions,
        evidence_counts=evidence_counts,
        org_of_user=org_of_user,
    )


# --- Evidence text --------------------------------------------------------------------------

KIND_WEIGHTS = {
    Kind.STATISTIC: 15,
    Kind.STORY: 15,
    Kind.QUOTE: 15,
    Kind.LEARNING_LOG: 10,
    Kind.INTERVIEW_NOTE: 10,
    Kind.SURVEY_RESULT: 10,
    Kind.AFTER_ACTION_REVIEW: 8,
    Kind.REFLECTION: 7,
    Kind.DOCUMENT: 10,
}
VALENCE_WEIGHTS = {"working": 40, "not_working": 25, "mixed": 20, "unclear": 15}


def _sentence(rng: random.Random, vocab: dict[str, tuple[str, ...]], valence: str) -> str:
    thing = rng.choice(vocab["things"])
    people = rng.choice(vocab["people"])
    outcome = rng.choice(vocab["outcomes"])
    barrier = rng.choice(vocab["barriers"])
    action = rng.choice(vocab["actions"])
    if valence == "working":
        return rng.choice(
            (
                f"{people.capitalize()} told us {thing} led to {outcome}.",
                f"Since we {action}, {people} have reported {outcome}.",
            )
        )
    if valence == "not_working":
        return rng.choice(
            (
                f"{people.capitalize()} find {thing} hard to use because of {barrier}.",
                f"We {action}, but {barrier} still keeps {people} away.",
            )
        )
    if valence == "mixed":
        return (
            f"{people.capitalize()} value {thing} and report {outcome}, "
            f"but {barrier} is still a problem."
        )
    return f"It is too early to say whether {thing} leads to {outcome}; {people} are unsure."


def _evidence_text(
    rng: random.Random, kind: str, vocab: dict[str, tuple[str, ...]], valence: str, day: date
) -> tuple[str, str, dict[str, str]]:
    """Title, body and prompt answers of one item."""
    thing = rng.choice(vocab["things"])
    people = rng.choice(vocab["people"])
    when = f"{words.MONTHS[day.month - 1]} {day.year}"
    body = " ".join(_sentence(rng, vocab, valence) for _ in range(rng.randint(2, 4)))
    prompts: dict[str, str] = {}
    if kind == Kind.QUOTE:
        speaker = rng.choice(words.SPEAKERS)
        title = f"What {speaker} said about {thing}"
        body = f"“{_sentence(rng, vocab, valence)}” ({speaker}, {when})"
    elif kind == Kind.STORY:
        title = f"{people.capitalize()} and {thing}"
    elif kind == Kind.INTERVIEW_NOTE:
        title = f"Interview with {rng.choice(words.SPEAKERS)} about {thing}"
    elif kind == Kind.SURVEY_RESULT:
        title = f"Survey: {people} who report {rng.choice(vocab['outcomes'])}"
    elif kind == Kind.DOCUMENT:
        title = f"Report on {thing}, {when}"
    elif kind == Kind.LEARNING_LOG:
        title = f"Learning log: {thing}, {when}"
        body = ""
        prompts = {
            "learned": _sentence(rng, vocab, valence),
            "patterns": f"{people.capitalize()} keep mentioning {rng.choice(vocab['barriers'])}.",
        }
    elif kind == Kind.AFTER_ACTION_REVIEW:
        action = rng.choice(vocab["actions"])
        title = f"After action review: we {action}"
        body = ""
        prompts = {
            "planned": f"We planned that {people} would use {thing} more.",
            "happened": _sentence(rng, vocab, valence),
            "why_different": f"Mostly because of {rng.choice(vocab['barriers'])}.",
            "do_differently": f"Next time we will ask {people} first.",
        }
    elif kind == Kind.REFLECTION:
        title = f"Reflection session on {thing}"
        body = ""
        prompts = {
            "what_we_did": f"We {rng.choice(vocab['actions'])}.",
            "what_happened": _sentence(rng, vocab, valence),
            "what_it_means": f"{people.capitalize()} need {thing} closer to home.",
        }
    else:  # statistics get their title from the measure
        title = ""
    # Only the keys the kind asks, in its order (as the services keep them).
    asked = [prompt.key for prompt in PROMPTS.get(kind, ())]
    prompts = {key: prompts[key] for key in asked if key in prompts}
    return title, body, prompts


# --- Writing -----------------------------------------------------------------------------


@dataclass
class Written:
    """What the seed wrote: row counts per table and a few facts about the data set."""

    rows: dict[str, int] = field(default_factory=dict)
    consent_states: int = 0
    consent_withdrawn: int = 0
    partnerships_per_user: tuple[int, int, float] = (0, 0, 0.0)

    @property
    def withdrawn_share(self) -> float:
        return self.consent_withdrawn / self.consent_states if self.consent_states else 0.0


class Copier:
    """Writes rows with PostgreSQL's COPY, with ids reserved from each table's sequence
    (so the ids are known before the rows that point at them are written)."""

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.written = Written()

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of ``count`` consecutive new ids of ``model``'s table."""
        table = model._meta.db_table
        if count == 0:
            return 0
        self.cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
        self.cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', model._meta.pk.column]
        )
        sequence = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT nextval(%s)", [sequence])
        first = int(self.cursor.fetchone()[0])
        self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return first

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        quoted = ", ".join(f'"{c}"' for c in columns)
        written = 0
        with self.cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        self.written.rows[table] = self.written.rows.get(table, 0) + written
        return written


def _jsonb(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def write(plan: Plan) -> Written:  # noqa: C901 - one linear recipe, table by table
    """Write ``plan`` to the default database (PostgreSQL), in the caller's transaction."""
    rng = random.Random(plan.seed * 7919 + 1)  # evidence gets its own stream
    out = Copier()
    orgs, partnerships, parties = plan.orgs, plan.partnerships, plan.parties

    user0 = out.reserve(User, plan.sizes.users)
    group0 = out.reserve(Group, 2 * len(orgs))
    org0 = out.reserve(Organisation, len(orgs))
    partnership0 = out.reserve(Partnership, len(partnerships))
    party0 = out.reserve(Party, len(parties))
    question0 = out.reserve(ResearchQuestion, len(plan.questions))
    brief0 = out.reserve(DiscoveryBrief, len(partnerships))
    consent0 = out.reserve(ConsentRecord, len(plan.consents))
    challenge0 = out.reserve(ChallengeRecord, len(plan.challenges))
    evidence0 = out.reserve(Evidence, plan.sizes.evidence)

    def user_id(index: int) -> int:
        return user0 + index

    def members_group(org: int) -> int:
        return group0 + 2 * org

    def admins_group(org: int) -> int:
        return group0 + 2 * org + 1

    def who(user: int, org: int) -> str:
        return f"{plan.user_names[user]} ({orgs[org].name})"

    events: list[tuple[Any, ...]] = []

    def event(
        partnership: int, actor: int | None, org: int | None, verb: str, summary: str, at: datetime
    ) -> None:
        events.append(
            (
                partnership0 + partnership,
                user_id(actor) if actor is not None else None,
                org0 + org if org is not None else None,
                verb,
                summary[:300],
                at,
            )
        )

    # People, organisations, groups, memberships.
    password = make_password(PASSWORD, salt="learnhubscale")
    joined = _day_at(ANCHOR - timedelta(days=800))
    out.copy(
        User._meta.db_table,
        ["id", "password", "is_superuser", "email", "name", "is_staff", "is_active", "date_joined"],
        (
            (
                user_id(i),
                password,
                False,
                f"person{i:05d}@{EMAIL_DOMAIN}",
                name,
                False,
                True,
                joined,
            )
            for i, name in enumerate(plan.user_names)
        ),
    )
    from allauth.account.models import EmailAddress

    out.copy(
        EmailAddress._meta.db_table,
        ["user_id", "email", "verified", "primary"],
        (
            (user_id(i), f"person{i:05d}@{EMAIL_DOMAIN}", True, True)
            for i in range(plan.sizes.users)
        ),
    )
    out.copy(
        Group._meta.db_table,
        ["id", "name"],
        (
            (
                (admins_group if admin else members_group)(org.index),
                f"org:{org.kind}:{org.name[:100]}:{'admins' if admin else 'members'}:"
                f"scale-{org.index:04d}",
            )
            for org in orgs
            for admin in (False, True)
        ),
    )
    created = _day_at(ANCHOR - timedelta(days=790))
    out.copy(
        Organisation._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "name",
            "kind",
            "identifier",
            "members_group_id",
            "admins_group_id",
            "created_by_id",
        ],
        (
            (
                org0 + org.index,
                created,
                created,
                org.name,
                org.kind,
                f"{1_100_000 + org.index}"
                if org.kind != Organisation.Kind.LEARNING_PARTNER
                else "",
                members_group(org.index),
                admins_group(org.index),
                user_id(org.admins[0]),
            )
            for org in orgs
        ),
    )
    admin_set = {user for org in orgs for user in org.admins}
    out.copy(
        Membership._meta.db_table,
        ["created_at", "updated_at", "user_id", "organisation_id", "role"],
        (
            (
                created,
                created,
                user_id(user),
                org0 + org.index,
                Membership.Role.ADMIN if user in admin_set else Membership.Role.MEMBER,
            )
            for org in orgs
            for user in org.members
        ),
    )
    user_groups = User.groups.through
    out.copy(
        user_groups._meta.db_table,
        ["user_id", "group_id"],
        (
            (user_id(user), group)
            for org in orgs
            for user in org.members
            for group in (
                [members_group(org.index), admins_group(org.index)]
                if user in admin_set
                else [members_group(org.index)]
            )
        ),
    )

    # Partnerships, parties and their permissions.
    out.copy(
        Partnership._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "title",
            "description",
            "funder_id",
            "learning_mode",
            "priority_audience",
            "brief_cadence",
            "status",
            "status_changed_at",
            "created_by_id",
        ],
        (
            (
                partnership0 + p.index,
                _day_at(p.start),
                _day_at(p.closed_on or p.active_on or p.start),
                p.title,
                f"What {p.topics[0]} and {p.topics[1]} services in {p.place} learn together.",
                org0 + p.funder,
                p.learning_mode,
                p.priority_audience,
                p.cadence,
                p.status,
                _day_at(p.closed_on or p.active_on or p.start),
                user_id(p.creator),
            )
            for p in partnerships
        ),
    )
    role_phrase: dict[str, str] = {
        Party.Role.FUNDER: "a co-funder",
        Party.Role.GRANTEE: "a grantee",
        Party.Role.LEARNING_PARTNER: "a learning partner",
    }
    out.copy(
        Party._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "partnership_id",
            "organisation_id",
            "role",
            "status",
            "is_commissioner",
            "invited_by_id",
            "responded_by_id",
            "responded_at",
        ],
        (
            (
                party0 + party.index,
                _day_at(party.invited_on),
                _day_at(party.removed_on or party.responded_on or party.invited_on, 5),
                partnership0 + party.partnership,
                org0 + party.organisation,
                party.role,
                party.status,
                party.is_commissioner,
                user_id(partnerships[party.partnership].creator),
                user_id(party.responded_by) if party.responded_by is not None else None,
                _day_at(party.removed_on or party.responded_on, 5) if party.responded_on else None,
            )
            for party in parties
        ),
    )
    content_type = ContentType.objects.get_for_model(Partnership)
    permission_ids = dict(
        Permission.objects.filter(content_type=content_type).values_list("codename", "pk")
    )
    grants = []
    for party in parties:
        if party.status != Party.Status.ACCEPTED:
            continue
        held = party_grants(
            Party(role=party.role, is_commissioner=party.is_commissioner),
            partnerships[party.partnership].learning_mode,
        )
        for codename in sorted(held["members"]):
            grants.append(
                (permission_ids[codename], members_group(party.organisation), party.partnership)
            )
        for codename in sorted(held["admins"]):
            grants.append(
                (permission_ids[codename], admins_group(party.organisation), party.partnership)
            )
    out.copy(
        PartnershipGroupObjectPermission._meta.db_table,
        ["permission_id", "group_id", "content_object_id"],
        ((perm, group, partnership0 + p) for perm, group, p in grants),
    )
    for p in partnerships:
        creator_org = p.funder
        event(
            p.index,
            p.creator,
            creator_org,
            "partnership_created",
            f"{who(p.creator, creator_org)} started the partnership “{p.title}”.",
            _day_at(p.start),
        )
    for party in parties:
        p = partnerships[party.partnership]
        org = orgs[party.organisation]
        if party.is_commissioner:
            continue
        event(
            p.index,
            p.creator,
            p.funder,
            "party_invited",
            f"{who(p.creator, p.funder)} invited {org.name} to join as {role_phrase[party.role]}.",
            _day_at(party.invited_on, 1),
        )
        if party.responded_on and party.responded_by is not None:
            event(
                p.index,
                party.responded_by,
                party.organisation,
                "party_accepted",
                f"{who(party.responded_by, party.organisation)} accepted the invitation: "
                f"{org.name} joined as {role_phrase[party.role]}.",
                _day_at(party.responded_on, 5),
            )
        if party.removed_on:
            event(
                p.index,
                p.creator,
                p.funder,
                "party_removed",
                f"{who(p.creator, p.funder)} removed {org.name} from the partnership.",
                _day_at(party.removed_on, 5),
            )

    # Discovery briefs and agreements.
    agreements = []
    brief_rows = []
    for p in partnerships:
        accepted = [parties[i] for i in p.parties if parties[i].status == Party.Status.ACCEPTED]
        written_brief = p.active_on is not None or p.index % 2 == 0
        agreed = p.active_on is not None
        vocab = words.TOPICS[p.topics[0]]
        learning = next(party for party in accepted if party.role == Party.Role.LEARNING_PARTNER)
        commissioner = next(party for party in accepted if party.is_commissioner)
        brief_day = (p.active_on or ANCHOR) - timedelta(days=3)
        brief_day = max(min(brief_day, p.last_day), p.start)
        brief_rows.append(
            (
                brief0 + p.index,
                _day_at(p.start),
                _day_at(brief_day),
                partnership0 + p.index,
                f"{vocab['people'][0].capitalize()} and the services that support them."
                if written_brief
                else "",
                f"More {vocab['outcomes'][0]} across {p.place}." if written_brief else "",
                f"{vocab['things'][0].capitalize()} and {vocab['things'][1]}; not national policy."
                if written_brief
                else "",
                1 + p.index % 3,
                len(accepted),
                1 + p.index % 2,
                p.index % 3 == 0,
                p.index % 4 == 0,
                "",
                DiscoveryBrief.Status.AGREED if agreed else DiscoveryBrief.Status.DRAFT,
                1 if written_brief else 0,
                user_id(orgs[learning.organisation].members[0]) if written_brief else None,
                _day_at(brief_day, 30) if agreed else None,
            )
        )
        if agreed:
            # Learning with: every accepted party agrees the brief (learning for: two).
            with_parties = p.learning_mode == Partnership.LearningMode.LEARNING_WITH
            for party in accepted if with_parties else (commissioner, learning):
                agreements.append(
                    (
                        brief0 + p.index,
                        party0 + party.index,
                        1,
                        user_id(orgs[party.organisation].admins[0]),
                        _day_at(brief_day, 30),
                    )
                )
    out.copy(
        DiscoveryBrief._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "partnership_id",
            "audience",
            "desired_impact",
            "scope",
            "duration_years",
            "partner_count",
            "workstream_count",
            "differing_aims",
            "power_imbalance",
            "open_questions",
            "status",
            "version",
            "updated_by_id",
            "agreed_at",
        ],
        brief_rows,
    )
    out.copy(
        DiscoveryAgreement._meta.db_table,
        ["brief_id", "party_id", "version", "agreed_by_id", "agreed_at"],
        agreements,
    )
    for p in partnerships:
        if p.active_on:
            event(
                p.index,
                p.creator,
                p.funder,
                "status_active",
                f"{who(p.creator, p.funder)} made the partnership active.",
                _day_at(p.active_on, 60),
            )
        if p.closed_on:
            event(
                p.index,
                p.creator,
                p.funder,
                "status_closed",
                f"{who(p.creator, p.funder)} closed the partnership.",
                _day_at(p.closed_on, 60),
            )

    # Research questions and answers.
    out.copy(
        ResearchQuestion._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "partnership_id",
            "text",
            "rationale",
            "proposed_by_party_id",
            "proposed_by_id",
        ],
        (
            (
                question0 + q.index,
                _day_at(q.created_on, 20 + q.index % 7),
                _day_at(q.created_on, 20 + q.index % 7),
                partnership0 + q.partnership,
                q.text,
                "",
                party0 + q.proposed_by_party,
                user_id(q.proposed_by),
            )
            for q in plan.questions
        ),
    )
    out.copy(
        QuestionResponse._meta.db_table,
        [
            "created_at",
            "updated_at",
            "question_id",
            "party_id",
            "decision",
            "comment",
            "responded_by_id",
        ],
        (
            (
                _day_at(day, 45),
                _day_at(day, 45),
                question0 + question,
                party0 + party,
                decision,
                comment,
                user_id(by),
            )
            for question, party, decision, comment, by, day in plan.responses
        ),
    )
    for q in plan.questions:
        party = parties[q.proposed_by_party]
        event(
            q.partnership,
            q.proposed_by,
            party.organisation,
            "question_proposed",
            f"{who(q.proposed_by, party.organisation)} proposed a research question: "
            f"“{q.text[:150]}”",
            _day_at(q.created_on, 20 + q.index % 7),
        )
    for question, party_index, decision, _comment, by, day in plan.responses:
        q = plan.questions[question]
        party = parties[party_index]
        verb = "agreed with" if decision == "agree" else "objected to"
        event(
            q.partnership,
            by,
            party.organisation,
            "question_answered",
            f"{who(by, party.organisation)} {verb} the research question “{q.text[:150]}”.",
            _day_at(day, 45),
        )

    # Consent histories and their projection.
    purpose_phrase: dict[str, str] = {
        Purpose.PARTICIPATE: "taking part (the learning partner may use its evidence)",
        Purpose.PUBLISH: "publishing (published briefs may include its evidence)",
        Purpose.ATTRIBUTE: "naming it (briefs may say a quote came from it)",
        Purpose.SHARE_WITH_FUNDER: "sharing its raw evidence with the funders",
        Purpose.SHARE_WITH_PARTIES: "sharing its raw evidence with the other grantees",
    }
    out.copy(
        ConsentRecord._meta.db_table,
        [
            "id",
            "partnership_id",
            "party_id",
            "purpose",
            "decision",
            "recorded_by_id",
            "recorded_at",
            "notice_version",
            "notice_text",
            "note",
        ],
        (
            (
                consent0 + c.index,
                partnership0 + parties[c.party].partnership,
                party0 + c.party,
                c.purpose,
                c.decision,
                user_id(c.recorded_by),
                _day_at(c.recorded_on, 120 + c.minute),
                NOTICES[c.purpose].version,
                NOTICES[c.purpose].text,
                "",
            )
            for c in plan.consents
        ),
    )
    last: dict[tuple[int, str], ConsentPlan] = {}
    for c in plan.consents:
        last[(c.party, c.purpose)] = c
    out.copy(
        ConsentState._meta.db_table,
        ["partnership_id", "party_id", "purpose", "granted", "record_id"],
        (
            (
                partnership0 + parties[c.party].partnership,
                party0 + c.party,
                c.purpose,
                c.decision == "grant",
                consent0 + c.index,
            )
            for c in last.values()
        ),
    )
    out.written.consent_states = len(last)
    out.written.consent_withdrawn = sum(1 for c in last.values() if c.decision != "grant")
    for c in plan.consents:
        party = parties[c.party]
        granted = c.decision == "grant"
        event(
            party.partnership,
            c.recorded_by,
            party.organisation,
            f"consent_{'granted' if granted else 'withdrawn'}",
            f"{who(c.recorded_by, party.organisation)} {'gave' if granted else 'withdrew'} "
            f"consent for {purpose_phrase[c.purpose]}.",
            _day_at(c.recorded_on, 120 + c.minute),
        )

    # Permission to challenge.
    def stored_areas(areas: list[Any]) -> list[Any]:
        return ["*"] if areas == ["*"] else [question0 + q for q in areas]

    out.copy(
        ChallengeRecord._meta.db_table,
        [
            "id",
            "partnership_id",
            "party_id",
            "decision",
            "areas",
            "channels",
            "conditions",
            "notify_before_publish",
            "recorded_by_id",
            "recorded_at",
            "notice_version",
        ],
        (
            (
                challenge0 + c.index,
                partnership0 + parties[c.party].partnership,
                party0 + c.party,
                ChallengeRecord.Decision.GRANT,
                _jsonb(stored_areas(c.areas)),
                _jsonb(c.channels),
                "",
                False,
                user_id(c.recorded_by),
                _day_at(c.recorded_on, 200),
                CHALLENGE_NOTICE_VERSION,
            )
            for c in plan.challenges
        ),
    )
    out.copy(
        ChallengeState._meta.db_table,
        [
            "partnership_id",
            "party_id",
            "question_id",
            "channel",
            "record_id",
            "conditions",
            "notify_before_publish",
        ],
        (
            (
                partnership0 + parties[c.party].partnership,
                party0 + c.party,
                None if c.areas == ["*"] else question0 + c.areas[0],
                channel,
                challenge0 + c.index,
                "",
                False,
            )
            for c in plan.challenges
            for channel in c.channels
        ),
    )
    for challenge in plan.challenges:
        party = parties[challenge.party]
        event(
            party.partnership,
            challenge.recorded_by,
            party.organisation,
            "challenge_granted",
            f"{who(challenge.recorded_by, party.organisation)} gave permission to challenge "
            f"{orgs[party.organisation].name}.",
            _day_at(challenge.recorded_on, 200),
        )

    # Learning actions.
    out.copy(
        LearningAction._meta.db_table,
        [
            "created_at",
            "updated_at",
            "partnership_id",
            "party_id",
            "brief_id",
            "description",
            "status",
            "outcome",
            "done_at",
            "created_by_id",
        ],
        (
            (
                _day_at(a["created_on"], 300),
                _day_at(a["done_on"] or a["created_on"], 300),
                partnership0 + a["partnership"],
                party0 + a["party"],
                None,
                a["description"],
                a["status"],
                a["outcome"],
                _day_at(a["done_on"], 300) if a["done_on"] else None,
                user_id(a["created_by"]),
            )
            for a in plan.actions
        ),
    )

    # Evidence, with its questions, written as the items are made.
    links: list[tuple[int, int]] = []
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    valences = list(VALENCE_WEIGHTS)
    valence_weights = list(VALENCE_WEIGHTS.values())
    role_weight: dict[str, float] = {
        Party.Role.GRANTEE: 3.0,
        Party.Role.FUNDER: 0.6,
        Party.Role.LEARNING_PARTNER: 1.2,
    }

    def contributors(p: PartnershipPlan) -> list[PartyPlan]:
        """The parties that had a day with ``participate`` consent to add evidence on."""
        found = []
        for i in p.parties:
            first, last = parties[i].evidence_from, parties[i].evidence_until
            if first is not None and last is not None and last >= first:
                found.append(parties[i])
        return found

    counts = list(plan.evidence_counts)
    for p in partnerships:
        if not contributors(p) and counts[p.index]:
            counts[0] += counts[p.index]
            counts[p.index] = 0

    def evidence_rows() -> Iterable[tuple[Any, ...]]:
        evidence_id = evidence0
        for p in partnerships:
            who_adds = contributors(p)
            if not counts[p.index]:
                continue
            party_weights = [role_weight[party.role] for party in who_adds]
            measures = [m for topic in p.topics for m in words.MEASURES[topic]]
            for _ in range(counts[p.index]):
                party = rng.choices(who_adds, weights=party_weights, k=1)[0]
                assert party.evidence_from is not None
                assert party.evidence_until is not None
                first = max(party.evidence_from, p.start + timedelta(days=14))
                first = min(first, party.evidence_until)
                occurred = _between(rng, first, party.evidence_until)
                added = min(occurred + timedelta(days=rng.randint(0, 3)), party.evidence_until)
                added = max(added, occurred)
                kind = rng.choices(kinds, weights=kind_weights, k=1)[0]
                valence = rng.choices(valences, weights=valence_weights, k=1)[0]
                topic = rng.choice(p.topics)
                title, body, prompts = _evidence_text(
                    rng, kind, words.TOPICS[topic], valence, occurred
                )
                value = unit = baseline = period_start = period_end = None
                if kind == Kind.STATISTIC:
                    measure, unit, base = rng.choice(measures)
                    title = measure
                    span = max(1, (ANCHOR - p.start).days)
                    progress = (occurred - p.start).days / span
                    raw = base * (1 + 0.5 * progress) * rng.uniform(0.85, 1.15)
                    value = Decimal(f"{raw:.1f}") if unit == "%" else Decimal(round(raw))
                    if rng.random() < 0.3:
                        baseline = Decimal(base)
                    if rng.random() < 0.5:
                        period_start = occurred.replace(day=1)
                        period_end = (period_start + timedelta(days=32)).replace(day=1) - timedelta(
                            days=1
                        )
                elif kind == Kind.SURVEY_RESULT:
                    value = Decimal(f"{rng.uniform(20, 90):.1f}")
                    unit = "%"
                linked = rng.choices((0, 1, 2), weights=(0.3, 0.5, 0.2), k=1)[0]
                for question in rng.sample(p.questions, min(linked, len(p.questions))):
                    links.append((evidence_id, question0 + question))
                submitter = rng.choice(orgs[party.organisation].members)
                at = _day_at(added, rng.randint(0, 480))
                event(
                    p.index,
                    submitter,
                    party.organisation,
                    "evidence_added",
                    f"{who(submitter, party.organisation)} added a piece of evidence.",
                    at,
                )
                yield (
                    evidence_id,
                    at,
                    at,
                    partnership0 + p.index,
                    party0 + party.index,
                    user_id(submitter),
                    kind,
                    title[:200],
                    body,
                    valence,
                    Evidence.Attribution.NAMED
                    if rng.random() < 0.3
                    else Evidence.Attribution.ANONYMOUS,
                    occurred,
                    value,
                    unit or "",
                    baseline,
                    _jsonb(prompts),
                    period_start,
                    period_end,
                    "\n".join(prompts.values()),
                )
                evidence_id += 1

    out.copy(
        Evidence._meta.db_table,
        [
            "id",
            "created_at",
            "updated_at",
            "partnership_id",
            "party_id",
            "submitted_by_id",
            "kind",
            "title",
            "body",
            "valence",
            "attribution",
            "occurred_on",
            "value",
            "unit",
            "baseline",
            "prompts",
            "period_start",
            "period_end",
            "prompt_text",
        ],
        evidence_rows(),
    )
    out.copy(
        Evidence.questions.through._meta.db_table,
        ["evidence_id", "researchquestion_id"],
        links,
    )
    events.sort(key=lambda e: (e[5], e[0]))
    out.copy(
        ActivityEvent._meta.db_table,
        ["partnership_id", "actor_id", "organisation_id", "verb", "summary", "created_at"],
        events,
    )

    per_user = plan.partnerships_per_user()
    out.written.partnerships_per_user = (
        min(per_user),
        max(per_user),
        round(sum(per_user) / len(per_user), 1),
    )
    return out.written


#: Every table the seed writes, emptied by ``--reset`` (with what points at them).
def seeded_tables() -> list[str]:
    from django.apps import apps

    keep = {"contenttypes", "auth.permission"}
    tables = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in keep or label in keep or not model._meta.managed:
            continue
        tables.append(model._meta.db_table)
    return sorted(set(tables))


def reset() -> None:
    """Empty every LearnHub table (the data set's and anything else in them)."""
    from consent.models import ALLOW_HISTORY_TRUNCATE_SQL

    quoted = ", ".join(f'"{t}"' for t in seeded_tables())
    # The consent history refuses TRUNCATE unless the transaction says it means it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ALLOW_HISTORY_TRUNCATE_SQL)
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def analyse() -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility map that lets
    PostgreSQL answer from indexes alone), as a database that has been running a while
    would have."""
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in seeded_tables():
            cursor.execute(f'{statement} "{table}"')
