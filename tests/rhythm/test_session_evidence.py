"""Evidence recorded from a session: the same partnership only, consent unchanged, and
briefs list the sessions held, counting only what the reader may see."""

from __future__ import annotations

import datetime

import pytest

from evidence.models import Evidence
from evidence.services.briefs import brief_publish
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import (
    OCTOBER,
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    written,
)
from tests.rhythm.helpers import LONDON, schedule

pytestmark = pytest.mark.django_db


def _item(**extra):
    return {
        "kind": "reflection",
        "title": "What the session showed",
        "valence": "mixed",
        "occurred_on": "2026-10-12",
        "prompts": {"what_we_did": "Met", "what_happened": "Talked", "what_it_means": "Go on"},
        **extra,
    }


def test_evidence_links_to_a_session_of_its_own_partnership():
    scene = brief_scene()
    session = schedule(scene)

    response = client_for(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk),
        _item(session=session.pk),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["session"] == session.pk
    assert Evidence.objects.get(pk=response.json()["id"]).session == session
    listed = client_for(scene.grantee_member).get(
        api("partnership-evidence", pk=scene.partnership.pk)
    )
    assert listed.json()["results"][0]["session"] == session.pk


def test_a_session_of_another_partnership_is_a_400_and_adds_nothing():
    scene = brief_scene()
    elsewhere = schedule(brief_scene())

    for session_id in (elsewhere.pk, elsewhere.pk + 1000, "x"):
        response = client_for(scene.grantee_member).post(
            api("partnership-evidence", pk=scene.partnership.pk),
            _item(session=session_id),
            format="json",
        )
        assert response.status_code == 400
        assert "session" in response.json()
    assert not Evidence.objects.exists()


def test_recording_from_a_session_still_needs_participate_consent():
    scene = brief_scene()
    session = schedule(scene)
    decide(scene.grantee_party, "participate", "withdraw")

    response = client_for(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk),
        _item(session=session.pk),
        format="json",
    )

    assert response.status_code == 403
    assert "participate" in response.json()["detail"].lower() or "take part" in (
        response.json()["detail"].lower()
    )
    assert not Evidence.objects.exists()


def test_a_deleted_session_leaves_its_evidence_unlinked():
    scene = brief_scene()
    session = schedule(scene)
    item = add_evidence(scene.grantee_party, session=session)

    session.delete()

    item.refresh_from_db()
    assert item.session is None


def _held_in_october(scene):
    return schedule(
        scene,
        title="October look back",
        starts_at=datetime.datetime(2026, 10, 14, 10, tzinfo=LONDON),
        parties=[scene.lp_party, scene.grantee_party, scene.grantee2_party],
    )


def test_a_brief_lists_the_sessions_held_counting_only_what_the_reader_may_see():
    scene = brief_scene()
    session = _held_in_october(scene)
    schedule(scene, title="Another month", starts_at=datetime.datetime(2026, 11, 3, tzinfo=LONDON))
    add_evidence(scene.grantee_party, session=session, kind="reflection", title="Ours")
    add_evidence(scene.grantee2_party, session=session, kind="reflection", title="Theirs")
    brief = written(scene, drafted(scene, OCTOBER))
    brief_publish(brief=brief, by=scene.lp_member)

    as_lp = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()
    as_grantee = client_for(scene.grantee_member).get(api("brief-detail", pk=brief.pk)).json()

    (held,) = as_lp["sessions_held"]
    assert held == {
        "session": session.pk,
        "date": "2026-10-14",
        "kind": "reflection",
        "kind_label": "Reflection session",
        "title": "October look back",
        "parties": sorted(
            [
                scene.lp_party.organisation.name,
                scene.grantee_party.organisation.name,
                scene.grantee2_party.organisation.name,
            ]
        ),
        "evidence": 2,
    }
    # A grantee sees its own item, not the other grantee's (no sharing consent).
    assert as_grantee["sessions_held"][0]["evidence"] == 1


def test_the_brief_exports_carry_the_sessions_held():
    scene = brief_scene()
    _held_in_october(scene)
    brief = drafted(scene, OCTOBER)
    client = client_for(scene.lp_member)

    markdown = client.get(api("brief-export", pk=brief.pk), {"format": "md"}).content.decode()
    html = client.get(api("brief-export", pk=brief.pk), {"format": "html"}).content.decode()
    data = client.get(api("brief-export", pk=brief.pk), {"format": "json"}).json()

    assert "## Learning sessions held" in markdown
    assert "14 October 2026: Reflection session, October look back." in markdown
    assert "Learning sessions held" in html
    assert data["sessions_held"][0]["title"] == "October look back"
