"""What each kind of evidence is, in plain words, and the prompts each kind asks.

The services check prompt answers against ``PROMPTS``; the pages and the CSV template
are built from the same table, so the form, the import and the API always agree. A
brief shows prompt answers as reflections under each prompt's ``label``, a statement
("What we would do differently"), most telling prompts first (``REFLECTION_ORDER``).
"""

from dataclasses import dataclass

from evidence.models import Evidence

Kind = Evidence.Kind


@dataclass(frozen=True)
class Prompt:
    key: str
    question: str
    #: How a brief introduces the answer: a statement, not a question.
    label: str
    hint: str = ""


PROMPTS: dict[str, tuple[Prompt, ...]] = {
    Kind.AFTER_ACTION_REVIEW: (
        Prompt("planned", "What did we plan to happen?", "What we planned"),
        Prompt("happened", "What actually happened?", "What actually happened"),
        Prompt(
            "why_different",
            "Why was there a difference?",
            "Why it was different",
            "If it went as planned, say why.",
        ),
        Prompt(
            "do_differently",
            "What will we do differently next time?",
            "What we would do differently",
        ),
    ),
    Kind.LEARNING_LOG: (
        Prompt("learned", "What have I learnt?", "What we learnt"),
        Prompt(
            "patterns",
            "What patterns have I seen?",
            "Patterns we have seen",
            "Things that keep coming up.",
        ),
    ),
    Kind.REFLECTION: (
        Prompt("what_we_did", "What did we do?", "What we did"),
        Prompt("what_happened", "What happened?", "What happened"),
        Prompt(
            "what_it_means",
            "What does it mean?",
            "What it means",
            "For the people you serve, and for you.",
        ),
    ),
}

#: Which prompt answers a brief shows first as reflections: what was learnt and what will
#: change before what was planned and done (the evidence itself keeps the rest).
REFLECTION_ORDER: tuple[str, ...] = (
    "do_differently",
    "learned",
    "what_it_means",
    "patterns",
    "why_different",
    "happened",
    "what_happened",
    "planned",
    "what_we_did",
)

_REFLECTION_RANK = {key: rank for rank, key in enumerate(REFLECTION_ORDER)}

#: Every prompt key of any kind, in a stable order (the CSV columns use it).
ALL_PROMPT_KEYS: tuple[str, ...] = tuple(
    prompt.key for prompts in PROMPTS.values() for prompt in prompts
)


def prompts_for(kind: str) -> tuple[Prompt, ...]:
    """The prompts ``kind`` asks; most kinds ask none."""
    return PROMPTS.get(kind, ())


def prompt_answers(kind: str, prompts: object) -> tuple[tuple[str, str, str], ...]:
    """An item's answers to its kind's prompts (``Evidence.prompts``) as a brief reads
    them: ``(key, label, text)``, most telling first (``REFLECTION_ORDER``), unanswered
    prompts left out. Plain tuples, so the drafting engine needs nothing from here."""
    if not isinstance(prompts, dict):
        return ()
    answers = []
    for prompt in prompts_for(kind):
        text = prompts.get(prompt.key)
        if isinstance(text, str) and text.strip():
            answers.append((prompt.key, prompt.label, text.strip()))
    answers.sort(key=lambda answer: _REFLECTION_RANK.get(answer[0], len(_REFLECTION_RANK)))
    return tuple(answers)


@dataclass(frozen=True)
class KindGuide:
    kind: str
    label: str
    description: str
    body_label: str
    body_hint: str = ""


