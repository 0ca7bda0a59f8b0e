"""A draft never shows a reader more of a party's evidence than the reader may see raw.

The hole this closes: in *learning with* mode every party reads drafts, and drafts cite
on ``participate`` alone, so a funder read a grantee's quotes and stories that the
grantee had withheld from funders (``share_with_funder`` withdrawn), in the brief and in
every export. Now each reader gets the draft composed from the evidence it may see.
"""

import pytest

from evidence.models import Evidence
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import (
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    grant,
    statistic,
)
from tests.evidence.test_brief_consent import _pdf_text, _referenced

pytestmark = pytest.mark.django_db

FORMATS = ("html", "md", "json", "pdf")
SECRET_QUOTE = "We nearly closed the Tuesday club in September"
SECRET_STORY = "Families told us the waiting room felt like a test"
OPEN_QUOTE = "The breakfast club keeps children coming back"


def _everything(client, brief_id: int) -> tuple[dict, str]:
    """The brief as ``client`` reads it: the API's JSON and every export, as one text."""
    detail = client.get(api("brief-detail", pk=brief_id))
    assert detail.status_code == 200
    texts = [detail.content.decode("utf-8")]
    for fmt in FORMATS:
        response = client.get(api("brief-export", pk=brief_id) + f"?format={fmt}")
        assert response.status_code == 200, fmt
        texts.append(_pdf_text(response.content) if fmt == "pdf" else response.content.decode())
    return detail.json(), "\n".join(texts)


def _learning_with_scene():
    """Learning *with* its parties; the first grantee takes part but shares nothing raw;
    the second shares with the funder and the other grantees."""
    scene = brief_scene(learning_mode="learning_with")
    decide(scene.grantee_party, "share_with_funder", "withdraw")
    grant(scene.grantee2_party, "share_with_funder", "share_with_parties")
    withheld = [
        add_evidence(scene.grantee_party, kind=Evidence.Kind.QUOTE, body=SECRET_QUOTE),
        add_evidence(
            scene.grantee_party,
            kind=Evidence.Kind.STORY,
            title="The waiting room",
            body=SECRET_STORY,
            valence="not_working",
        ),
        statistic(scene.grantee_party, "Families booked", "31", "%", baseline="52"),
    ]
    shared = add_evidence(scene.grantee2_party, kind=Evidence.Kind.QUOTE, body=OPEN_QUOTE)
    return scene, withheld, shared


def test_a_funder_reads_a_draft_without_the_evidence_a_grantee_did_not_share_with_it():
    scene, withheld, shared = _learning_with_scene()
    brief = drafted(scene)
    withheld_ids = {item.pk for item in withheld}
    assert withheld_ids <= set(brief.cited_evidence.values_list("pk", flat=True))

    for funder in (scene.funder_admin, scene.funder_member):
        body, text = _everything(client_for(funder), brief.pk)
        assert body["partial_view"] is True
        assert _referenced(body).isdisjoint(withheld_ids)
        assert shared.pk in body["cited_evidence"]
        assert SECRET_QUOTE not in text
        assert SECRET_STORY not in text
        assert "Families booked" not in text
        assert OPEN_QUOTE in text
        # The counts are of what the funder may see, not of the whole draft.
        assert body["sections"][0]["counts"]["total"] == 1


def test_a_grantee_reads_another_grantees_evidence_in_a_draft_only_when_shared_with_parties():
    scene, withheld, shared = _learning_with_scene()
    brief = drafted(scene)

    body, text = _everything(client_for(scene.grantee2_admin), brief.pk)
    assert body["partial_view"] is True
    assert SECRET_QUOTE not in text
    assert OPEN_QUOTE in text

    # The first grantee sees its own evidence, and the second's (shared with parties).
    body, text = _everything(client_for(scene.grantee_member), brief.pk)
    assert body["partial_view"] is False
    assert SECRET_QUOTE in text
    assert OPEN_QUOTE in text

    decide(scene.grantee2_party, "share_with_parties", "withdraw")
    body, text = _everything(client_for(scene.grantee_member), brief.pk)
    assert body["partial_view"] is True
    assert OPEN_QUOTE not in text
    assert shared.pk not in _referenced(body)


def test_the_learning_partner_reads_the_whole_draft():
    scene, withheld, shared = _learning_with_scene()
    brief = drafted(scene)
    body, text = _everything(client_for(scene.lp_member), brief.pk)
    assert body["partial_view"] is False
    assert {item.pk for item in withheld} | {shared.pk} <= set(body["cited_evidence"])
    assert SECRET_QUOTE in text
    assert OPEN_QUOTE in text


def test_granting_share_with_funder_shows_the_funder_the_evidence_at_once():
    scene, withheld, _ = _learning_with_scene()
    brief = drafted(scene)
    grant(scene.grantee_party, "share_with_funder")
    body, text = _everything(client_for(scene.funder_admin), brief.pk)
    assert body["partial_view"] is False
    assert SECRET_QUOTE in text
    assert {item.pk for item in withheld} <= set(body["cited_evidence"])


def test_the_draft_list_and_the_brief_page_read_the_same_way():
    scene, _, _ = _learning_with_scene()
    brief = drafted(scene)
    listed = client_for(scene.funder_admin).get(api("partnership-briefs", pk=scene.partnership.pk))
    assert listed.status_code == 200
    assert SECRET_QUOTE not in listed.content.decode()
    assert listed.json()["results"][0]["partial_view"] is True

    from django.test import Client
    from django.urls import reverse

    browser = Client()
    browser.force_login(scene.funder_admin)
    page = browser.get(reverse("evidence:brief-detail", kwargs={"pk": brief.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET_QUOTE not in html
    assert "You are reading part of this draft" in html
    for fmt in ("html", "md", "pdf"):
        download = browser.get(
            reverse("evidence:brief-download", kwargs={"pk": brief.pk, "fmt": fmt})
        )
        assert download.status_code == 200
        text = _pdf_text(download.content) if fmt == "pdf" else download.content.decode()
        assert SECRET_QUOTE not in text
