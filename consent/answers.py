"""The consent form's answers, carried between its steps in one signed hidden field.

The form asks one yes/no question per purpose. What it was drawn from (the party, each
purpose's state when the person opened it, and the versions of the notices they read)
and, after "Continue", their answers travel in a hidden field signed with
``django.core.signing``, not in the session: the server keeps nothing between steps, two
tabs (or two parties) never overwrite each other's answers, the back button and the
"Change" links keep working, and "Confirm" records exactly the answers the "Check your
answers" page showed. A field that was changed or forged fails its signature
(``AnswersRefused``, a 400 page); one older than ``MAX_AGE`` is ``AnswersExpired`` (the
person starts again).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing

from consent.models import ConsentRecord
from consent.notices import NOTICES, Notice
from consent.selectors import PURPOSES, PartyConsent

YES = "yes"
NO = "no"
ANSWERS = (YES, NO)
#: A purpose's state as the form sees it: "yes", "no", or "" (never decided).
STATES = (YES, NO, "")

SALT = "consent.answers"
#: How long a form or a check page may wait before it is confirmed.
MAX_AGE = 60 * 60 * 24


class AnswersRefused(Exception):
    """The signed field is missing, changed or forged."""


class AnswersExpired(AnswersRefused):
    """The signed field is genuine but older than ``MAX_AGE``."""


def state_word(granted: bool | None) -> str:
    return "" if granted is None else (YES if granted else NO)


def _granted(word: str) -> bool | None:
    return None if word == "" else word == YES


@dataclass(frozen=True)
class ConsentAnswers:
    """One party's consent form: ``basis`` is each purpose's state when it was opened,
    ``versions`` the notices read, ``answers`` (after "Continue") the person's answers."""

    party: int
    basis: dict[str, str]
    versions: dict[str, str]
    answers: dict[str, str] = field(default_factory=dict)

    def token(self) -> str:
        payload = {"party": self.party, "basis": self.basis, "versions": self.versions}
        if self.answers:
            payload["answers"] = self.answers
        return signing.dumps(payload, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token: str | None, *, answered: bool = False) -> "ConsentAnswers":
        """The answers a signed field carries; ``answered`` requires the answers too."""
        if not token:
            raise AnswersRefused("The form's signed field is missing.")
        try:
            payload: Any = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired as expired:
            raise AnswersExpired(str(expired)) from expired
        except (signing.BadSignature, ValueError) as bad:
            raise AnswersRefused(str(bad)) from bad
        try:
            party = payload["party"]
            basis = dict(payload["basis"])
            versions = dict(payload["versions"])
            answers = dict(payload.get("answers", {}))
        except (KeyError, TypeError, ValueError) as odd:
            raise AnswersRefused("The form's signed field has an unknown shape.") from odd
        every = set(PURPOSES)
        if (
            not isinstance(party, int)
            or set(basis) != every
            or set(versions) != every
            or not all(basis[p] in STATES and isinstance(versions[p], str) for p in every)
            or (answers and set(answers) != every)
            or not all(answer in ANSWERS for answer in answers.values())
            or (answered and not answers)
        ):
            raise AnswersRefused("The form's signed field has an unknown shape.")
        return cls(party=party, basis=basis, versions=versions, answers=answers)

    def with_answers(self, answers: Mapping[str, str]) -> "ConsentAnswers":
        return ConsentAnswers(
            party=self.party,
            basis=self.basis,
            versions=self.versions,
            answers={purpose: answers[purpose] for purpose in PURPOSES},
        )

    def started_again(self) -> "ConsentAnswers":
        """The same form without its answers (what the form's own hidden field carries)."""
        return ConsentAnswers(party=self.party, basis=self.basis, versions=self.versions)

    def initial(self) -> dict[str, str]:
        """The form's radios: the answers if given, otherwise the state it was opened in."""
        chosen = self.answers or self.basis
        return {purpose: chosen[purpose] for purpose in PURPOSES if chosen[purpose]}

    def was(self) -> dict[str, bool | None]:
        return {purpose: _granted(self.basis[purpose]) for purpose in PURPOSES}

    def decisions(self) -> dict[str, bool]:
        return {purpose: self.answers[purpose] == YES for purpose in self.answers}

    def is_stale_against(self, current: PartyConsent) -> bool:
        """Whether the party's consent changed since the form was opened."""
        return self.basis != basis_of(current)


def basis_of(current: PartyConsent) -> dict[str, str]:
    return {
        purpose: state_word(
            current.purposes[purpose] if current.records[purpose] is not None else None
        )
        for purpose in PURPOSES
    }


def answers_started(current: PartyConsent) -> ConsentAnswers:
    """A new form for ``current``'s party, pre-filled from its consent now."""
    return ConsentAnswers(
        party=current.party.pk,
        basis=basis_of(current),
        versions={purpose: NOTICES[purpose].version for purpose in PURPOSES},
    )


NOTHING_SHARED = "Nothing is shared for this, as before. Your answer is recorded."

_WAS_WORDS = {YES: "yes", NO: "no", "": "not decided"}


@dataclass(frozen=True)
class AnswerRow:
    """One line of the "Check your answers" page."""

    purpose: str
    notice: Notice
    answer: str
    was: str

    @property
    def label(self) -> str:
        return str(ConsentRecord.Purpose(self.purpose).label)

    @property
    def changed(self) -> bool:
        return self.answer != self.was

    @property
    def change_words(self) -> str:
        return f"Changing from {_WAS_WORDS[self.was]} to {self.answer}"

    @property
    def means(self) -> str:
        """What the change does, straight away (a first "no" shares nothing, as before)."""
        if self.answer == YES:
            return self.notice.if_yes
        return NOTHING_SHARED if self.was == "" else self.notice.if_no


def answer_rows(answers: ConsentAnswers) -> list[AnswerRow]:
    return [
        AnswerRow(
            purpose=purpose,
            notice=NOTICES[purpose],
            answer=answers.answers[purpose],
            was=answers.basis[purpose],
        )
        for purpose in PURPOSES
    ]
