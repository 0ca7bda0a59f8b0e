"""Consent at every step of a brief's life (PRODUCT.md, "Who sees what").

Drafts cite only evidence with ``participate`` consent, published briefs only evidence
that also has ``publish``, and quotes name an organisation only with ``attribute`` and
the item marked named. After a withdrawal, reads filter the evidence at once (before the
re-render task has run), and the task then stores the new version; a published brief
gets a redaction note that says when and how many, never whose — in every format.
"""

import datetime
import subprocess

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.models import Evidence, InsightBrief
from evidence.services.briefs import (
    brief_draft,
    brief_publish,
    brief_redraft,
    brief_request,
    brief_update,
    briefs_rerender_for_party,
)
from evidence.synthesis import evidence_ids_in
from tests.evidence.briefs_scene import (
    OCTOBER,
    add_evidence,
    api,
    brief_scene,
    client_for,
    decide,
    drafted,
    grant,
    written,
)

pytestmark = pytest.mark.django_db

EXPORTS = ("html", "md", "json")


def _outputs(client, brief_id: int, formats=EXPORTS) -> tuple[dict, dict[str, str]]:
    detail = client.get(api("brief-detail", pk=brief_id))
    assert detail.status_code == 200
    texts = {}
    for fmt in formats:
        response = client.get(api("brief-export", pk=brief_id) + f"?format={fmt}")
        assert response.status_code == 200
        texts[fmt] = (
            _pdf_text(response.content) if fmt == "pdf" else response.content.decode("utf-8")
        )
    return detail.json(), texts


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils, on PATH
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def _referenced(body: dict) -> set[int]:
    return evidence_ids_in(body["sections"]) | set(body["cited_evidence"])


# --- Drafting and publishing -----------------------------------------------------------------


def test_a_draft_cites_only_evidence_with_consent_to_take_part():
    scene = brief_scene()
    consented = add_evidence(scene.grantee_party, body="consented-words")
    funder_item = add_evidence(scene.funder_party, body="funder-words-no-consent")
    decide(scene.grantee2_party, "participate", "withdraw")
    withdrawn = add_evidence(scene.grantee2_party, body="withdrawn-words")

    brief = drafted(scene)
    body, texts = _outputs(client_for(scene.lp_member), brief.pk)

    assert body["cited_evidence"] == [consented.pk]
    assert _referenced(body) == {consented.pk}
    for text in texts.values():
        assert "consented-words" in text
        assert "funder-words-no-consent" not in text
        assert "withdrawn-words" not in text
    assert {funder_item.pk, withdrawn.pk}.isdisjoint(_referenced(body))


def test_publishing_cites_only_evidence_with_consent_to_publish():
    scene = brief_scene()
    decide(scene.grantee2_party, "publish", "withdraw")
    published_ok = add_evidence(scene.grantee_party, kind="quote", body="may-be-published")
    draft_only = add_evidence(scene.grantee2_party, kind="quote", body="draft-only-words")
    brief = drafted(scene)
    assert set(brief.cited_evidence.values_list("pk", flat=True)) == {
        published_ok.pk,
        draft_only.pk,
    }

    written(scene, brief)
    brief_publish(brief=brief, by=scene.lp_member)
    body, texts = _outputs(client_for(scene.grantee_member), brief.pk, (*EXPORTS, "pdf"))

    assert body["cited_evidence"] == [published_ok.pk]
    assert _referenced(body) == {published_ok.pk}
    assert body["redactions"] == []  # never published with it: nothing was removed
    for text in texts.values():
        assert "may-be-published" in text
        assert "draft-only-words" not in text


def test_a_quote_is_named_only_with_attribute_consent_and_marked_named():
    scene = brief_scene()
    grant(scene.grantee_party, "attribute")
    named = add_evidence(scene.grantee_party, kind="quote", attribution="named", body="A")
    anonymous = add_evidence(scene.grantee_party, kind="quote", attribution="anonymous", body="B")
    no_consent = add_evidence(scene.grantee2_party, kind="quote", attribution="named", body="C")
    brief = drafted(scene)

    body, _ = _outputs(client_for(scene.lp_member), brief.pk)

    quotes = {q["evidence"]: q["attribution"] for q in body["sections"][0]["quotes"]}
    assert quotes == {
        named.pk: scene.grantee_party.organisation.name,
        anonymous.pk: "a grantee",
        no_consent.pk: "a grantee",
    }


# --- Withdrawal ----------------------------------------------------------------------------------


def test_a_withdrawal_leaves_a_draft_at_once_even_before_the_re_render_runs():
    scene = brief_scene()
    kept = add_evidence(scene.grantee_party, kind="quote", body="kept-words")
    gone = add_evidence(scene.grantee2_party, kind="quote", body="gone-words")
    brief = drafted(scene)

    # Tests never commit, so the re-render task queued after commit has not run: the
    # stored draft still cites the withdrawn evidence, and reads must filter it.
    decide(scene.grantee2_party, "participate", "withdraw")
    assert gone in InsightBrief.objects.get(pk=brief.pk).cited_evidence.all()
    body, texts = _outputs(client_for(scene.lp_member), brief.pk, (*EXPORTS, "pdf"))

    assert body["cited_evidence"] == [kept.pk]
    assert _referenced(body) == {kept.pk}
    assert body["sections"][0]["counts"]["total"] == 1
    assert body["redactions"] == []  # drafts are simply drafted again
    for text in texts.values():
        assert "gone-words" not in text
        assert "kept-words" in text


