"""What the coding tests share: a partnership whose learning partner codes the evidence
of two grantees, with two research questions."""

import io
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from evidence.cleaning import clean_evidence
from evidence.models import Code, Evidence, EvidenceAttachment, Excerpt
from evidence.services import evidence_submit
from evidence.services.coding import code_create, excerpt_create
from learnhub.pdf import html_to_pdf
from partnerships.models import Organisation, Partnership, Party, ResearchQuestion
from tests.evidence.items_helpers import PARTICIPATE, agree_question, grant
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    add_member,
    add_party,
    build_partnership_scene,
)

WARM_ROOM = "The warm room made the difference. Staff knew our names. The bus was late."
WAITING = "We waited two hours. Nobody told us why. The food was good."


@dataclass
class CodingScene:
    base: PartnershipScene
    other_party: Party
    other_member: User
    transport: ResearchQuestion
    welcome: ResearchQuestion
    warm_room: Evidence  # the grantee's story
    waiting: Evidence  # the other grantee's story

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


def submit(party: Party, by: User, *, title: str, body: str, on: str = "2026-10-12") -> Evidence:
    item = clean_evidence(
        {
            "kind": "story",
            "title": title,
            "body": body,
            "valence": "mixed",
            "attribution": "anonymous",
            "occurred_on": on,
        },
        partnership=party.partnership,
    )
    return evidence_submit(partnership=party.partnership, party=party, by=by, item=item)


def build_coding_scene(
    *, learning_mode: str = Partnership.LearningMode.LEARNING_FOR
) -> CodingScene:
    base = build_partnership_scene(learning_mode=learning_mode)
    other = add_party(
        base.partnership,
        OrganisationFactory.create(kind=Organisation.Kind.GRANTEE),
        Party.Role.GRANTEE,
    )
    other_member = add_member(other.organisation)
    transport = agree_question(base.partnership, "How do families get here?")
    welcome = agree_question(base.partnership, "What makes people feel welcome?")
    grant(base.grantee_party, PARTICIPATE)
    grant(other, PARTICIPATE)
    warm_room = submit(base.grantee_party, base.grantee_member, title="Warm room", body=WARM_ROOM)
    waiting = submit(other, other_member, title="Waiting", body=WAITING)
    return CodingScene(
        base=base,
        other_party=other,
        other_member=other_member,
        transport=transport,
        welcome=welcome,
        warm_room=warm_room,
        waiting=waiting,
    )


def code(scene: CodingScene, name: str, **extra: Any) -> Code:
    return code_create(partnership=scene.partnership, name=name, by=scene.lp_member, **extra)


def excerpt(
    scene: CodingScene,
    evidence: Evidence,
    words: str,
    codes: list[Code],
    questions: tuple[ResearchQuestion, ...] = (),
    memo: str = "",
) -> Excerpt:
    """Code the first occurrence of ``words`` in ``evidence``'s body."""
    start = evidence.body.index(words)
    return excerpt_create(
        evidence=evidence,
        start=start,
        end=start + len(words),
        code_ids=[c.pk for c in codes],
        question_ids=[q.pk for q in questions],
        memo=memo,
        by=scene.lp_member,
    )


# --- Attached files ---------------------------------------------------------------------------


def a_pdf(*paragraphs: str) -> bytes:
    return html_to_pdf("".join(f"<p>{words}</p>" for words in paragraphs))


def a_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for words in paragraphs:
        document.add_paragraph(words)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_file(party: Party, by: User, name: str, data: bytes, kind: str) -> EvidenceAttachment:
    item = clean_evidence(
        {
            "kind": "story",
            "title": "Minibus report",
            "body": "The report is attached.",
            "valence": "working",
            "attribution": "anonymous",
            "occurred_on": "2026-10-12",
        },
        partnership=party.partnership,
        attachment=SimpleUploadedFile(name, data, kind),
    )
    evidence: Evidence = evidence_submit(
        partnership=party.partnership, party=party, by=by, item=item
    )
    return evidence.attachments.get()


# --- Reading pages ----------------------------------------------------------------------------


class Table:
    def __init__(self) -> None:
        self.caption = ""
        self.head: list[tuple[str, str]] = []  # (text, scope)
        self.rows: list[tuple[tuple[str, str], list[str]]] = []  # ((th text, scope), tds)


class PageReader(HTMLParser):
    """The tables (caption, headers with their scope, rows) and the options of each
    ``<select>`` of a page, as a person's assistive technology reads them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.options: dict[str, list[str]] = {}
        self._where: list[str] = []
        self._cell: list[str] | None = None
        self._scope = ""
        self._select = ""
        self._row: tuple[tuple[str, str], list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.tables.append(Table())
        elif tag in ("thead", "tbody", "caption"):
            self._where.append(tag)
        elif tag == "tr" and self._where[-1:] == ["tbody"]:
            self._row = (("", ""), [])
        elif tag in ("th", "td", "caption", "option"):
            self._cell = []
            self._scope = found.get("scope") or ""
        elif tag == "select":
            self._select = found.get("name") or ""
            self.options[self._select] = []
        if tag == "caption":
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._cell or []).split())
        if tag == "caption":
            self.tables[-1].caption = text
            self._where.pop()
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._where.pop()
        elif tag == "th" and self._where[-1:] == ["thead"]:
            self.tables[-1].head.append((text, self._scope))
            self._cell = None
        elif tag == "th" and self._row is not None:
            self._row = ((text, self._scope), self._row[1])
            self._cell = None
        elif tag == "td" and self._row is not None:
            self._row[1].append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].rows.append(self._row)
            self._row = None
        elif tag == "option":
            self.options[self._select].append(text)
            self._cell = None
