"""Every write of consent and permission to challenge.

Each decision appends one history row (never changed or deleted) and, in the same
transaction and under a row lock on the party, brings the projection of the current state
(``ConsentState`` / ``ChallengeState``) up to date. The lock serialises concurrent
decisions of one party, so the projection always equals the last decision in the history;
the projections' unique constraints make a duplicate current state impossible even so.

Each decision also adds a line to the partnership's timeline and tells the learning
partner (in-app at once, by email after commit).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from consent.models import ChallengeRecord, ChallengeState, ConsentRecord, ConsentState
from consent.notices import CHALLENGE_NOTICE_VERSION, NOTICES
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from learnhub.outbox import outbox_send
from notifications.services import notify
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import questions_with_status
from partnerships.services import activity_record

Purpose = ConsentRecord.Purpose
Decision = ConsentRecord.Decision
Channel = ChallengeRecord.Channel
ALL_AREAS = ChallengeRecord.ALL_AREAS

#: The evidence app's task that brings a party's briefs in line with its consent. Scheduled
#: by name: evidence sits above consent, so consent never imports it.
BRIEFS_RERENDER_TASK = "evidence.rerender_briefs_for_party"
#: The purposes that change what a brief may cite or how it names a source.
AFFECTS_BRIEFS = frozenset({Purpose.PARTICIPATE, Purpose.PUBLISH, Purpose.ATTRIBUTE})

NOTE_MAX_LENGTH = 2000
CONDITIONS_MAX_LENGTH = 5000

_PURPOSE_PHRASES = {
    Purpose.PARTICIPATE: "taking part (the learning partner may use its evidence)",
    Purpose.PUBLISH: "publishing (published briefs may include its evidence)",
    Purpose.ATTRIBUTE: "naming it (briefs may say a quote came from it)",
    Purpose.SHARE_WITH_FUNDER: "sharing its raw evidence with the funders",
    Purpose.SHARE_WITH_PARTIES: "sharing its raw evidence with the other grantees",
}

CHANNEL_PHRASES = {
    Channel.WORKSHOP: "in a workshop",
    Channel.PRIVATE_REPORT: "in a private report",
    Channel.PUBLISHED_BRIEF: "in a published brief",
}


class NoticeChanged(Conflict):
    """The person decided on an older notice than the current one: they must read it again."""


class ConsentChanged(Conflict):
    """The party's consent changed after the person read it: they must see it and answer again."""

    @classmethod
    def of(cls, party: Party) -> "ConsentChanged":
        return cls(
            f"Someone changed the consent of {party.organisation.name} after you opened "
            "this form, so nothing was recorded. Here is its consent now: answer again."
        )


def purpose_phrase(purpose: str) -> str:
    return _PURPOSE_PHRASES[Purpose(purpose)]


def _who(user: User, party: Party) -> str:
    return f"{user.display_name} ({party.organisation.name})"


def _locked_party(party: Party) -> Party:
    return (
        Party.objects.select_for_update()
        .select_related("organisation", "partnership")
        .get(pk=party.pk)
    )


def _refuse_unless_taking_part(party: Party, decision: str) -> None:
    if party.status != Party.Status.ACCEPTED:
        raise Conflict(
            f"{party.organisation.name} is not taking part in this partnership, so it has "
            "no consent to give or withdraw here."
        )
    if party.partnership.status == Partnership.Status.CLOSED and decision == Decision.GRANT:
        raise Conflict(
            "This partnership is closed, so nothing new can be given. You can still withdraw."
        )


def _check_notice_version(given: str | None, current: str) -> None:
    if given not in (None, "", current):
        raise NoticeChanged(
            "The notice for this decision has changed since you read it. Read the current "
            "notice again, then decide."
        )


