"""The pulse's three statements, its scale and its threshold: declared once, read by the
model's constraints, the services, the API, the form and the pages."""

from typing import Final

#: Results of a period show only once at least this many people answered (k-anonymity).
MIN_RESPONSES: Final = 5

#: The scale: 1 (strongly disagree) to 5 (strongly agree).
SCALE: Final = (1, 2, 3, 4, 5)
SCALE_WORDS: Final = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}

#: Statement key -> the statement, as people read it.
STATEMENTS: Final = {
    "speak_up": "I can say what is not working without it counting against us.",
    "not_working_safe": "It is safe to share evidence of things that did not go well.",
    "heard": "When I raise a concern, people in this partnership listen and respond.",
}
KEYS: Final = tuple(STATEMENTS)

#: A statement's mean below this is low; a drop of at least ``FALLING_DROP`` from the
#: previous period with results is falling. Either is flagged to the learning partner.
LOW_BELOW: Final = 3.0
FALLING_DROP: Final = 0.5

COMMENT_MAX_LENGTH: Final = 1000

#: Short names for the charts' headings and the dashboard (the pages give each in full).
STATEMENT_NAMES: Final = {
    "speak_up": "Saying what is not working",
    "not_working_safe": "Sharing what did not go well",
    "heard": "Being listened to",
}
#: The scale's points as a chart labels its bars.
SCALE_LABELS: Final = {
    1: "1 Strongly disagree",
    2: "2 Disagree",
    3: "3 Neither",
    4: "4 Agree",
    5: "5 Strongly agree",
}
