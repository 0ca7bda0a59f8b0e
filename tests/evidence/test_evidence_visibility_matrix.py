"""Who sees a grantee's evidence, as a matrix: five roles × five consent states, checked
in the list, the item, text search, the file, the CSV export and the coverage map,
through the API and through the pages.

The rule (PRODUCT.md): a party always sees its own; the learning partner with
``participate``; a funder with ``share_with_funder`` (and ``participate``); another
grantee with ``share_with_parties`` (and ``participate``); an outsider never — not even
that the partnership exists.
"""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils.html import escape

from consent.selectors import evidence_parties_visible_to, evidence_visible_to
from evidence.models import Evidence, EvidenceAttachment
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    SHARE_WITH_PARTIES,
    api,
    api_client,
    build_evidence_scene,
    grant,
    page,
    pdf_bytes,
    web_client,
    withdraw,
)

pytestmark = pytest.mark.django_db

OWN = "own party member"
LEARNING_PARTNER = "learning partner"
FUNDER = "funder"
OTHER_GRANTEE = "other grantee"
OUTSIDER = "outsider"
ROLES = (OWN, LEARNING_PARTNER, FUNDER, OTHER_GRANTEE, OUTSIDER)

NONE = "none"
TAKES_PART = "participate"
SHARES_WITH_FUNDER = "participate + share_with_funder"
SHARES_WITH_PARTIES = "participate + share_with_parties"
WITHDRAWN = "withdrawn"
STATES = (NONE, TAKES_PART, SHARES_WITH_FUNDER, SHARES_WITH_PARTIES, WITHDRAWN)

SEES: dict[str, set[str]] = {
    OWN: set(STATES),
    LEARNING_PARTNER: {TAKES_PART, SHARES_WITH_FUNDER, SHARES_WITH_PARTIES},
    FUNDER: {SHARES_WITH_FUNDER},
    OTHER_GRANTEE: {SHARES_WITH_PARTIES},
    OUTSIDER: set(),
}
MATRIX = [(role, state) for role in ROLES for state in STATES]
SEARCH_WORD = "Thistlewood"


def _set_consent(party, state):  # type: ignore[no-untyped-def]
    if state == TAKES_PART:
        grant(party, PARTICIPATE)
    elif state == SHARES_WITH_FUNDER:
        grant(party, PARTICIPATE, SHARE_WITH_FUNDER)
    elif state == SHARES_WITH_PARTIES:
        grant(party, PARTICIPATE, SHARE_WITH_PARTIES)
    elif state == WITHDRAWN:
        grant(party, PARTICIPATE, SHARE_WITH_FUNDER, SHARE_WITH_PARTIES)
        withdraw(party, PARTICIPATE)