def test_the_re_render_stores_the_draft_without_the_withdrawn_evidence():
    scene = brief_scene()
    kept = add_evidence(scene.grantee_party)
    add_evidence(scene.grantee2_party)
    brief = drafted(scene)
    decide(scene.grantee2_party, "participate", "withdraw")

    changed = briefs_rerender_for_party(party_id=scene.grantee2_party.pk)
    again = briefs_rerender_for_party(party_id=scene.grantee2_party.pk)

    assert (changed, again) == (1, 0)
    brief.refresh_from_db()
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [kept.pk]
    assert evidence_ids_in(brief.sections) == {kept.pk}
    assert brief.redactions == []


def test_a_withdrawal_redacts_a_published_brief_with_a_note_in_every_format():
    scene = brief_scene()
    kept = add_evidence(scene.grantee_party, kind="quote", body="kept-words")
    add_evidence(scene.grantee2_party, kind="quote", body="gone-words-1")
    add_evidence(scene.grantee2_party, kind="story", body="gone-words-2")
    brief = drafted(scene)
    written(scene, brief)
    brief_publish(brief=brief, by=scene.lp_member)
    withdrawn_org = scene.grantee2_party.organisation.name
    client = client_for(scene.funder_member)

    decide(scene.grantee2_party, "publish", "withdraw")
    pending, pending_texts = _outputs(client, brief.pk)
    briefs_rerender_for_party(party_id=scene.grantee2_party.pk)
    stored, texts = _outputs(client, brief.pk, (*EXPORTS, "pdf"))

    for body in (pending, stored):
        assert body["cited_evidence"] == [kept.pk]
        assert _referenced(body) == {kept.pk}
        assert [r["items_removed"] for r in body["redactions"]] == [2]
        assert datetime.datetime.fromisoformat(body["redactions"][0]["at"]).date() == (
            timezone.now().date()
        )
    brief.refresh_from_db()
    assert [r["items_removed"] for r in brief.redactions] == [2]
    for text in [*pending_texts.values(), *texts.values()]:
        assert "gone-words" not in text
        assert withdrawn_org not in text
    for fmt in ("html", "md", "pdf"):
        assert "2 pieces of evidence were removed from this brief because consent" in " ".join(
            texts[fmt].split()
        )


def test_withdrawing_attribute_turns_a_name_back_into_a_grantee():
    scene = brief_scene()
    grant(scene.grantee_party, "attribute")
    quote = add_evidence(scene.grantee_party, kind="quote", attribution="named")
    add_evidence(scene.grantee2_party, kind="story")  # another grantee: "a grantee" is safe
    brief = drafted(scene)
    written(scene, brief)
    brief_publish(brief=brief, by=scene.lp_member)

    decide(scene.grantee_party, "attribute", "withdraw")
    body, texts = _outputs(client_for(scene.lp_member), brief.pk)

    assert body["sections"][0]["quotes"][0] == {
        **body["sections"][0]["quotes"][0],
        "evidence": quote.pk,
        "attribution": "a grantee",
    }
    assert body["redactions"] == []  # nothing removed, only the name
    assert scene.grantee_party.organisation.name not in texts["md"]


def test_a_consent_change_queues_the_re_render_after_commit(django_capture_on_commit_callbacks):
    scene = brief_scene()
    add_evidence(scene.grantee2_party)
    brief = drafted(scene)
    written(scene, brief)
    brief_publish(brief=brief, by=scene.lp_member)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(scene.grantee2_party, "publish", "withdraw")

    assert callbacks  # the consent service scheduled work after commit
    brief.refresh_from_db()
    assert list(brief.cited_evidence.all()) == []
    assert [r["items_removed"] for r in brief.redactions] == [1]


def test_a_repeated_decision_does_not_re_render(django_capture_on_commit_callbacks):
    scene = brief_scene()
    brief = drafted(scene)
    stored = InsightBrief.objects.get(pk=brief.pk).updated_at

    with django_capture_on_commit_callbacks(execute=True):
        grant(scene.grantee_party, "participate")  # already granted

    assert InsightBrief.objects.get(pk=brief.pk).updated_at == stored


# --- Random consent changes and brief operations ------------------------------------------------

PURPOSES = ("participate", "publish", "attribute")

consent_change = st.tuples(
    st.just("consent"),
    st.integers(0, 1),
    st.sampled_from(PURPOSES),
    st.sampled_from(["grant", "withdraw"]),
)
any_step = st.one_of(
    consent_change,
    st.tuples(
        st.just("evidence"),
        st.integers(0, 1),
        st.booleans(),
        st.sampled_from([Evidence.Kind.QUOTE, Evidence.Kind.LEARNING_LOG]),
    ),
    st.tuples(st.just("publish")),
    st.tuples(st.just("rerender"), st.integers(0, 1)),
    consent_change,
    st.tuples(st.just("edit")),
    st.tuples(st.just("redraft")),
)
# Some history, then a draft (the brief exists from then on), then anything: consent
# changes are drawn twice as often as other steps, as they are what the test is about.
steps = st.builds(
    lambda before, after: [*before, ("draft",), *after],
    st.lists(any_step, max_size=3),
    st.lists(any_step, min_size=1, max_size=7),
)