def _learning_partner_people(partnership: Partnership, *, but: User) -> list[User]:
    """Everyone in an accepted learning partner organisation of the partnership, except ``but``."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__parties__partnership=partnership,
            memberships__organisation__parties__role=Party.Role.LEARNING_PARTNER,
            memberships__organisation__parties__status=Party.Status.ACCEPTED,
        )
        .exclude(pk=but.pk)
        .distinct()
        .order_by("pk")
    )


def _rerender_briefs_after_commit(party: Party) -> None:
    """Record, with the decision, that the party's briefs must be re-rendered (drafts
    recomputed; published briefs shown again without withdrawn evidence); the outbox
    sends it after commit, and again until it has run. Until then, brief reads filter by
    the current consent themselves."""
    outbox_send(task=BRIEFS_RERENDER_TASK, args=[party.pk])


def _consent_page(partnership: Partnership) -> str:
    return reverse("consent:consent-overview", kwargs={"partnership_pk": partnership.pk})


# --- Consent -------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    party: Party,
    purpose: str,
    decision: str,
    by: User,
    notice_version: str | None = None,
    note: str = "",
) -> ConsentRecord:
    """Record ``party``'s decision (grant or withdraw) for one purpose.

    Who may decide is the gateway's rule (``consent.access``: an admin of the party); this
    service enforces the rest: a known purpose and decision, a party that is taking part,
    no new grants once the partnership is closed (withdrawing is always possible), and the
    notice the person read must be the current one (``NoticeChanged``, a 409, otherwise;
    no version means the current notice was shown). Every call appends a record, even one
    that repeats the current decision (under a newer notice it is a fresh consent). Only
    a change of state tells the learning partner and, for participate, publish and
    attribute, has the party's briefs re-rendered after commit.
    """
    errors: dict[str, list[str]] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = [
            "Choose participate, publish, attribute, share_with_funder or share_with_parties."
        ]
    if decision not in Decision.values:
        errors["decision"] = ["Choose grant or withdraw."]
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer."]
    if errors:
        raise ValidationError(errors)
    notice = NOTICES[Purpose(purpose)]
    _check_notice_version(notice_version, notice.version)

    party = _locked_party(party)
    _refuse_unless_taking_part(party, decision)
    granted = decision == Decision.GRANT
    previous = ConsentState.objects.filter(party=party, purpose=purpose).first()
    record = ConsentRecord.objects.create(
        partnership=party.partnership,
        party=party,
        purpose=purpose,
        decision=decision,
        recorded_by=by,
        notice_version=notice.version,
        notice_text=notice.text,
        note=note,
    )
    ConsentState.objects.update_or_create(
        party=party,
        purpose=purpose,
        defaults={"partnership": party.partnership, "granted": granted, "record": record},
    )

    verb = "gave" if granted else "withdrew"
    changed = previous is None or previous.granted != granted
    activity_record(
        partnership=party.partnership,
        actor=by,
        organisation=party.organisation,
        verb=f"consent_{'granted' if granted else 'withdrawn'}",
        summary=(
            f"{_who(by, party)} {verb} consent for {purpose_phrase(purpose)}"
            + ("" if changed else " again")
            + "."
        ),
    )
    if changed and purpose in AFFECTS_BRIEFS:
        _rerender_briefs_after_commit(party)
    if changed:
        notify(
            recipients=_learning_partner_people(party.partnership, but=by),
            kind="consent_changed",
            subject=f"{party.organisation.name} {verb} consent: {notice.title.split(':')[0]}",
            body=(
                f"{_who(by, party)} {verb} consent for {purpose_phrase(purpose)} in the "
                f"partnership “{party.partnership.title}”. "
                + (
                    "It takes effect straight away."
                    if granted
                    else "It takes effect straight away: its evidence must no longer be "
                    "used for this."
                )
            ),
            url=_consent_page(party.partnership),
            partnership=party.partnership,
        )
    return record


@transaction.atomic
def consent_record_answers(
    *,
    party: Party,
    answers: Mapping[str, bool],
    was: Mapping[str, bool | None],
    by: User,
    notice_versions: Mapping[str, str] | None = None,
    note: str = "",
) -> list[ConsentRecord]:
    """Record one consent form's answers for ``party``, in one transaction.

    ``answers`` maps purposes to yes (``True``) or no; ``was`` is every purpose's state
    when the person opened the form (``None``: never decided). If the party's consent
    now differs from ``was`` (another admin decided meanwhile), nothing is recorded:
    ``ConsentChanged`` (409), so the person sees the new state and answers again. Each
    answer that differs from the current state is one record through ``consent_record``
    (its rules, history, timeline, notifications and outbox follow-ups); an answer that
    matches it records nothing, so a form with no change records nothing at all.
    """
    unknown = sorted(set(answers) - set(Purpose.values))
    if unknown:
        raise ValidationError({"purpose": [f"“{p}” is not a consent purpose." for p in unknown]})
    party = _locked_party(party)
    states = dict(ConsentState.objects.filter(party=party).values_list("purpose", "granted"))
    if any(states.get(purpose) != was.get(purpose) for purpose in Purpose.values):
        raise ConsentChanged.of(party)
    versions = notice_versions or {}
    return [
        consent_record(
            party=party,
            purpose=purpose,
            decision=Decision.GRANT if answer else Decision.WITHDRAW,
            notice_version=versions.get(purpose),
            note=note,
            by=by,
        )
        for purpose, answer in sorted(answers.items(), key=lambda a: Purpose.values.index(a[0]))
        if states.get(purpose) != answer
    ]


# --- Permission to challenge -------------------------------------------------------------


@dataclass(frozen=True)
class _Areas:
    everything: bool
    questions: list[ResearchQuestion]

    def stored(self) -> list[int | str]:
        return [ALL_AREAS] if self.everything else [q.pk for q in self.questions]


def _agreed_questions(partnership: Partnership) -> QuerySet[ResearchQuestion]:
    """The partnership's questions every accepted party has agreed (``status`` is derived)."""
    agreed = ResearchQuestion.Status.AGREED
    # django-stubs cannot see the ``status`` annotation questions_with_status adds.
    return questions_with_status(partnership=partnership).filter(status=agreed)  # type: ignore[misc]


