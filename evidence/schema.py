"""The fields of an evidence item, declared once.

Each field says its name, its type, which kinds' form asks it, its limits, whether it is
required, the label the page shows (its CSV column is its name) and the plain-English
messages people see when it is wrong. The API's serializers, the web form, the CSV
columns, the list's rows and the one validator (``evidence.cleaning``) are all built
from ``FIELDS``; ``tests/evidence/test_evidence_schema.py`` fails if one drifts.

A choice field also says which words a person may write for each value in a CSV file
(``choice_value``): its code, its label as the pages show it, or another name people
use (``aliases``), in any case, with spaces, hyphens or underscores alike.

Nothing here imports the API or the pages, so every room may use it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from evidence.kinds import ALL_PROMPT_KEYS, GUIDES, PROMPTS
from evidence.models import Evidence

Kind = Evidence.Kind

TITLE_MAX = 200
BODY_MAX = 20_000
PROMPT_MAX = 10_000
UNIT_MAX = 50
QUESTIONS_MAX = 100
MAX_DIGITS = 20
DECIMAL_PLACES = 4
DECIMAL_LIMIT = Decimal("1e16")

#: Kinds whose form asks for a figure (a number is required for ``statistic``).
FIGURE_KINDS: tuple[str, ...] = (Kind.STATISTIC, Kind.SURVEY_RESULT)
#: Kinds whose form asks a body it cannot do without (no prompts, figure or file instead).
BODY_KINDS: tuple[str, ...] = tuple(
    kind
    for kind in Kind.values
    if kind not in PROMPTS and kind not in FIGURE_KINDS and kind != Kind.DOCUMENT
)


class FieldType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    DECIMAL = "decimal"
    IDS = "ids"
    PROMPTS = "prompts"


NUMBER_MESSAGES: Mapping[str, str] = {
    "invalid": "Enter a number, like 42 or 3.5.",
    "too_big": "Enter a smaller number.",
    "places": f"Use at most {DECIMAL_PLACES} decimal places.",
}
DATE_MESSAGES: Mapping[str, str] = {"invalid": "Enter a real date, like 2025-03-31."}
PERIOD_MESSAGES: Mapping[str, str] = {
    **DATE_MESSAGES,
    "both": "Enter both the first and the last day of the period.",
    "before_start": "The period must end on or after the day it starts.",
}
#: Refusals of a key that is not a field (on submit, and on change).
UNKNOWN_FIELD = "This is not a field of an evidence item."
UNCHANGEABLE_FIELD = "This cannot be changed."
#: A document with no text needs its file.
ATTACHMENT_NEEDED = "Attach the document, or say what is in it."


@dataclass(frozen=True)
class EvidenceField:
    """One field of an evidence item.

    ``kinds``: the kinds whose form asks it (None: every kind; the validator takes it for
    any kind). ``required_for``: the kinds that cannot do without it. ``max_length``: for
    text, the longest value; ``parser_length``: the API's parser refuses a longer value
    in REST framework's own words before the validator sees it (the contract's wording);
    ``framework_length_words``: the page's form refuses it in Django's own words.
    ``stored``: a column of ``Evidence`` (``questions`` is a link table). ``api_help``:
    what the API documents for it. ``aliases``: for a choice, other names people write
    for a value, as (name, value), besides its code and its label.
    """

    name: str
    type: FieldType
    label: str
    messages: Mapping[str, str]
    required: bool = False
    kinds: tuple[str, ...] | None = None
    required_for: tuple[str, ...] = ()
    max_length: int | None = None
    parser_length: bool = False
    framework_length_words: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    default: str = ""
    help_text: str = ""
    api_help: str = ""
    stored: bool = True
    aliases: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def values(self) -> tuple[str, ...]:
        """The values a choice takes."""
        return tuple(value for value, _label in self.choices)

    @property
    def words(self) -> tuple[tuple[str, str], ...]:
        """For a choice: each name a person may write for a value (its code, its label,
        its aliases), as (name, value); an empty value (\"not said\") has none."""
        return (
            tuple(
                (str(name), value)
                for value, label in self.choices
                if value
                for name in (value, label)
            )
            + self.aliases
        )

    def message(self, which: str, /, **values: object) -> str:
        text = self.messages[which]
        return text.format(**values) if values else text


FIELDS: tuple[EvidenceField, ...] = (
    EvidenceField(
        "kind",
        FieldType.CHOICE,
        label="What do you want to add?",
        required=True,
        choices=tuple(Kind.choices),
        aliases=(
            *((guide.label, kind) for kind, guide in GUIDES.items()),
            *((guide.label.split(" ", 1)[-1], kind) for kind, guide in GUIDES.items()),
        ),
        messages={
            "invalid": "Choose what kind of evidence this is: " + ", ".join(Kind.values) + ".",
        },
    ),
    EvidenceField(
        "title",
        FieldType.TEXT,
        label="Title",
        required=True,
        max_length=TITLE_MAX,
        parser_length=True,
        help_text="A few words so people can find it in a list, like “Winter drop-in sessions”.",
        messages={
            "required": "Give it a short title, so people can find it in a list.",
            "too_long": f"The title must be {TITLE_MAX} characters or fewer.",
        },
    ),
    EvidenceField(
        "body",
        FieldType.TEXT,
        label="What did you find?",
        max_length=BODY_MAX,
        required_for=BODY_KINDS,
        messages={
            "too_long": f"This must be {BODY_MAX:,} characters or fewer.",
            "required": "Write what you found.",
        },
    ),
    EvidenceField(
        "questions",
        FieldType.IDS,
        label="Which research questions does it help answer? (optional)",
        stored=False,
        api_help="Ids of research questions of this partnership.",
        messages={
            "invalid": "Choose research questions by their numbers.",
            "too_many": f"Link at most {QUESTIONS_MAX} research questions.",
            "strangers": "{noun} {ids} {verb} not among this partnership’s research questions.",
            "not_listed": "Choose from the research questions listed.",
        },
    ),
    EvidenceField(
        "valence",
        FieldType.CHOICE,
        label="Does it show something working or not working?",
        required=True,
        choices=tuple(Evidence.Valence.choices),
        messages={
            "invalid": "Say whether it shows something working, not working, mixed or unclear.",
        },
    ),
    EvidenceField(
        "attribution",
        FieldType.CHOICE,
        label="May a brief name your organisation with it?",
        choices=tuple(Evidence.Attribution.choices),
        default=Evidence.Attribution.ANONYMOUS,
        api_help="May a brief name your organisation with this item (with `attribute` "
        "consent)? Default anonymous.",
        messages={
            "invalid": "Choose named or anonymous.",
            "form_required": "Choose whether it may be named or kept anonymous.",
        },
    ),
    EvidenceField(
        "speaker",
        FieldType.CHOICE,
        label="Whose words or views are these? (optional)",
        choices=(("", "Not said"), *Evidence.Speaker.choices),
        default="",
        help_text="Briefs say who said it by role, like “a volunteer”, never by name.",
        api_help="Whose words or views the item gives: "
        + ", ".join(f"`{value}`" for value in Evidence.Speaker.values)
        + ". Empty or left out: not said.",
        messages={
            "invalid": "Choose who is speaking: " + ", ".join(Evidence.Speaker.values) + ".",
        },
    ),
    EvidenceField(
        "occurred_on",
        FieldType.DATE,
        label="When did this happen?",
        required=True,
        # The pages name the date for each kind: ``evidence.kinds.DATE_WORDS``.
        api_help="The day it happened; for a figure, the day it was measured.",
        messages={
            **DATE_MESSAGES,
            "required": "Enter the date it happened, like 2025-03-31.",
            "form_required": "Enter the date it happened.",
            "future": "The date cannot be in the future.",
        },
    ),
    EvidenceField(
        "value",
        FieldType.DECIMAL,
        label="The number",
        kinds=FIGURE_KINDS,
        required_for=(Kind.STATISTIC,),
        help_text="Just the number, like 42 or 3.5.",
        messages={
            **NUMBER_MESSAGES,
            "required": "Enter the number.",
            "with_baseline": "Enter the number now, as well as the baseline it is compared with.",
        },
        extra={"optional_label": "The main figure (optional)"},
    ),
    EvidenceField(
        "unit",
        FieldType.TEXT,
        label="What does the number count?",
        kinds=FIGURE_KINDS,
        required_for=(Kind.STATISTIC,),
        max_length=UNIT_MAX,
        parser_length=True,
        framework_length_words=True,
        help_text="For example “families”, “%” or “visits”.",
        messages={
            "too_long": f"The unit must be {UNIT_MAX} characters or fewer.",
            "required": "Say what the number counts, for example “families”, “%” or “visits”.",
        },
        extra={"optional_label": "What does the figure count? (optional)"},
    ),
    EvidenceField(
        "baseline",
        FieldType.DECIMAL,
        label="What was it before? (optional)",
        kinds=FIGURE_KINDS,
        help_text="The number to compare with, like last year’s figure.",
        messages=NUMBER_MESSAGES,
    ),
    EvidenceField(
        "period_start",
        FieldType.DATE,
        label="First day of the period it covers (optional)",
        kinds=FIGURE_KINDS,
        api_help="For a figure: the first day it covers.",
        messages=PERIOD_MESSAGES,
    ),
    EvidenceField(
        "period_end",
        FieldType.DATE,
        label="Last day of the period it covers (optional)",
        kinds=FIGURE_KINDS,
        api_help="For a figure: the last day it covers.",
        messages=PERIOD_MESSAGES,
    ),
    EvidenceField(
        "prompts",
        FieldType.PROMPTS,
        label="The kind’s questions",
        kinds=tuple(PROMPTS),
        max_length=PROMPT_MAX,
        api_help="Answers to the prompts of the kind: "
        + "; ".join(
            f"{kind}: {', '.join(prompt.key for prompt in prompts)}"
            for kind, prompts in PROMPTS.items()
        )
        + ". Other kinds take none; an unknown key is a 400. In multipart, send a JSON "
        "object as text, or one field per answer (prompts.planned).",
        messages={
            "invalid": "Send the prompt answers as an object of question: answer.",
            "unknown": "{label} does not ask {keys}. {asks}",
            "asks": "It asks: {keys}.",
            "asks_none": "It asks none; write in the body instead.",
            "not_text": "The answer to {key} must be text.",
            "any_not_text": "Each answer must be text.",
            "too_long": f"The answer to {{key}} must be {PROMPT_MAX:,} characters or fewer.",
            "form_too_long": f"This answer must be {PROMPT_MAX:,} characters or fewer.",
            "required": "Answer at least one of the questions.",
        },
    ),
)

BY_NAME: Mapping[str, EvidenceField] = {spec.name: spec for spec in FIELDS}


def choice_word(text: str) -> str:
    """How a written choice is compared: trimmed, any case, spaces, hyphens and
    underscores alike (``"Not working"``, ``"not-working"`` and ``not_working`` agree)."""
    return re.sub(r"[\s\-_]+", "_", text.strip().lower()).strip("_")


#: For each choice field, the value each word (``choice_word``) a person may write names.
def _choice_words(spec: EvidenceField) -> dict[str, str]:
    words: dict[str, str] = {}
    for name, value in spec.words:
        word = choice_word(name)
        if words.setdefault(word, str(value)) != value:  # pragma: no cover - a declaration slip
            raise ImportError(f"{spec.name}: “{name}” cannot name both {words[word]} and {value}.")
    return words


CHOICE_WORDS: Mapping[str, Mapping[str, str]] = {
    spec.name: _choice_words(spec) for spec in FIELDS if spec.type == FieldType.CHOICE
}


def choice_value(name: str, written: str) -> str:
    """The value of choice field ``name`` that ``written`` names (its code, label or an
    alias, see ``choice_word``); ``written`` itself, trimmed, when it names none, for the
    validator to refuse in its own words."""
    return CHOICE_WORDS[name].get(choice_word(written), written.strip())


#: The fields a caller may set (on submit) or change (on update), in the API's order.
FIELD_NAMES: tuple[str, ...] = tuple(BY_NAME)
#: The fields stored as columns of ``Evidence`` (``questions`` is a link table).
STORED_FIELD_NAMES: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.stored)
REQUIRED_FIELD_NAMES: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.required)

#: The CSV's columns, in the template's order; ``prompts`` is one column per prompt key.
CSV_FIELD_ORDER: tuple[str, ...] = (
    "kind",
    "title",
    "body",
    "occurred_on",
    "valence",
    "attribution",
    "speaker",
    "questions",
    "value",
    "unit",
    "baseline",
    "period_start",
    "period_end",
    "prompts",
)
if sorted(CSV_FIELD_ORDER) != sorted(FIELD_NAMES):  # pragma: no cover - a declaration slip
    raise ImportError("CSV_FIELD_ORDER must name every evidence field once.")


def csv_columns(names: tuple[str, ...]) -> tuple[str, ...]:
    """The CSV column titles of ``names``: a field's name, or each prompt key."""
    return tuple(
        column
        for name in names
        for column in (ALL_PROMPT_KEYS if BY_NAME[name].type == FieldType.PROMPTS else (name,))
    )


CSV_COLUMNS: tuple[str, ...] = csv_columns(CSV_FIELD_ORDER)
CSV_REQUIRED_COLUMNS: tuple[str, ...] = csv_columns(
    tuple(name for name in CSV_FIELD_ORDER if BY_NAME[name].required)
)
