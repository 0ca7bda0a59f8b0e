"""The whole partnership journey in a real browser, with three people from three organisations.

A funder starts a partnership and invites a grantee and a learning partner; each invited
organisation's admin accepts from their dashboard; the learning partner writes the
discovery brief (and sees how long discovery should take, and why); the funder and the
learning partner agree it; parties propose research questions; one objects (the question
is contested, and everyone sees it), then agrees; the funder tries to make the partnership
active too early and is told what is missing, then succeeds; the timeline shows who did
what. Every page on the way is checked with axe-core.

Each person has their own browser context (their own cookies), as three people on three
computers would.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from partnerships.models import DiscoveryBrief, Partnership, Party, QuestionResponse
from tests.browser.helpers import (
    assert_accessible,
    assert_error_summary,
    assert_fits_narrow_screen,
    assert_focus_visible,
    sign_in,
)
from tests.partnerships.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

TITLE = "Warm homes, healthy lives"
QUESTION = "What helps families keep their homes warm through the winter?"
OBJECTION = "Too broad for one winter: we suggest narrowing it to families with young children."


@pytest.fixture
def person(new_context: Callable[..., BrowserContext]) -> Callable[[str], Page]:
    """A signed-in browser tab of its own for each person."""

    def _open(email: str) -> Page:
        page = new_context().new_page()
        page.set_default_timeout(15_000)
        sign_in(page, email)
        return page

    return _open


def _main_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def _tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Sections of this partnership").get_by_role(
        "link", name=name
    ).click()


def _notice(page: Page) -> Locator:
    return page.get_by_role("status")


def _question(page: Page, text: str = QUESTION) -> Locator:
    return page.get_by_role("region", name=text)


def _answer_row(section: Locator, organisation: str) -> Locator:
    return section.get_by_role("row").filter(has_text=organisation)


def _timeline_entries(page: Page) -> list[str]:
    entries = page.get_by_role("list", name="Timeline").get_by_role("listitem")
    return [" ".join(text.split()) for text in entries.all_inner_texts()]


def test_three_organisations_take_a_partnership_from_discovery_to_active(
    person: Callable[[str], Page],
) -> None:
    # Given a funder, a grantee and a learning partner, each with an admin on LearnHub
    OrganisationFactory(
        name="Riverside Fund",
        kind="funder",
        admin=UserFactory(email="fay@riverside.example.org", name="Fay Adeyemi"),
    )
    OrganisationFactory(
        name="Northside Food Bank",
        kind="grantee",
        admin=UserFactory(email="gus@northside.example.org", name="Gus Moreno"),
    )
    OrganisationFactory(
        name="Clear Insight",
        kind="learning_partner",
        admin=UserFactory(email="lena@clearinsight.example.org", name="Lena Park"),
    )
    fay = person("fay@riverside.example.org")
    gus = person("gus@northside.example.org")
    lena = person("lena@clearinsight.example.org")

    # --- The funder starts the partnership -------------------------------------------
    _main_nav(fay, "Partnerships")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Your partnerships")
    assert_accessible(fay)
    fay.get_by_role("link", name="Start a partnership").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Start a partnership")
    assert_accessible(fay)
    assert_fits_narrow_screen(fay)

    # Sending the form empty explains each missing answer and starts nothing
    fay.get_by_role("button", name="Start partnership").click()
    assert_error_summary(fay, {"Title": "Enter a title for the partnership."})
    summary = fay.get_by_role("alert")
    for message in (
        "Choose learning for or learning with.",
        "Choose whose learning is the priority.",
        "Choose weekly, monthly or quarterly.",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert_focus_visible(fay)
    assert not Partnership.objects.exists()

    # Fay belongs to one funder: she is told it commissions, not asked to choose it
    expect(fay.get_by_role("main")).to_contain_text("Commissioned by Riverside Fund")
    expect(fay.get_by_role("radio", name=re.compile(r"^Riverside Fund"))).to_have_count(0)
    fay.get_by_label("Title").fill(TITLE)
    fay.get_by_label("What is the partnership about? (optional)").fill(
        "Learning what keeps families in Northside warm and well."
    )
    fay.get_by_role("radio", name=re.compile(r"^Learning with")).check()
    fay.get_by_role("radio", name=re.compile(r"^The people the grantees serve")).check()
    fay.get_by_role("radio", name=re.compile(r"^Monthly")).check()
    fay.get_by_role("button", name="Start partnership").click()

    expect(fay.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(_notice(fay)).to_contain_text(f"You started “{TITLE}”.")
    tasks = fay.get_by_role("list", name="Discovery")
    expect(tasks.get_by_role("listitem")).to_have_count(4)
    expect(tasks.get_by_role("listitem").filter(has_text="Not done yet")).to_have_count(4)
    assert_accessible(fay)
    partnership = Partnership.objects.get()
    assert (partnership.status, partnership.learning_mode, partnership.priority_audience) == (
        "discovery",
        "learning_with",
        "beneficiaries",
    )

    # --- It invites the learning partner and the grantee ---------------------------
    def invite(organisation: str, role: str) -> None:
        _tab(fay, "Parties")
        fay.get_by_role("link", name="Invite organisations").click()
        expect(fay.get_by_role("heading", level=1)).to_have_text("Invite organisations")
        fay.get_by_label("Search the directory by name or number").fill(organisation)
        fay.get_by_role("button", name="Search").click()
        expect(fay.get_by_role("group", name="Organisations")).to_be_visible()
        assert_accessible(fay)
        fay.get_by_role("checkbox", name=re.compile(rf"^{organisation}")).check()
        fay.get_by_role("radio", name=re.compile(rf"^{role}")).check()
        fay.get_by_role("button", name="Send invitations").click()
        expect(_notice(fay)).to_contain_text(f"You invited {organisation} to join as a")
        parties = fay.get_by_role("table", name="Parties")
        expect(parties.get_by_role("row").filter(has_text=organisation)).to_contain_text("Invited")

    invite("Clear Insight", "Learning partner")
    invite("Northside Food Bank", "Grantee")
    assert_accessible(fay)
    assert set(Party.objects.values_list("organisation__name", "role", "status")) == {
        ("Riverside Fund", "funder", "accepted"),
        ("Clear Insight", "learning_partner", "invited"),
        ("Northside Food Bank", "grantee", "invited"),
    }

    # --- Each invited admin accepts from their dashboard -------------------------------
    for page, organisation in ((lena, "Clear Insight"), (gus, "Northside Food Bank")):
        _main_nav(page, "Dashboard")
        waiting = page.get_by_role("region", name="Waiting for you")
        expect(waiting).to_contain_text(TITLE)
        assert_accessible(page)
        assert_fits_narrow_screen(page)
        waiting.get_by_role(
            "button", name=f"Accept invitation for {organisation} to join {TITLE}"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(_notice(page)).to_contain_text(f"{organisation} has joined “{TITLE}”.")
        assert_accessible(page)
    assert not Party.objects.filter(status="invited").exists()

    # --- The funder cannot make it active too early: the overview says what is left ----
    _tab(fay, "Overview")
    expect(fay.get_by_role("link", name="Make partnership active")).to_have_count(0)
    expect(fay.get_by_role("main")).to_contain_text(
        "You can make the partnership active once every step of discovery above is done."
    )
    tasks = fay.get_by_role("list", name="Discovery")
    expect(
        tasks.get_by_role("listitem").filter(has_text="A learning partner joins")
    ).to_contain_text("Done")
    # Only the learning partner writes the brief: the funder is offered no link to it.
    expect(tasks.get_by_role("link", name="Write the discovery brief")).to_have_count(0)
    # Following an old link to the page still explains what is missing.
    fay.goto(fay.url.split("?")[0].rstrip("/") + "/make-active/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Make the partnership active")
    expect(
        fay.get_by_role("heading", name="The partnership cannot become active yet")
    ).to_be_visible()
    missing = fay.get_by_role("main").get_by_role("list").filter(has_text="discovery brief")
    expect(missing.get_by_role("listitem")).to_have_text(
        [
            "The discovery brief has not been agreed by every party",
            "No research question has been agreed by every party",
        ]
    )
    expect(fay.get_by_role("button", name="Make partnership active")).to_have_count(0)
    assert_accessible(fay)
    assert Partnership.objects.get().status == "discovery"

    # --- The learning partner writes the discovery brief -------------------------------
    _tab(lena, "Discovery")
    assert_accessible(lena)
    lena.get_by_role("link", name="Write the discovery brief").click()
    expect(lena.get_by_role("heading", level=1)).to_have_text("Discovery brief")
    assert_accessible(lena)
    assert_fits_narrow_screen(lena)
    lena.get_by_label("How many years will the work run?").fill("")
    lena.get_by_role("button", name="Save discovery brief").click()
    assert_error_summary(
        lena,
        {
            "Who is the learning for?": "Say who the learning is for.",
            "What impact do you want?": "Say what impact the partnership wants.",
            "What is in scope, and what is not?": "Say what is in scope and what is not.",
            "How many years will the work run?": "Enter how many years the work will run.",
        },
    )
    assert DiscoveryBrief.objects.get().version == 0

    lena.get_by_label("Who is the learning for?").fill(
        "Families in Northside who struggle to heat their homes."
    )
    lena.get_by_label("What impact do you want?").fill(
        "Fewer cold homes and fewer winter illnesses."
    )
    lena.get_by_label("What is in scope, and what is not?").fill(
        "Energy advice and grants; not housing repairs."
    )
    lena.get_by_label("How many years will the work run?").fill("3")
    lena.get_by_label("How many partners take part?").fill("3")
    lena.get_by_label("How many workstreams are there?").fill("2")
    lena.get_by_label("Partners have different aims").check()
    lena.get_by_label("There is a power imbalance between partners").check()
    lena.get_by_role("button", name="Save discovery brief").click()

    # Then she sees the recommended length of discovery and why
    expect(_notice(lena)).to_contain_text("You saved the discovery brief.")
    recommendation = lena.get_by_role("heading", name=re.compile("Recommended length of discovery"))
    expect(recommendation).to_have_text("Recommended length of discovery: 9 weeks")
    reasons = lena.get_by_role("main").get_by_role("listitem").filter(has_text="adds")
    for reason in (
        "The work runs for 3 years, which adds 2 weeks",
        "There are 2 workstreams, which adds 1 week",
        "Partners have different aims, which adds 2 weeks",
        "There is a power imbalance between partners, which adds 2 weeks",
    ):
        expect(reasons.filter(has_text=reason)).to_have_count(1)
    assert_accessible(lena)

    # --- Learning with: the learning partner, the grantee and the funder all agree it ----
    lena.get_by_role("button", name="Agree discovery brief").click()
    expect(_notice(lena)).to_contain_text("Clear Insight agreed version 1 of the discovery brief.")
    expect(lena.get_by_role("main")).to_contain_text(
        "Still waiting for: Riverside Fund and Northside Food Bank."
    )
    assert_accessible(lena)
    _tab(gus, "Discovery")
    gus.get_by_role("button", name="Agree discovery brief").click()
    expect(_notice(gus)).to_contain_text(
        "Northside Food Bank agreed version 1 of the discovery brief."
    )
    expect(gus.get_by_role("main")).to_contain_text("Still waiting for: Riverside Fund.")
    assert_accessible(gus)
    _tab(fay, "Discovery")
    fay.get_by_role("button", name="Agree discovery brief").click()
    expect(_notice(fay)).to_contain_text("The discovery brief is now agreed.")
    assert_accessible(fay)
    assert DiscoveryBrief.objects.get().status == "agreed"

    # --- Parties propose research questions --------------------------------------------
    _tab(gus, "Research questions")
    assert_accessible(gus)
    gus.get_by_role("link", name="Propose a question").click()
    expect(gus.get_by_role("heading", level=1)).to_have_text("Propose a research question")
    assert_accessible(gus)
    gus.get_by_role("button", name="Propose question").click()
    assert_error_summary(gus, {"Research question": "Enter the research question."})
    gus.get_by_label("Research question").fill(QUESTION)
    gus.get_by_label("Why does it matter? (optional)").fill("Cold homes make people ill.")
    gus.get_by_role("button", name="Propose question").click()
    expect(_notice(gus)).to_contain_text("You proposed a research question.")

    _tab(lena, "Research questions")
    lena.get_by_role("link", name="Propose a question").click()
    lena.get_by_label("Research question").fill("Which advice do families act on?")
    lena.get_by_role("button", name="Propose question").click()
    expect(_notice(lena)).to_contain_text("You proposed a research question.")
    expect(_question(lena, "Which advice do families act on?")).to_contain_text("Proposed")

    # --- Everyone answers; the learning partner objects --------------------------------
    def answer(page: Page, decision: str, comment: str = "") -> None:
        _tab(page, "Research questions")
        _question(page).get_by_role("link", name=re.compile("Give or change your answer")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Answer a research question")
        page.get_by_role("radio", name=re.compile(rf"^{decision}")).check()
        page.get_by_label("Comment (optional)").fill(comment)
        assert_accessible(page)
        page.get_by_role("button", name="Save answer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    answer(gus, "Agree")
    answer(fay, "Agree", "Yes: this is what the board wants to know.")
    answer(lena, "Object", OBJECTION)

    # Then the question is contested, and every party sees the objection and why
    for page in (fay, gus, lena):
        _tab(page, "Research questions")
        question = _question(page)
        expect(question).to_contain_text("Contested")
        expect(_answer_row(question, "Clear Insight")).to_contain_text("Objects")
        expect(_answer_row(question, "Clear Insight")).to_contain_text(OBJECTION)
        expect(_answer_row(question, "Riverside Fund")).to_contain_text("Agrees")
        expect(_answer_row(question, "Northside Food Bank")).to_contain_text("Agrees")
    assert_accessible(gus)

    # When the learning partner changes its answer to agree
    answer(lena, "Agree", "Agreed after talking it through: we will start with young families.")

    # Then the question is agreed, and the objection is still on the record
    for page in (fay, gus, lena):
        _tab(page, "Research questions")
        expect(_question(page)).to_contain_text("Agreed")
    assert list(
        QuestionResponse.objects.filter(question__text=QUESTION)
        .order_by("party__organisation__name")
        .values_list("party__organisation__name", "decision")
    ) == [("Clear Insight", "agree"), ("Northside Food Bank", "agree"), ("Riverside Fund", "agree")]

    # --- The funder makes the partnership active ---------------------------------------
    _tab(fay, "Overview")
    expect(
        fay.get_by_role("list", name="Discovery")
        .get_by_role("listitem")
        .filter(has_text="Not done yet")
    ).to_have_count(0)
    fay.get_by_role("link", name="Make partnership active").click()
    expect(fay.get_by_role("heading", name="Check before you continue")).to_be_visible()
    assert_accessible(fay)
    fay.get_by_role("button", name="Make partnership active").click()
    expect(_notice(fay)).to_contain_text(f"“{TITLE}” is now active.")
    expect(fay.get_by_role("main")).to_contain_text("Active")
    assert_accessible(fay)
    assert Partnership.objects.get().status == "active"

    # --- The timeline shows who did what -----------------------------------------------
    for page in (fay, gus, lena):
        _tab(page, "Timeline")
        expect(
            page.get_by_role("list", name="Timeline").get_by_role("listitem").first
        ).to_contain_text("Fay Adeyemi (Riverside Fund) made the partnership active.")
    assert_accessible(lena)
    entries = _timeline_entries(lena)
    expected_in_order = [  # newest first
        "Fay Adeyemi (Riverside Fund) made the partnership active.",
        "Lena Park (Clear Insight) agreed with the research question "
        f"“{QUESTION}” (a changed answer).",
        f"Lena Park (Clear Insight) objected to the research question “{QUESTION}”.",
        f"Fay Adeyemi (Riverside Fund) agreed with the research question “{QUESTION}”.",
        f"Gus Moreno (Northside Food Bank) agreed with the research question “{QUESTION}”.",
        "Lena Park (Clear Insight) proposed a research question: "
        "“Which advice do families act on?”",
        f"Gus Moreno (Northside Food Bank) proposed a research question: “{QUESTION}”",
        "Every party has agreed the discovery brief.",
        "Fay Adeyemi (Riverside Fund) agreed version 1 of the discovery brief.",
        "Gus Moreno (Northside Food Bank) agreed version 1 of the discovery brief.",
        "Lena Park (Clear Insight) agreed version 1 of the discovery brief.",
        "Lena Park (Clear Insight) wrote version 1 of the discovery brief.",
        "Gus Moreno (Northside Food Bank) accepted the invitation: Northside Food Bank "
        "joined as a grantee.",
        "Lena Park (Clear Insight) accepted the invitation: Clear Insight joined as a "
        "learning partner.",
        "Fay Adeyemi (Riverside Fund) invited Northside Food Bank to join as a grantee.",
        "Fay Adeyemi (Riverside Fund) invited Clear Insight to join as a learning partner.",
        f"Fay Adeyemi (Riverside Fund) started the partnership “{TITLE}”.",
    ]
    positions = []
    for line in expected_in_order:
        matches = [i for i, entry in enumerate(entries) if line in entry]
        assert matches, f"The timeline does not say {line!r}:\n" + "\n".join(entries)
        positions.append(matches[0])
    assert positions == sorted(positions), "Not newest first:\n" + "\n".join(entries)
