"""The words LearnHub uses, explained in plain English: the glossary page's entries.

Each entry has a slug (its anchor on ``/glossary/``, used by ``{% term %}`` in
``learnhub/templatetags/glossary.py``), the term as people see it on the pages, and a
definition. Every definition scores 60 or more on Flesch reading ease
(``tests/infra/test_glossary.py``). This module is data only and imports no app, so
every app's pages may link to it.
"""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    definition: str
    #: Sub-entries, like the meanings of "agreed" and "contested" for a research question.
    details: tuple[tuple[str, str], ...] = ()


TERMS: tuple[Term, ...] = (
    Term(
        "learning-partnership",
        "Learning partnership",
        "A group of organisations who learn together about one piece of work. A funder sets "
        "it up. The grantees it funds and a learning partner join it.",
    ),
    Term(
        "learning-for",
        "Learning for",
        "The learning partner learns on behalf of the funder. Only the learning partner "
        "reads draft briefs. The other parties see a brief once it is published.",
    ),
    Term(
        "learning-with",
        "Learning with",
        "Everyone learns together. Every party reads draft briefs, and each sees only the "
        "evidence shared with it. Every party must agree before a partnership switches "
        "to this way of learning, or away from it.",
    ),
    Term(
        "learning-partner",
        "Learning partner",
        "The person or team who helps the partnership learn. They read the evidence, write "
        "the insight briefs and publish them.",
    ),
    Term(
        "commissioning-funder",
        "Commissioning funder",
        "The funder who set up the partnership. It invites the other parties and can close "
        "the partnership.",
    ),
    Term(
        "co-funder",
        "Co-funder",
        "Another funder who pays for the work too. It joins the partnership when invited, "
        "and sees what a funder sees.",
    ),
    Term(
        "grantee",
        "Grantee",
        "A charity or community group that gets money from the funder to do the work. "
        "Grantees add most of the evidence.",
    ),
    Term(
        "party",
        "Party",
        "Any organisation that has joined a partnership: a funder, a grantee or the "
        "learning partner.",
    ),
    Term(
        "discovery-brief",
        "Discovery brief",
        "The plan you agree at the start: why you want to learn, who it is for, and what "
        "you hope to find out. Every party must agree it before the partnership starts.",
    ),
    Term(
        "research-question",
        "Research question",
        "A question the partnership wants to answer, like “Do families come back after "
        "their first visit?”. Any party can propose one. Each party then says if it agrees.",
        details=(
            ("Proposed", "Someone has asked it, but not every party has said yes yet."),
            ("Agreed", "Every party has said yes. Evidence can now help answer it."),
            ("Contested", "At least one party does not agree with it as it stands."),
        ),
    ),
    Term(
        "consent",
        "Consent",
        "Your organisation’s say over what happens to its evidence. You choose yes or no "
        "for each purpose below. You can change your mind at any time.",
    ),
    Term(
        "consent-participate",
        "Take part",
        "Let the learning partner use your evidence. You can add evidence, and the learning "
        "partner can read it and count it in draft briefs.",
    ),
    Term(
        "consent-share-with-funder",
        "Share with the funder",
        "Let the funders of the partnership read your evidence items, as they are.",
    ),
    Term(
        "consent-share-with-parties",
        "Share with other grantees",
        "Let the other grantees in the partnership read your evidence items, as they are.",
    ),
    Term(
        "consent-publish",
        "Publish",
        "Let published briefs use your evidence: counts, figures and quotes with no names.",
    ),
    Term(
        "consent-attribute",
        "Name us",
        "Let a brief say a quote came from your organisation, where you marked the evidence "
        "as named. If not, it says “a grantee” or “a funder”.",
    ),
    Term(
        "permission-to-challenge",
        "Permission to challenge",
        "Your say on whether a brief may point out a hard truth about your work. You choose "
        "which questions it covers, and where it may be said: in a workshop, in a private "
        "report or in a published brief.",
    ),
    Term(
        "evidence",
        "Evidence",
        "Anything that helps show what is working and what is not: a number, a story, a "
        "quote, notes or a file. Each kind is explained below.",
        details=(
            ("A number", "A figure you measured or counted, like how many families came."),
            ("A story", "What happened to a person or a group, told in a few sentences."),
            ("A quote", "Something a person said, in their own words."),
            ("A learning log", "A short note of what you have learnt and the patterns you see."),
            ("Interview notes", "Notes from a talk with someone who uses or runs the service."),
            ("A survey result", "What a survey found, with its main figure if you have one."),
            (
                "An after action review",
                "Looking back at a piece of work: what you planned, what happened, why, and "
                "what you will change.",
            ),
            ("A reflection session", "What a team said when it stopped to think together."),
            ("A document", "A report, plan, photo or spreadsheet you attach as a file."),
        ),
    ),
    Term(
        "valence",
        "Working or not working",
        "What a piece of evidence shows about the work.",
        details=(
            ("Working", "It shows something going well."),
            ("Not working", "It shows something going badly, or a problem."),
            ("Mixed", "It shows some good and some bad."),
            ("Unclear", "You cannot tell yet."),
        ),
    ),
    Term(
        "insight-brief",
        "Insight brief",
        "A short report the learning partner writes from the evidence, for a set period. It "
        "says what the evidence shows and what to do next.",
    ),
    Term(
        "draft",
        "Draft",
        "A brief still being written. In learning for, only the learning partner reads it. "
        "In learning with, every party reads it.",
    ),
    Term(
        "published",
        "Published",
        "A brief that is finished and shared with every party. It can then be shared more "
        "widely by a link.",
    ),
    Term(
        "learning-action",
        "Learning action",
        "Something a party will do because of what it learnt, like “Open the drop-in on "
        "Saturdays”. It is planned, doing or done.",
    ),
    Term(
        "pre-publication-notice",
        "Pre-publication notice",
        "A note the learning partner sends before a brief is published, if the brief "
        "challenges your organisation and you asked to be told first. It says what the "
        "brief will say about you. The brief waits until you have read it, or until a few "
        "days have passed.",
    ),
    Term(
        "share-link",
        "Share link",
        "A web link to a published brief that anyone can open without signing in. The "
        "learning partner makes it and can turn it off at any time.",
    ),
    Term(
        "360giving",
        "360Giving data",
        "A shared way for funders to publish the grants they make, so anyone can see who "
        "funded what. LearnHub uses it to show each partnership similar work it could "
        "learn from.",
    ),
)

BY_SLUG: Mapping[str, Term] = {term.slug: term for term in TERMS}
if len(BY_SLUG) != len(TERMS):  # pragma: no cover - a declaration slip
    raise ImportError("Each glossary term needs its own slug.")
