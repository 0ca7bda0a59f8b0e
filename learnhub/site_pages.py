"""The site's own pages (help, privacy notice, accessibility statement, contact): the words
LearnHub ships with, which an operator may replace in the admin (``SitePage``).

Bodies are plain text so anyone can edit them: paragraphs split on blank lines (the lines
of a paragraph are joined), a line starting with ``## `` is a heading, addresses become
links (``templates/site/page.html``).
``{site_name}`` and ``{support_email}`` are filled in from settings.
"""

from dataclasses import dataclass

from django.conf import settings

from learnhub.models import SitePage


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


@dataclass(frozen=True)
class PageContent:
    slug: str
    title: str
    blocks: list[Block]
    edited: bool


DEFAULTS: dict[str, tuple[str, str]] = {
    SitePage.Slug.HELP: (
        "Help",
        """\
## Getting started
A funder starts a partnership and invites a learning partner and the organisations it funds.
Together you agree what you want to learn, then each organisation decides what it shares.

## Who sees your evidence
You decide. Your own organisation always sees what it adds. The learning partner, the funder
and other organisations only see it if you gave consent for that. Every evidence form tells
you who will be able to read it before you save.

## Changing your mind
You can withdraw consent at any time on your partnership's consent page. It works at once:
briefs stop showing your evidence straight away.

## Briefs
The learning partner writes insight briefs from the evidence. A brief only uses evidence you
agreed it may use, and it never names your organisation in a quote unless you said it may.

## Still stuck?
Email {support_email} and tell us what you were trying to do.""",
    ),
    SitePage.Slug.PRIVACY: (
        "Privacy notice",
        """\
## Who we are
{site_name} is run for the organisations that use it to learn together. Write to
{support_email} with any question about your data.

## What we keep
Your name and email address, the organisations you belong to, and what you add to a
partnership: evidence, answers, comments and consent decisions. We keep a history of consent
decisions so everyone can see what was agreed and when.

## Who can see it
Only the people your consent allows. Outsiders see nothing. A public link to a brief shows
only what the published brief may show, and stops working when it is revoked.

## Your rights
You can ask for a copy of your data, ask us to correct it, or ask us to delete your account.
Email {support_email}. You can withdraw consent at any time in the partnership.""",
    ),
    SitePage.Slug.ACCESSIBILITY: (
        "Accessibility statement",
        """\
## Using {site_name}
We want everyone to be able to use {site_name}. You should be able to zoom in to 400%
without text spilling off the screen, move around using just a keyboard, and use a screen
reader.

## How we check
Every page is checked with automated accessibility tests (axe) on large and small screens
each time the code changes. Charts have a text description with every figure in words.

## Tell us about a problem
If something is hard to use, email {support_email}. Tell us the page and what went wrong. We
will reply within 5 working days.""",
    ),
    SitePage.Slug.CONTACT: (
        "Contact",
        """\
## Get in touch
Email {support_email}. We answer on working days.

## Questions about a partnership
For questions about what is shared in a partnership, talk to the learning partner of that
partnership first: their name is on the partnership's page.""",
    ),
}


def _blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("## "):
                if paragraph:
                    blocks.append(Block(heading=False, text=" ".join(paragraph)))
                    paragraph = []
                blocks.append(Block(heading=True, text=line[3:].strip()))
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block(heading=False, text=" ".join(paragraph)))
    return blocks


def _filled(text: str) -> str:
    # Only the two names are filled in: an operator's own braces stay as written.
    return text.replace("{site_name}", settings.LEARNHUB_SITE_NAME).replace(
        "{support_email}", settings.LEARNHUB_SUPPORT_EMAIL
    )


def site_page(slug: str) -> PageContent:
    """The page as an operator wrote it, or as LearnHub ships it."""
    row = SitePage.objects.filter(slug=slug).first()
    if row is not None:
        title, body, edited = row.title, row.body, True
    else:
        title, body = DEFAULTS[slug]
        edited = False
    return PageContent(
        slug=slug, title=_filled(title), blocks=_blocks(_filled(body)), edited=edited
    )