def _parse_areas(areas: Sequence[int | str], partnership: Partnership, decision: str) -> _Areas:
    """``["*"]`` or ids of research questions of this partnership (agreed ones, to grant)."""
    if not areas:
        raise ValidationError({"areas": ["Choose everything, or at least one research question."]})
    wanted = {str(area).strip() for area in areas}
    if ALL_AREAS in wanted:
        if len(wanted) > 1:
            raise ValidationError(
                {"areas": ["Choose everything or particular research questions, not both."]}
            )
        return _Areas(everything=True, questions=[])
    ids: set[int] = set()
    for area in wanted:
        question_id = as_id(area)
        if question_id is None:
            raise ValidationError(
                {"areas": [f"“{area}” is not a research question of this partnership."]}
            )
        ids.add(question_id)
    questions = (
        _agreed_questions(partnership)
        if decision == ChallengeRecord.Decision.GRANT
        else questions_with_status(partnership=partnership)
    ).filter(pk__in=ids)
    found = {q.pk: q for q in questions}
    missing = sorted(ids - set(found))
    if missing:
        message = (
            "is not an agreed research question of this partnership"
            if decision == ChallengeRecord.Decision.GRANT
            else "is not a research question of this partnership"
        )
        raise ValidationError({"areas": [f"Question {pk} {message}." for pk in missing]})
    return _Areas(everything=False, questions=[found[pk] for pk in sorted(found)])


def _parse_channels(channels: Sequence[str]) -> list[str]:
    if not channels:
        raise ValidationError({"channels": ["Choose at least one channel."]})
    unknown = sorted({str(c) for c in channels} - set(Channel.values))
    if unknown:
        raise ValidationError(
            {
                "channels": [
                    f"“{c}” is not a channel: choose workshop, private_report or published_brief."
                    for c in unknown
                ]
            }
        )
    return [c for c in Channel.values if c in channels]


def _grant(party: Party, record: ChallengeRecord, areas: _Areas, channels: list[str]) -> None:
    for channel in channels:
        for question in [None] if areas.everything else areas.questions:
            ChallengeState.objects.update_or_create(
                party=party,
                question=question,
                channel=channel,
                defaults={
                    "partnership": party.partnership,
                    "record": record,
                    "conditions": record.conditions,
                    "notify_before_publish": record.notify_before_publish,
                },
            )