GUIDES: dict[str, KindGuide] = {
    guide.kind: guide
    for guide in (
        KindGuide(
            Kind.STATISTIC,
            "A number",
            "A figure you measured or counted, such as how many families you helped.",
            "What does the number show? (optional)",
            "For example, where it came from and anything that affects it.",
        ),
        KindGuide(
            Kind.STORY,
            "A story",
            "What happened to a person or a group, told in a few sentences.",
            "Tell the story",
            "Leave out names and details that could identify someone.",
        ),
        KindGuide(
            Kind.QUOTE,
            "A quote",
            "Something a person said, in their own words.",
            "The quote",
            "Write their words exactly. Say who said it in general terms, like "
            "“a parent” or “a volunteer”.",
        ),
        KindGuide(
            Kind.LEARNING_LOG,
            "A learning log",
            "A short note of what you have learnt and the patterns you are seeing.",
            "Anything else to add? (optional)",
        ),
        KindGuide(
            Kind.INTERVIEW_NOTE,
            "Interview notes",
            "Notes from a conversation with someone who uses or runs the service.",
            "Your notes",
        ),
        KindGuide(
            Kind.SURVEY_RESULT,
            "A survey result",
            "What a survey found. You can add the main figure as a number too.",
            "What did the survey find?",
        ),
        KindGuide(
            Kind.AFTER_ACTION_REVIEW,
            "An after action review",
            "Looking back at a piece of work: what was planned, what happened, why, and "
            "what to change.",
            "Anything else to add? (optional)",
        ),
        KindGuide(
            Kind.REFLECTION,
            "A reflection session",
            "What a team said when it stopped to reflect together.",
            "Anything else to add? (optional)",
        ),
        KindGuide(
            Kind.DOCUMENT,
            "A document",
            "A report, plan, photo or spreadsheet you want to share. Attach the file.",
            "What is in the document? (optional)",
        ),
    )
}


def guide_for(kind: str) -> KindGuide:
    return GUIDES[Kind(kind)]


@dataclass(frozen=True)
class DateWords:
    """How a kind speaks of its date (``occurred_on``): a number was measured, a quote
    was said, a review was held. ``question`` and ``hint`` label the form's field,
    ``missing`` is its error when left empty, ``key`` names it on the evidence page, and
    ``csv`` says it in the import's help."""

    question: str
    hint: str
    missing: str
    key: str
    csv: str


_MEASURED = DateWords(
    "When was it measured?",
    "The day it was measured or counted, like 2025-03-31.",
    "Enter the day it was measured.",
    "Measured on",
    "the day it was measured",
)
_HAPPENED = DateWords(
    "When did it happen?",
    "The day it happened, like 2025-03-31. If it went on for a while, the day it ended.",
    "Enter the day it happened.",
    "Happened on",
    "the day it happened",
)

DATE_WORDS: dict[str, DateWords] = {
    Kind.STATISTIC: _MEASURED,
    Kind.SURVEY_RESULT: DateWords(
        "When was it measured?",
        "The day it was measured: for a survey, the day it closed, like 2025-03-31.",
        "Enter the day it was measured.",
        "Measured on",
        "the day it was measured (the day the survey closed)",
    ),
    Kind.STORY: _HAPPENED,
    Kind.QUOTE: DateWords(
        "When was it said?",
        "The day they said or wrote it, like 2025-03-31.",
        "Enter the day it was said.",
        "Said on",
        "the day it was said",
    ),
    Kind.LEARNING_LOG: DateWords(
        "When did you write it?",
        "The day of this log, like 2025-03-31.",
        "Enter the day you wrote it.",
        "Written on",
        "the day it was written",
    ),
    Kind.INTERVIEW_NOTE: DateWords(
        "When was the interview?",
        "The day of the conversation, like 2025-03-31.",
        "Enter the day of the interview.",
        "Interviewed on",
        "the day of the interview",
    ),
    Kind.AFTER_ACTION_REVIEW: DateWords(
        "When did you hold the review?",
        "The day you looked back at the work together, like 2025-03-31.",
        "Enter the day you held the review.",
        "Review held on",
        "the day the review was held",
    ),
    Kind.REFLECTION: DateWords(
        "When did you meet to reflect?",
        "The day of the reflection session, like 2025-03-31.",
        "Enter the day you met to reflect.",
        "Session held on",
        "the day of the session",
    ),
    Kind.DOCUMENT: DateWords(
        "What date is the document from?",
        "The day it was written or published, like 2025-03-31.",
        "Enter the day it was written or published.",
        "Dated",
        "the day it was written or published",
    ),
}
if set(DATE_WORDS) != set(Kind.values):  # pragma: no cover - a declaration slip
    raise ImportError("DATE_WORDS must speak of every kind's date.")


def date_words_for(kind: str) -> DateWords:
    """How ``kind`` speaks of its date."""
    return DATE_WORDS[Kind(kind)]