def _world(state):  # type: ignore[no-untyped-def]
    """The grantee's item (with a file, linked to the agreed question) under ``state``."""
    scene = build_evidence_scene(participate=False)
    item = EvidenceFactory.create(
        party=scene.grantee_party,
        title=f"The {SEARCH_WORD} allotment",
        body="Twelve families grew vegetables together.",
        questions=[scene.question],
    )
    content = pdf_bytes()
    attachment = EvidenceAttachment(
        evidence=item,
        original_name="photos.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save("upload", ContentFile(content), save=True)
    _set_consent(scene.grantee_party, state)
    viewers = {
        OWN: scene.grantee_member,
        LEARNING_PARTNER: scene.lp_member,
        FUNDER: scene.funder_member,
        OTHER_GRANTEE: scene.other_grantee_member,
        OUTSIDER: scene.outsider,
    }
    return scene, item, attachment, viewers


def _coverage_cell(body, question_id, party_id):  # type: ignore[no-untyped-def]
    [row] = [r for r in body["rows"] if r["question"] and r["question"]["id"] == question_id]
    [cell] = [c for c in row["cells"] if c["party"] == party_id]
    return cell


@pytest.mark.usefixtures("media_root")
@pytest.mark.parametrize(("role", "state"), MATRIX)
def test_api_visibility(role, state):
    scene, item, attachment, viewers = _world(state)
    client = api_client(viewers[role])
    pk = scene.partnership.pk
    sees = state in SEES[role]

    listing = client.get(api("partnership-evidence", pk=pk))
    detail = client.get(api("evidence-detail", pk=item.pk))
    search = client.get(api("partnership-evidence", pk=pk), {"search": SEARCH_WORD})
    download = client.get(api("evidence-attachment", pk=item.pk, attachment_pk=attachment.pk))
    export = client.get(api("partnership-evidence-export", pk=pk))
    coverage = client.get(api("partnership-evidence-coverage", pk=pk))

    if role == OUTSIDER:
        for response in (listing, search, export, coverage, detail, download):
            assert response.status_code == 404
        return
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == ([item.pk] if sees else [])
    assert [r["id"] for r in search.json()["results"]] == ([item.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)
    assert download.status_code == (200 if sees else 404)
    if sees:
        assert download.getvalue() == pdf_bytes()
    assert export.status_code == 200
    exported = export.getvalue().decode("utf-8-sig")
    assert (SEARCH_WORD in exported) == (role == OWN)  # the export holds one's own only
    assert coverage.status_code == 200
    cell = _coverage_cell(coverage.json(), scene.question.pk, scene.grantee_party.pk)
    assert cell == {
        "party": scene.grantee_party.pk,
        "count": 1 if sees else None,
        "shared": sees,
        "thin": sees,
    }


@pytest.mark.usefixtures("media_root")
@pytest.mark.parametrize(("role", "state"), MATRIX)
def test_page_visibility(role, state):
    scene, item, attachment, viewers = _world(state)
    client = web_client(viewers[role])
    pk = scene.partnership.pk
    sees = state in SEES[role]

    listing = client.get(page("evidence-list", partnership_pk=pk))
    search = client.get(page("evidence-list", partnership_pk=pk), {"search": SEARCH_WORD})
    detail = client.get(page("evidence-detail", pk=item.pk))
    download = client.get(page("attachment-download", pk=item.pk, attachment_pk=attachment.pk))
    export = client.get(page("evidence-export", partnership_pk=pk))
    coverage = client.get(page("evidence-coverage", partnership_pk=pk))

    if role == OUTSIDER:
        for response in (listing, search, export, coverage, detail, download):
            assert response.status_code == 404
        return
    assert listing.status_code == 200
    assert (item.title in listing.content.decode()) == sees
    assert (item.title in search.content.decode()) == sees
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert item.body in detail.content.decode()
    assert download.status_code == (200 if sees else 404)
    exported = export.getvalue().decode("utf-8-sig")
    assert (SEARCH_WORD in exported) == (role == OWN)
    assert coverage.status_code == 200
    text = coverage.content.decode()
    row = text.split(f"{escape(scene.question.text)}</a>", 1)[1].split("</tr>", 1)[0]
    cells = row.split("<td")[1:]
    party_index = [p.pk for p in coverage.context["coverage"].parties].index(scene.grantee_party.pk)
    grantee_cell = cells[party_index]
    if sees:
        assert "1 <strong>thin</strong>" in grantee_cell
    else:
        assert "Not shared with you" in grantee_cell


@pytest.mark.usefixtures("media_root")
def test_the_party_rule_of_the_coverage_map_matches_the_item_rule():
    """``evidence_parties_visible_to`` (coverage) and ``evidence_visible_to`` (items) agree
    for every role and state."""
    for state in STATES:
        scene, item, _, viewers = _world(state)
        for role, viewer in viewers.items():
            item_seen = (
                evidence_visible_to(user=viewer, queryset=Evidence.objects.all())
                .filter(pk=item.pk)
                .exists()
            )
            party_seen = scene.grantee_party.pk in evidence_parties_visible_to(
                user=viewer, partnership=scene.partnership
            )
            assert item_seen == party_seen == (state in SEES[role]), (role, state)
