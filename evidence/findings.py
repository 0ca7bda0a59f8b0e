"""Findings: the few plain sentences that open each section of a brief and say what was
learned — what works, what does not, for whom, and how the figures moved — each resting on
the evidence it cites.

The engine is extractive and rule-based, so it runs offline, says nothing the evidence
does not, and gives the same findings for the same evidence:

- a **figure** finding for each measure that can be compared (with the previous period,
  or else with its baseline), in words: "… fell from 31% to 23% of households, against
  the baseline";
- a **working**, a **not working** and a **mixed** finding, each quoting the sentence of
  that evidence that best stands for the rest (it shares the most words with the other
  items of its kind, reads on its own and is not too long), with how many pieces of
  evidence say so and who says it (service users, staff, …; never an organisation);
- a **gap** finding when nothing says what is not working, or when the evidence is thin.

A question with evidence both working and not working always gets findings of both kinds.
The whole-partnership section does not repeat the questions: it says how the evidence
falls across them and carries the leading finding of each question
(``summary_findings``).

Pure functions of plain values, like the rest of the drafting engine: what they are given
was already limited to what consent lets the brief cite, so every id a finding cites is
in the brief's ``cited_evidence``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from evidence.sections import Finding, Statistic

#: The kinds of finding, as the API names them.
KINDS = ("working", "not_working", "mixed", "figure", "gap")
MAX_FINDINGS = 5
#: Findings per section about figures, at most: the rest say what works and what does not.
MAX_FIGURE_FINDINGS = 2
#: Fewer pieces of evidence than this about a question makes "an early view".
THIN_EVIDENCE = 3
#: A sentence quoted in a finding: the lengths that read best on their own.
SHORTEST_WORDS, LONGEST_WORDS = 5, 24
QUOTED_CHARS = 220

#: Kinds whose text describes what happened (preferred) rather than one person's words.
ACCOUNT_KINDS = frozenset(
    {
        "story",
        "interview_note",
        "learning_log",
        "after_action_review",
        "reflection",
        "survey_result",
        "statistic",
    }
)

SPEAKERS_PLURAL = {
    "service_user": "service users",
    "volunteer": "volunteers",
    "staff": "staff",
    "partner_organisation": "partner organisations",
    "funder": "funders",
}

LEADS = {
    "working": "What works",
    "not_working": "What is not working",
    "mixed": "Mixed results",
}
SAYS = {
    "working": "say something is working",
    "not_working": "say something is not working",
    "mixed": "show mixed results",
}

#: Contractions, which scikit-learn's stop-word list (of whole words) leaves out.
_CONTRACTIONS = frozenset({"don't", "didn't", "doesn't", "can't", "won't", "i'm", "it's", "we're"})


@functools.cache
def _stop_words() -> frozenset[str]:
    """Words that say nothing about the topic, left out when sentences are compared:
    scikit-learn's English list (loaded when first needed, as the themes load it)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _CONTRACTIONS


_WORD = re.compile(r"[a-z][a-z']+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[A-Z0-9“\"'(])")
_QUOTE_MARKS = str.maketrans("", "", '“”"')
#: Sentences that lean on something said before them read badly alone.
_LEANS_BACK = re.compile(
    r"^(he|she|they|it|this|that|these|those|his|her|their|its|but|and|so|also|then)\b",
    re.IGNORECASE,
)


