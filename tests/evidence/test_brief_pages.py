"""The brief pages, as people use them with a browser (no JavaScript needed)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Evidence, InsightBrief, LearningAction
from partnerships.models import Partnership
from tests.evidence.briefs_scene import (
    add_evidence,
    brief_scene,
    decide,
    drafted,
    grant,
    permit,
    written,
)

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(name: str, *args) -> str:
    return reverse(f"evidence:{name}", args=args)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _challenge_post(so_what: str, rows: list[dict]) -> dict:
    data = {
        "so_what": so_what,
        "recommendations": "",
        "challenge-TOTAL_FORMS": str(len(rows)),
        "challenge-INITIAL_FORMS": "0",
        "challenge-MIN_NUM_FORMS": "0",
        "challenge-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"challenge-{n}-{key}"] = value
    return data


def test_the_briefs_tab_lists_briefs_and_lets_the_learning_partner_ask_for_one():
    scene = brief_scene()
    brief = drafted(scene)

    lp = browser(scene.lp_member).get(page("brief-list", scene.partnership.pk))
    grantee = browser(scene.grantee_member).get(page("brief-list", scene.partnership.pk))

    assert lp.status_code == 200
    assert page("brief-detail", brief.pk) in lp.content.decode()
    assert "Draft a brief for this period" in lp.content.decode()
    assert grantee.status_code == 200
    assert page("brief-detail", brief.pk) in grantee.content.decode()  # learning with
    assert "Draft a brief for this period" not in grantee.content.decode()
    assert 'aria-current="page">Insight briefs<' in lp.content.decode()


def test_asking_for_a_brief_on_the_page(django_capture_on_commit_callbacks):
    scene = brief_scene()
    client = browser(scene.lp_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page("brief-request", scene.partnership.pk),
            {"period_start": "2026-10-01", "period_end": "2026-10-31"},
        )

    brief = InsightBrief.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page("brief-detail", brief.pk)
    assert brief.status == InsightBrief.Status.DRAFT


def test_a_bad_period_shows_the_error_summary_and_makes_nothing():
    scene = brief_scene()

    response = browser(scene.lp_member).post(
        page("brief-request", scene.partnership.pk),
        {"period_start": "2026-10-31", "period_end": "2026-10-01"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_period_end"' in body
    assert "The last day of the period must be on or after its first day." in body
    assert not InsightBrief.objects.exists()


def test_a_grantee_reads_a_published_brief_and_downloads_it():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    add_evidence(scene.grantee_party, kind="quote", body="The club is the only warm place.")
    brief = drafted(scene)
    written(scene, brief)
    browser(scene.lp_member).post(page("brief-publish", brief.pk))
    client = browser(scene.grantee_member)

    detail = client.get(page("brief-detail", brief.pk))
    pdf = client.get(page("brief-download", brief.pk, "pdf"))
    markdown = client.get(page("brief-download", brief.pk, "md"))

    assert detail.status_code == 200
    assert "The club is the only warm place." in detail.content.decode()
    assert "Plain-language check" not in detail.content.decode()  # for the learning partner
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "The club is the only warm place." in markdown.content.decode()
    assert client.get(page("brief-download", brief.pk, "docx")).status_code == 404


def test_a_draft_is_hidden_from_parties_when_learning_for_and_from_outsiders():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    brief = drafted(scene)

    assert browser(scene.funder_admin).get(page("brief-detail", brief.pk)).status_code == 404
    assert browser(scene.outsider).get(page("brief-detail", brief.pk)).status_code == 404
    assert browser(scene.outsider).get(page("brief-list", scene.partnership.pk)).status_code == 404


def test_the_learning_partner_edits_the_brief_and_adds_a_challenge():
    scene = brief_scene()
    brief = drafted(scene)

    response = browser(scene.lp_member).post(
        page("brief-edit", brief.pk),
        _challenge_post(
            "Friends bring friends.",
            [
                {"party": scene.funder_party.pk, "area": str(scene.q1.pk), "text": "Fund longer."},
                {"party": "", "area": "*", "text": ""},
            ],
        ),
    )

    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.so_what == "Friends bring friends."
    assert brief.challenges == [
        {"party": scene.funder_party.pk, "area": scene.q1.pk, "text": "Fund longer."}
    ]


def test_a_challenge_without_a_party_is_shown_as_an_error():
    scene = brief_scene()
    brief = drafted(scene)

    response = browser(scene.lp_member).post(
        page("brief-edit", brief.pk),
        _challenge_post("Changed", [{"party": "", "area": "*", "text": "Who is this for?"}]),
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_challenge-0-party"' in body
    assert "Challenge 1: Choose who this challenge is for." in body
    brief.refresh_from_db()
    assert brief.so_what == ""


def test_other_parties_cannot_edit_or_publish():
    scene = brief_scene()
    brief = drafted(scene)
    client = browser(scene.grantee_admin)

    edit = client.get(page("brief-edit", brief.pk))
    written(scene, brief)
    publish = client.post(page("brief-publish", brief.pk))

    assert edit.status_code == 403
    assert "Only the learning partner can edit an insight brief." in edit.content.decode()
    assert publish.status_code == 403
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT


def test_preview_as_the_funder_links_only_the_evidence_it_may_read():
    scene = brief_scene()
    shared = add_evidence(scene.grantee_party, kind="quote", body="Shared words.")
    private = add_evidence(scene.grantee2_party, kind="quote", body="Private words.")
    grant(scene.grantee_party, "share_with_funder")
    brief = drafted(scene)
    client = browser(scene.lp_member)

    as_funder = client.get(page("brief-preview", brief.pk) + f"?as={scene.funder_party.pk}")
    as_public = client.get(page("brief-preview", brief.pk) + "?as=public")

    funder_html = as_funder.content.decode()
    assert as_funder.status_code == 200
    assert f"as {scene.funder_party.organisation.name} (funder) will see it" in text_of(as_funder)
    assert f'href="/evidence/{shared.pk}/"' in funder_html
    assert f'href="/evidence/{private.pk}/"' not in funder_html
    assert f"(evidence {private.pk})" in funder_html
    assert as_public.status_code == 200
    assert not re.search(r'href="/evidence/\d+/"', as_public.content.decode())
    assert f"(evidence {shared.pk})" in as_public.content.decode()
    assert "The public cannot open any evidence." in text_of(as_public)


def test_preview_leaves_out_evidence_without_consent_to_publish():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body="Publishable words.")
    decide(scene.grantee2_party, "publish", "withdraw")
    add_evidence(scene.grantee2_party, kind="quote", body="Draft-only words.")
    brief = drafted(scene)

    response = browser(scene.lp_member).get(page("brief-preview", brief.pk) + "?as=public")

    body = response.content.decode()
    assert "Publishable words." in body
    assert "Draft-only words." not in body
    assert "1 piece of evidence in the draft is left out" in text_of(response)


def test_publishing_is_refused_on_the_page_for_an_unpermitted_challenge_then_allowed():
    scene = brief_scene()
    brief = drafted(scene)
    client = browser(scene.lp_member)
    client.post(
        page("brief-edit", brief.pk),
        _challenge_post("So what", [{"party": scene.funder_party.pk, "area": "*", "text": "Hm."}]),
    )

    check = client.get(page("brief-publish", brief.pk))
    written(scene, brief)
    refused = client.post(page("brief-publish", brief.pk))
    permit(scene.funder_party, ["*"], ["published_brief"])
    written(scene, brief)
    published = client.post(page("brief-publish", brief.pk))

    funder = scene.funder_party.organisation.name
    assert check.status_code == 200
    assert "Check the brief before you publish it" in check.content.decode()
    assert refused.status_code == 409
    assert "This brief cannot be published yet" in refused.content.decode()
    assert (
        f"Challenge 1 names {funder} on its work as a whole, but {funder} has not given "
        "permission to be challenged on this in a published brief."
    ) in text_of(refused)
    assert published.status_code == 302
    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.PUBLISHED


def test_recording_and_updating_a_learning_action_on_the_page():
    scene = brief_scene()
    brief = drafted(scene)
    written(scene, brief)
    browser(scene.lp_member).post(page("brief-publish", brief.pk))
    client = browser(scene.grantee_member)

    form = client.get(page("action-list", scene.partnership.pk) + f"?brief={brief.pk}")
    recorded = client.post(
        page("action-list", scene.partnership.pk),
        {
            "party": scene.grantee_party.pk,
            "brief": brief.pk,
            "description": "Open on Saturdays",
            "status": "planned",
            "outcome": "",
        },
    )
    action = LearningAction.objects.get()
    updated = client.post(
        page("action-edit", action.pk),
        {"description": "Open on Saturdays", "status": "done", "outcome": "More came."},
    )

    assert form.status_code == 200
    assert f'<option value="{brief.pk}" selected>' in form.content.decode()
    assert recorded.status_code == 302
    assert updated.status_code == 302
    action.refresh_from_db()
    assert (action.brief, action.status, action.outcome) == (brief, "done", "More came.")
    assert action.done_at is not None
    detail = client.get(page("brief-detail", brief.pk))
    assert "Open on Saturdays" in detail.content.decode()


def test_an_empty_learning_action_shows_the_error_summary():
    scene = brief_scene()

    response = browser(scene.grantee_member).post(
        page("action-list", scene.partnership.pk),
        {"party": scene.grantee_party.pk, "description": "", "status": "planned"},
    )

    assert response.status_code == 400
    assert 'href="#id_description"' in response.content.decode()
    assert not LearningAction.objects.exists()
    assert Evidence.objects.count() == 0