def test_no_brief_output_ever_shows_evidence_without_consent():
    """Whatever happens in whatever order, every output of the brief (API JSON, HTML,
    Markdown, JSON and PDF exports) shows only evidence whose party consents now: to
    take part for a draft, and also to publish for a published brief — quotes and
    learning logs' reflections alike; names an organisation only where it consents to
    be named and the item is marked named; and says "grantee" only when both grantees'
    evidence is in the brief."""
    scene = brief_scene()
    parties = [scene.grantee_party, scene.grantee2_party]
    reader = client_for(scene.lp_member)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps=steps)
    def run(steps: list[tuple]) -> None:
        with transaction.atomic():
            consent = {
                (p.pk, purpose): purpose != "attribute" for p in parties for purpose in PURPOSES
            }
            markers: dict[int, str] = {}
            brief: InsightBrief | None = None

            def add(index: int, named: bool, kind: str = Evidence.Kind.QUOTE) -> None:
                item = add_evidence(
                    parties[index],
                    kind=kind,
                    attribution="named" if named else "anonymous",
                    body="placeholder",
                )
                markers[item.pk] = marker = f"marker{item.pk}x"
                if kind == Evidence.Kind.LEARNING_LOG:
                    Evidence.objects.filter(pk=item.pk).update(
                        body="", prompts={"learned": f"Learnt {marker} here"}
                    )
                else:
                    Evidence.objects.filter(pk=item.pk).update(body=f"Said {marker} here")

            add(0, True)
            add(1, True)
            for step in steps:
                kind = step[0]
                if kind == "consent":
                    _, index, purpose, decision = step
                    decide(parties[index], purpose, decision)
                    consent[(parties[index].pk, purpose)] = decision == "grant"
                elif kind == "evidence":
                    add(step[1], step[2], step[3])
                elif kind == "draft" and brief is None:
                    brief, _ = brief_request(
                        partnership=scene.partnership,
                        period_start=OCTOBER[0],
                        period_end=OCTOBER[1],
                        by=scene.lp_member,
                    )
                    brief_draft(brief_id=brief.pk)
                elif kind == "edit" and brief is not None:
                    brief.refresh_from_db()
                    if brief.status == InsightBrief.Status.DRAFT:
                        brief_update(brief=brief, by=scene.lp_member, so_what="It matters.")
                elif kind == "publish" and brief is not None:
                    brief.refresh_from_db()
                    if brief.status == InsightBrief.Status.DRAFT:
                        written(scene, brief)
                        brief_publish(brief=brief, by=scene.lp_member)
                elif kind == "redraft" and brief is not None:
                    brief.refresh_from_db()
                    if brief.status == InsightBrief.Status.DRAFT:
                        brief_redraft(brief=brief, by=scene.lp_member)
                        brief_draft(brief_id=brief.pk)
                elif kind == "rerender":
                    briefs_rerender_for_party(party_id=parties[step[1]].pk)
                if brief is not None:
                    _check(brief.pk, consent, markers, parties, reader, pdf=step is steps[-1])
            transaction.set_rollback(True)

    run()


def _check(brief_id, consent, markers, parties, reader, *, pdf: bool) -> None:
    brief = InsightBrief.objects.get(pk=brief_id)
    published = brief.status == InsightBrief.Status.PUBLISHED
    party_of = dict(Evidence.objects.filter(pk__in=markers).values_list("pk", "party_id"))

    def allowed(pk: int) -> bool:
        party = party_of[pk]
        return consent[(party, "participate")] and (not published or consent[(party, "publish")])

    body, texts = _outputs(reader, brief_id, (*EXPORTS, "pdf") if pdf else EXPORTS)

    for pk in _referenced(body):
        assert allowed(pk), f"evidence {pk} shown without consent ({brief.status})"
    assert body["sections"][0]["counts"]["total"] == len(body["cited_evidence"])
    for pk, marker in markers.items():
        if not allowed(pk):
            for fmt, text in texts.items():
                assert marker not in text, f"evidence {pk} in the {fmt} export"
    names = {p.organisation.name: p.pk for p in parties}
    grantees_cited = {party_of[pk] for pk in body["cited_evidence"]}
    for section in body["sections"]:
        for reflection in section["reflections"]:
            assert allowed(reflection["evidence"])
            assert markers[reflection["evidence"]] in reflection["text"]
        for quote in section["quotes"]:
            if quote["attribution"] in names:
                party = names[quote["attribution"]]
                assert consent[(party, "attribute")], "named without attribute consent"
                assert party_of[quote["evidence"]] == party
            elif len(grantees_cited) < 2:
                assert quote["attribution"] == "someone in the partnership", "one grantee named"
            else:
                assert quote["attribution"] == "a grantee"