class Evidenced(Protocol):
    """What the findings need of an item (``evidence.synthesis.Item`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def party_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def valence(self) -> str: ...
    @property
    def occurred_on(self) -> date: ...
    @property
    def body(self) -> str: ...
    @property
    def extra_text(self) -> str: ...
    @property
    def speaker(self) -> str: ...


# --- Sentences ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _sentences_of(text: str) -> tuple[tuple[str, frozenset[str], int], ...]:
    """The sentences of ``text`` with their content words and word count. Cached: an item
    is read for the whole partnership and again for each of its questions."""
    found = []
    stop = _stop_words()
    for paragraph in text.splitlines():
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            sentence = sentence.strip("—– ")
            if not sentence:
                continue
            words = _WORD.findall(sentence.casefold().replace("’", "'"))
            found.append((" ".join(sentence.split()), frozenset(words) - stop, len(words)))
    return tuple(found)


def _readable(sentence: str) -> str:
    """A sentence as a finding quotes it: whole, ending with a full stop, not too long."""
    sentence = sentence.translate(_QUOTE_MARKS).strip()  # the finding quotes it itself
    if len(sentence) > QUOTED_CHARS:
        sentence = sentence[:QUOTED_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    elif not sentence.endswith((".", "!", "?", "…")):
        sentence += "."
    return sentence


def _best_sentence(items: Sequence[Evidenced]) -> tuple[str, Evidenced] | None:
    """The sentence that best stands for ``items``: it shares the most words with the
    other items (centrality), reads on its own, is of a readable length, and comes from
    an account of what happened rather than one person's words where there is a choice.
    Ties go to the newest item, then the lowest id, so the choice never varies."""
    words_of = {
        item.id: frozenset().union(*(s[1] for s in _item_sentences(item))) for item in items
    }
    spread: Counter[str] = Counter()
    for words in words_of.values():
        spread.update(words)
    others = max(len(items) - 1, 1)
    best: tuple[tuple[float, int, int, int], str, Evidenced] | None = None
    for item in items:
        for position, (sentence, content, length) in enumerate(_item_sentences(item)):
            if length < 3 or not content or sentence.startswith("("):
                continue  # too short, or an aside such as "(a volunteer, May 2026)"
            shared = sum(spread[w] - 1 for w in content) / others / len(content) ** 0.5
            score = shared
            if SHORTEST_WORDS <= length <= LONGEST_WORDS:
                score += 1.0
            if _LEANS_BACK.match(sentence):
                score -= 1.0
            if item.kind in ACCOUNT_KINDS:
                score += 0.5
            rank = (round(score, 6), item.occurred_on.toordinal(), -item.id, -position)
            if best is None or rank > best[0]:
                best = (rank, sentence, item)
    return (best[1], best[2]) if best else None


def _item_sentences(item: Evidenced) -> tuple[tuple[str, frozenset[str], int], ...]:
    return _sentences_of(item.body) + _sentences_of(item.extra_text)


# --- Words -------------------------------------------------------------------------------


def _pieces(count: int) -> str:
    return f"{count} piece{'' if count == 1 else 's'} of evidence"


def _say(count: int) -> str:
    return "says" if count == 1 else "say"


def _listed(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _speakers(items: Iterable[Evidenced]) -> str:
    """Who speaks in ``items``, by role, most frequent first ("service users and staff")."""
    counted = Counter(item.speaker for item in items if item.speaker in SPEAKERS_PLURAL)
    ordered = sorted(counted, key=lambda s: (-counted[s], list(SPEAKERS_PLURAL).index(s)))
    return _listed([SPEAKERS_PLURAL[s] for s in ordered])


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def amount_text(value: str, unit: str, *, short: bool = False) -> str:
    """A value with its unit as people write it: "23% of households", "£40", "12 families";
    ``short`` leaves out the words after the unit ("31%" in "from 31% to 23% of households").
    Every figure the product writes (findings, the brief's figures, charts) goes through it."""
    unit = " ".join(unit.split())
    if not unit:
        return value
    head, _, rest = unit.partition(" ")
    if head in ("%", "£", "$", "€"):
        amount = f"{head}{value}" if head != "%" else f"{value}%"
        return amount if short or not rest else f"{amount} {rest}"
    if head.startswith("%"):  # "%s of people", written without a space
        return f"{value}%" if short else f"{value}{unit}"
    return value if short else f"{value} {unit}"


def figure_finding(statistic: Statistic) -> Finding:
    """How a measure moved, in words: against the previous period when there is one,
    else against its baseline; or just its latest value."""
    measure = statistic["measure"].rstrip(".")
    unit = statistic["unit"]
    now_text = statistic["value"] or "0"
    now = _decimal(now_text)
    ids = [statistic["evidence"]]
    compared: tuple[str, str, int | None] | None = None
    if statistic["previous_value"] is not None:
        compared = (
            statistic["previous_value"],
            " since the last period",
            statistic["previous_evidence"],
        )
    elif statistic["baseline"] is not None:
        compared = (statistic["baseline"], ", compared with the baseline", None)
    if compared is None or now is None or _decimal(compared[0]) is None:
        return {
            "text": f"{measure}: {amount_text(now_text, unit)}.",
            "kind": "figure",
            "evidence": ids,
        }
    before_text, reference, before_id = compared
    before = _decimal(before_text)
    if before_id is not None and before_id not in ids:
        ids.append(before_id)
    if before == now:
        text = f"{measure} stayed at {amount_text(now_text, unit)}{reference}."
    else:
        verb = "rose" if before is not None and now > before else "fell"
        text = (
            f"{measure} {verb} from {amount_text(before_text, unit, short=True)} "
            f"to {amount_text(now_text, unit)}{reference}."
        )
    return {"text": text, "kind": "figure", "evidence": sorted(ids)}


def _valence_finding(valence: str, items: Sequence[Evidenced], total: int) -> Finding | None:
    picked = _best_sentence(items)
    if picked is None:
        return None
    sentence, source = picked
    text = f"{LEADS[valence]}: “{_readable(sentence)}”"
    if len(items) > 1:
        if len(items) < total:
            text += f" {len(items)} of the {_pieces(total)} here {SAYS[valence]}."
        else:
            every = "Both" if total == 2 else f"All {total}"
            text += f" {every} pieces of evidence here {SAYS[valence]}."
    who = _speakers(items)
    if who:
        text += f" They include the words of {who}."
    others = sorted(item.id for item in items if item.id != source.id)
    return {"text": text, "kind": valence, "evidence": [source.id, *others]}


def _gap_finding(items: Sequence[Evidenced]) -> Finding | None:
    ids = sorted(item.id for item in items)
    if not items:
        return None
    if len(items) < THIN_EVIDENCE:
        return {
            "text": f"Only {_pieces(len(items))} so far, so this is an early view.",
            "kind": "gap",
            "evidence": ids,
        }
    if not any(item.valence == "not_working" for item in items):
        return {
            "text": "Nothing here says what is not working yet. Ask about it next period.",
            "kind": "gap",
            "evidence": ids,
        }
    return None


# --- Sections ----------------------------------------------------------------------------


def findings(items: Sequence[Evidenced], statistics: Sequence[Statistic]) -> list[Finding]:
    """Up to five findings about ``items`` (one question's evidence, or the whole
    partnership's when it has no agreed questions): figures that moved, then what works,
    what does not, mixed results and a gap, in that order. None for no evidence: a
    finding always cites some."""
    if not items:
        return []
    by_valence: dict[str, list[Evidenced]] = {"working": [], "not_working": [], "mixed": []}
    for item in items:
        if item.valence in by_valence:
            by_valence[item.valence].append(item)
    said: list[Finding] = []
    for valence in ("working", "not_working", "mixed"):
        if by_valence[valence]:
            finding = _valence_finding(valence, by_valence[valence], len(items))
            if finding is not None:
                said.append(finding)
    gap = _gap_finding(items)
    room = MAX_FINDINGS - len(said) - (1 if gap else 0)
    # One figure per group of near-duplicate measures: the first, as the brief shows them.
    seen: set[int] = set()
    distinct = []
    for statistic in statistics:
        group = statistic.get("similar_group")
        if group is None or group not in seen:
            distinct.append(statistic)
        if group is not None:
            seen.add(group)
    moved = [s for s in distinct if s["previous_value"] is not None or s["baseline"] is not None]
    still = [s for s in distinct if s not in moved]
    figures = [figure_finding(s) for s in (moved + still)[: max(0, min(MAX_FIGURE_FINDINGS, room))]]
    ordered = figures + said + ([gap] if gap else [])
    if not ordered:  # only unclear evidence without a sentence: still say what there is
        ordered = [
            {
                "text": f"{_pieces(len(items)).capitalize()} so far, none yet saying whether "
                "it is working.",
                "kind": "gap",
                "evidence": sorted(item.id for item in items),
            }
        ]
    return ordered[:MAX_FINDINGS]


def _verdict(items: Sequence[Evidenced]) -> tuple[str, str]:
    """What most of ``items`` say, in words, and the finding's kind."""
    working = sum(1 for item in items if item.valence == "working")
    not_working = sum(1 for item in items if item.valence == "not_working")
    total = len(items)
    if total < THIN_EVIDENCE:
        return f"there is little evidence yet ({_pieces(total)})", "gap"
    if working and not not_working:
        if working == total:
            return f"all {_pieces(total)} say it is working", "working"
        return f"{working} of the {_pieces(total)} {_say(working)} it is working", "working"
    if not_working and not working:
        if not_working == total:
            return f"all {_pieces(total)} say it is not working", "not_working"
        return (
            f"{not_working} of the {_pieces(total)} {_say(not_working)} it is not working",
            "not_working",
        )
    if working or not_working:
        return (
            f"the evidence is mixed: {working} {_say(working)} it is working "
            f"and {not_working} {_say(not_working)} it is not",
            "mixed",
        )
    return f"none of the {_pieces(total)} says yet whether it is working", "gap"


def summary_findings(
    *,
    items: Sequence[Evidenced],
    questions: Sequence[tuple[str, Sequence[Evidenced]]],
    unasked: Sequence[Finding],
) -> list[Finding]:
    """The whole partnership's findings when it has agreed questions: how the evidence
    falls across them, then one sentence on each question (what most of its evidence
    says: the question's own section gives the detail), then the leading findings about
    evidence no question covers; at most five. A summary, so nothing of the questions'
    own findings is repeated."""
    working = sorted(item.id for item in items if item.valence == "working")
    not_working = sorted(item.id for item in items if item.valence == "not_working")
    found: list[Finding] = []
    if working or not_working:
        asked = sum(1 for _, about in questions if about)
        across = f"Across {asked} research question{'' if asked == 1 else 's'}, " if asked else ""
        parts = []
        if working:
            parts.append(f"{_pieces(len(working))} {_say(len(working))} something is working")
        if not_working:
            parts.append(
                f"{len(not_working)} {_say(len(not_working))} something is not"
                if working
                else f"{_pieces(len(not_working))} {_say(len(not_working))} something is not "
                "working"
            )
        kind = "mixed" if working and not_working else ("working" if working else "not_working")
        text = across + " and ".join(parts) + "."
        found.append(
            {"text": text[0].upper() + text[1:], "kind": kind, "evidence": working + not_working}
        )
    answered = [(text, about) for text, about in questions if about]
    for text, about in answered[: MAX_FINDINGS - len(found) - (1 if unasked else 0)]:
        verdict, kind = _verdict(about)
        found.append(
            {
                "text": f"On “{text.rstrip()}”, {verdict}.",
                "kind": kind,
                "evidence": sorted(item.id for item in about),
            }
        )
    found.extend(unasked[: MAX_FINDINGS - len(found)])
    return found[:MAX_FINDINGS]
