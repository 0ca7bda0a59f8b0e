"""The dashboard tells the learning partner which drafted briefs wait for them."""

import pytest
from django.test import Client

from evidence.models import InsightBrief
from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted

pytestmark = pytest.mark.django_db


def _dashboard_for(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_learning_partner_sees_a_drafted_brief_to_review_and_others_do_not():
    scene = brief_scene()
    add_evidence(scene.grantee_party, title="Evening sessions are full", body="Busy.")
    brief = drafted(scene)

    lp_page = _dashboard_for(scene.lp_member)
    grantee_page = _dashboard_for(scene.grantee_admin)

    assert brief.status == InsightBrief.Status.DRAFT
    assert "Draft briefs to review" in lp_page
    assert f"/briefs/{brief.pk}/" in lp_page
    assert "Draft briefs to review" not in grantee_page


def test_a_published_brief_is_no_longer_waiting():
    scene = brief_scene()
    brief = drafted(scene)
    InsightBrief.objects.filter(pk=brief.pk).update(status=InsightBrief.Status.PUBLISHED)

    assert "Draft briefs to review" not in _dashboard_for(scene.lp_member)