def _withdraw(party: Party, areas: _Areas, channels: list[str]) -> None:
    held = ChallengeState.objects.filter(party=party, channel__in=channels)
    if areas.everything:
        held.delete()
        return
    withdrawn = {q.pk for q in areas.questions}
    for everything in list(held.filter(question__isnull=True)):
        # "*" covers every question, so withdrawing one question must turn it into the
        # list of the other questions agreed now; a question agreed later is not covered.
        others = _agreed_questions(party.partnership).exclude(pk__in=withdrawn)
        for question in others:
            ChallengeState.objects.get_or_create(
                party=party,
                question=question,
                channel=everything.channel,
                defaults={
                    "partnership": party.partnership,
                    "record": everything.record,
                    "conditions": everything.conditions,
                    "notify_before_publish": everything.notify_before_publish,
                },
            )
        everything.delete()
    held.filter(question_id__in=withdrawn).delete()


def _describe_challenge(areas: _Areas, channels: list[str]) -> str:
    where = (
        "in every area"
        if areas.everything
        else "on " + "; ".join(f"“{q.text[:80]}”" for q in areas.questions)
    )
    how = ", ".join(CHANNEL_PHRASES[Channel(c)] for c in channels)
    return f"{where} ({how})"


@transaction.atomic
def challenge_record(
    *,
    party: Party,
    decision: str,
    areas: Sequence[int | str],
    channels: Sequence[str],
    conditions: str = "",
    by: User,
    notice_version: str | None = None,
    notify_before_publish: bool = False,
) -> ChallengeRecord:
    """Record ``party``'s grant or withdrawal of permission to challenge it.

    ``areas`` is ``["*"]`` (everything) or ids of this partnership's research questions
    (agreed ones to grant; any of its questions to withdraw); ``channels`` are workshop,
    private_report and/or published_brief. The current state is folded from the history:
    a grant adds each (area, channel) pair, with this grant's conditions; a withdrawal
    removes them. Withdrawing a particular question while "everything" is held for a
    channel replaces "everything" by the questions agreed *now* minus the withdrawn one,
    so that question is no longer permitted — and questions agreed later are not
    covered until the party grants them (or everything) again. ``notify_before_publish``
    (a grant's) asks to be told before a published brief challenges the party.
    """
    errors: dict[str, list[str]] = {}
    if decision not in ChallengeRecord.Decision.values:
        errors["decision"] = ["Choose grant or withdraw."]
    conditions = conditions.strip()
    if len(conditions) > CONDITIONS_MAX_LENGTH:
        errors["conditions"] = [
            f"The conditions must be {CONDITIONS_MAX_LENGTH:,} characters or fewer."
        ]
    parsed_channels: list[str] = []
    parsed_areas = _Areas(everything=False, questions=[])
    try:
        parsed_channels = _parse_channels(channels)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        parsed_areas = _parse_areas(areas, party.partnership, decision)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    _check_notice_version(notice_version, CHALLENGE_NOTICE_VERSION)

    party = _locked_party(party)
    _refuse_unless_taking_part(party, decision)
    record = ChallengeRecord.objects.create(
        partnership=party.partnership,
        party=party,
        decision=decision,
        areas=parsed_areas.stored(),
        channels=parsed_channels,
        conditions=conditions,
        notify_before_publish=bool(notify_before_publish) and decision == "grant",
        recorded_by=by,
        notice_version=CHALLENGE_NOTICE_VERSION,
    )
    granted = decision == ChallengeRecord.Decision.GRANT
    if granted:
        _grant(party, record, parsed_areas, parsed_channels)
    else:
        _withdraw(party, parsed_areas, parsed_channels)

    what = _describe_challenge(parsed_areas, parsed_channels)
    verb = "gave" if granted else "withdrew"
    summary = f"{_who(by, party)} {verb} permission to challenge {party.organisation.name} {what}."
    activity_record(
        partnership=party.partnership,
        actor=by,
        organisation=party.organisation,
        verb=f"challenge_{'granted' if granted else 'withdrawn'}",
        summary=summary,
    )
    notify(
        recipients=_learning_partner_people(party.partnership, but=by),
        kind="challenge_permission_changed",
        subject=f"{party.organisation.name} {verb} permission to challenge",
        body=summary
        + (f" Conditions: {conditions}" if granted and conditions else "")
        + (
            " They ask to be told before a published brief challenges them."
            if record.notify_before_publish
            else ""
        )
        + f" Partnership: “{party.partnership.title}”.",
        url=_consent_page(party.partnership),
        partnership=party.partnership,
    )
    return record
