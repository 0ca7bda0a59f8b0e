"""The notice shown before each consent decision, in plain words, with its version.

A decision records the version (and text) of the notice the person saw. Change the text
→ bump the version: a form posted against an old version is refused so nobody consents
to words they did not read. The version is for the records only: pages never show it.

``question``, ``if_yes`` and ``if_no`` are the consent form's words (the question, and
what an answer changes straight away); they are not part of the notice's ``text``.
"""

from dataclasses import dataclass

from consent.models import ConsentRecord

Purpose = ConsentRecord.Purpose


@dataclass(frozen=True)
class Notice:
    purpose: str
    version: str
    title: str
    allows: str
    who_sees: str
    withdraw: str
    question: str = ""
    if_yes: str = ""
    if_no: str = ""

    @property
    def text(self) -> str:
        return f"{self.title}. {self.allows} {self.who_sees} {self.withdraw}"


WITHDRAW = (
    "You can withdraw this at any time on the partnership’s Consent page; it takes effect "
    "straight away."
)

NOTICES: dict[str, Notice] = {
    Purpose.PARTICIPATE: Notice(
        purpose=Purpose.PARTICIPATE,
        version="participate-2026-11",
        title="Take part: let the learning partner use our evidence",
        allows=(
            "Your organisation can add evidence, and the learning partner can read it and "
            "count it in draft insight briefs."
        ),
        who_sees=(
            "Only the learning partner and your own organisation see your raw evidence. "
            "The funder and other grantees do not, unless you also choose to share with them."
        ),
        withdraw=WITHDRAW + " Your evidence then leaves every draft brief; you keep it.",
        question="Can the learning partner use your evidence?",
        if_yes=(
            "Straight away, your organisation can add evidence, and the learning partner can read"
            " it and count it in draft briefs."
        ),
        if_no=(
            "Straight away, the learning partner stops reading your evidence and it leaves every "
            "draft brief. Your organisation keeps its evidence and cannot add more until you say "
            "yes."
        ),
    ),
    Purpose.PUBLISH: Notice(
        purpose=Purpose.PUBLISH,
        version="publish-2026-11",
        title="Publish: let published briefs include our evidence",
        allows=(
            "Counts, statistics and anonymous quotes from your evidence can appear in insight "
            "briefs that the learning partner publishes."
        ),
        who_sees="Everyone the published brief is shared with: every party, then wider audiences.",
        withdraw=(
            WITHDRAW + " Published briefs are then shown again without your evidence, with a "
            "note that something was removed (your organisation is not named)."
        ),
        question="Can published briefs include your evidence?",
        if_yes=(
            "Briefs published from now on may include counts, statistics and anonymous quotes "
            "from your evidence."
        ),
        if_no=(
            "Straight away, published briefs are shown again without your evidence, with a note "
            "that something was removed. Your organisation is not named."
        ),
    ),
    Purpose.ATTRIBUTE: Notice(
        purpose=Purpose.ATTRIBUTE,
        version="attribute-2026-11",
        title="Name us: let briefs say a quote came from our organisation",
        allows=(
            "Where a piece of your evidence is marked as named, a brief may say it came from "
            "your organisation. Otherwise quotes read “a grantee” or “a funder”."
        ),
        who_sees="Everyone who reads the brief.",
        withdraw=WITHDRAW + " Quotes then read “a grantee” or “a funder” again.",
        question="Can briefs say a quote came from your organisation?",
        if_yes=(
            "Where a piece of your evidence is marked as named, briefs may say it came from your "
            "organisation."
        ),
        if_no=(
            "Straight away, quotes from your evidence read “a grantee” or “a funder” instead of "
            "your name."
        ),
    ),
    Purpose.SHARE_WITH_FUNDER: Notice(
        purpose=Purpose.SHARE_WITH_FUNDER,
        version="share_with_funder-2026-11",
        title="Share with the funder: let funders read our raw evidence",
        allows="People in the partnership’s funder organisations can read your evidence items.",
        who_sees="The funders of this partnership, as well as the learning partner.",
        withdraw=WITHDRAW + " Funders then stop seeing your raw evidence.",
        question="Can the funders read your evidence?",
        if_yes=("Straight away, people in the funder organisations can read your evidence items."),
        if_no=("Straight away, the funders stop seeing your evidence items."),
    ),
    Purpose.SHARE_WITH_PARTIES: Notice(
        purpose=Purpose.SHARE_WITH_PARTIES,
        version="share_with_parties-2026-11",
        title="Share with other grantees: let the other grantees read our raw evidence",
        allows=(
            "People in the other grantee organisations of this partnership can read your "
            "evidence items."
        ),
        who_sees="The other grantees of this partnership, as well as the learning partner.",
        withdraw=WITHDRAW + " Other grantees then stop seeing your raw evidence.",
        question="Can the other grantees read your evidence?",
        if_yes=(
            "Straight away, people in the other grantee organisations can read your evidence items."
        ),
        if_no=("Straight away, the other grantees stop seeing your evidence items."),
    ),
}

CHALLENGE_NOTICE_VERSION = "challenge-2026-11"
CHALLENGE_NOTICE = (
    "Permission to challenge lets the learning partner name uncomfortable implications for "
    "your organisation, in the areas and through the channels you choose: a workshop, a "
    "private report to you, or a published brief. You can add conditions, and withdraw at "
    "any time."
)
