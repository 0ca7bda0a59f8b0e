"""Switching between learning *for* and *with* needs every accepted party, and all are told.

Before: a funder admin switched the mode alone with a PATCH, at any time, and nobody was
told; the switch let every party read the drafts. Now a PATCH that changes the mode is a
409 once another party has joined, and the change goes through a proposal that every
accepted party answers (API and page), with notifications and a timeline line at each step.
"""

import pytest
from django.test import Client
from django.urls import reverse

from consent.models import LearningModeAnswer, LearningModeChange
from notifications.models import Notification
from partnerships.models import ActivityEvent, Partnership, Party
from partnerships.services import party_accept
from tests.consent.helpers import api_url, client_for
from tests.partnerships.factories import (
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

WITH = "learning_with"
FOR = "learning_for"


def _mode_url(scene) -> str:
    return api_url("learning-mode", partnership_pk=scene.partnership.pk)


def _answer_url(scene) -> str:
    return api_url("learning-mode-answer", partnership_pk=scene.partnership.pk)


def _mode(scene) -> str:
    return Partnership.objects.get(pk=scene.partnership.pk).learning_mode


def test_a_funder_can_no_longer_switch_the_mode_alone_once_others_have_joined():
    scene = build_partnership_scene(learning_mode=FOR)
    response = client_for(scene.funder_admin).patch(
        api_url("partnership-detail", pk=scene.partnership.pk),
        {"learning_mode": WITH},
        format="json",
    )
    assert response.status_code == 409
    assert "every party must agree" in response.json()["detail"]
    assert _mode(scene) == FOR
    assert not Notification.objects.filter(kind__startswith="learning_mode").exists()


def test_the_commissioner_alone_still_changes_the_mode_with_a_patch():
    scene = build_partnership_scene(learning_mode=FOR)
    Party.objects.filter(partnership=scene.partnership, is_commissioner=False).update(
        status=Party.Status.INVITED
    )
    response = client_for(scene.funder_admin).patch(
        api_url("partnership-detail", pk=scene.partnership.pk),
        {"learning_mode": WITH},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["learning_mode"] == WITH
    assert _mode(scene) == WITH


def test_a_proposal_changes_the_mode_only_once_every_accepted_party_agrees():
    scene = build_partnership_scene(learning_mode=FOR)
    proposed = client_for(scene.funder_admin).post(
        _mode_url(scene), {"learning_mode": WITH, "reason": "We want to make sense of it together."}
    )
    assert proposed.status_code == 201
    body = proposed.json()
    assert body["status"] == "open"
    assert body["party"] == scene.funder_party.pk
    assert set(body["waiting_for"]) == {scene.lp_party.pk, scene.grantee_party.pk}
    assert _mode(scene) == FOR

    # Everyone else in the partnership is told, once each; the proposer is not.
    told = set(
        Notification.objects.filter(kind="learning_mode_proposed").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {
        scene.funder_member.pk,
        scene.lp_admin.pk,
        scene.lp_member.pk,
        scene.grantee_admin.pk,
        scene.grantee_member.pk,
    }

    agreed = client_for(scene.lp_admin).post(_answer_url(scene), {"decision": "agree"})
    assert agreed.status_code == 200
    assert agreed.json()["waiting_for"] == [scene.grantee_party.pk]
    assert _mode(scene) == FOR

    last = client_for(scene.grantee_admin).post(_answer_url(scene), {"decision": "agree"})
    assert last.status_code == 200
    assert last.json()["status"] == "agreed"
    assert last.json()["waiting_for"] == []
    assert _mode(scene) == WITH
    decided = Notification.objects.filter(kind="learning_mode_decided")
    assert set(decided.values_list("recipient_id", flat=True)) == {
        scene.funder_admin.pk,
        scene.funder_member.pk,
        scene.lp_admin.pk,
        scene.lp_member.pk,
        scene.grantee_admin.pk,
        scene.grantee_member.pk,
    }
    verbs = list(
        ActivityEvent.objects.filter(partnership=scene.partnership)
        .filter(verb__startswith="learning_mode")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "learning_mode_proposed",
        "learning_mode_agree",
        "learning_mode_agree",
        "learning_mode_changed",
    ]

    state = client_for(scene.grantee_member).get(_mode_url(scene)).json()
    assert state["learning_mode"] == WITH
    assert state["change"] is None
    assert [c["status"] for c in state["history"]] == ["agreed"]


def test_one_objection_closes_the_proposal_and_nothing_changes():
    scene = build_partnership_scene(learning_mode=FOR)
    client_for(scene.funder_admin).post(_mode_url(scene), {"learning_mode": WITH})
    objected = client_for(scene.grantee_admin).post(
        _answer_url(scene), {"decision": "object", "comment": "Not before our board meets."}
    )
    assert objected.status_code == 200
    assert objected.json()["status"] == "declined"
    assert _mode(scene) == FOR
    # A later answer finds nothing waiting; a new proposal may be made.
    late = client_for(scene.lp_admin).post(_answer_url(scene), {"decision": "agree"})
    assert late.status_code == 409
    assert LearningModeAnswer.objects.filter(party=scene.lp_party).count() == 0
    again = client_for(scene.grantee_admin).post(_mode_url(scene), {"learning_mode": WITH})
    assert again.status_code == 201


def test_a_party_that_joins_while_a_proposal_is_open_must_agree_too():
    scene = build_partnership_scene(learning_mode=FOR)
    newcomer = add_party(scene.partnership, role=Party.Role.GRANTEE, accepted=False)
    client_for(scene.funder_admin).post(_mode_url(scene), {"learning_mode": WITH})
    client_for(scene.lp_admin).post(_answer_url(scene), {"decision": "agree"})
    party_accept(party=newcomer, by=admin_of(newcomer.organisation))
    response = client_for(scene.grantee_admin).post(_answer_url(scene), {"decision": "agree"})
    assert response.json()["status"] == "open"
    assert response.json()["waiting_for"] == [newcomer.pk]
    assert _mode(scene) == FOR


def test_only_one_proposal_is_open_and_the_proposer_may_withdraw_it():
    scene = build_partnership_scene(learning_mode=FOR)
    client_for(scene.funder_admin).post(_mode_url(scene), {"learning_mode": WITH})
    second = client_for(scene.grantee_admin).post(_mode_url(scene), {"learning_mode": WITH})
    assert second.status_code == 409
    assert LearningModeChange.objects.filter(partnership=scene.partnership).count() == 1

    refused = client_for(scene.grantee_admin).post(
        api_url("learning-mode-withdraw", partnership_pk=scene.partnership.pk)
    )
    assert refused.status_code == 409
    withdrawn = client_for(scene.funder_admin).post(
        api_url("learning-mode-withdraw", partnership_pk=scene.partnership.pk)
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert _mode(scene) == FOR


def test_who_may_propose_and_answer():
    scene = build_partnership_scene(learning_mode=FOR)
    assert client_for(scene.outsider).get(_mode_url(scene)).status_code == 404
    assert (
        client_for(scene.outsider).post(_mode_url(scene), {"learning_mode": WITH}).status_code
        == 404
    )
    member = client_for(scene.grantee_member).post(_mode_url(scene), {"learning_mode": WITH})
    assert member.status_code == 403
    assert "Only admins of" in member.json()["detail"]
    same = client_for(scene.funder_admin).post(_mode_url(scene), {"learning_mode": FOR})
    assert same.status_code == 409
    bad = client_for(scene.funder_admin).post(_mode_url(scene), {"learning_mode": "both"})
    assert bad.status_code == 400
    assert not LearningModeChange.objects.exists()


def test_the_page_proposes_and_the_dashboard_asks_the_others():
    scene = build_partnership_scene(learning_mode=FOR)
    page_url = reverse("consent:learning-mode", kwargs={"partnership_pk": scene.partnership.pk})
    funder = Client()
    funder.force_login(scene.funder_admin)
    assert "Propose switching to learning with" in funder.get(page_url).content.decode()
    done = funder.post(
        page_url,
        {"action": "propose", "party": scene.funder_party.pk, "reason": "To learn together."},
    )
    assert done.status_code == 302
    assert LearningModeChange.objects.get().outcome == "open"

    grantee = Client()
    grantee.force_login(scene.grantee_admin)
    dashboard = grantee.get(reverse("dashboard")).content.decode()
    assert "proposes switching to learning with" in dashboard
    answered = grantee.post(
        page_url, {"action": "answer", "party": scene.grantee_party.pk, "decision": ""}
    )
    assert answered.status_code == 400
    assert "Choose whether your organisation agrees" in answered.content.decode()
    grantee.post(
        page_url, {"action": "answer", "party": scene.grantee_party.pk, "decision": "agree"}
    )
    lp = Client()
    lp.force_login(scene.lp_admin)
    lp.post(page_url, {"action": "answer", "party": scene.lp_party.pk, "decision": "agree"})
    assert _mode(scene) == WITH

    # The edit page no longer offers the mode as a field once others have joined.
    edit = funder.get(reverse("partnerships:partnership-edit", kwargs={"pk": scene.partnership.pk}))
    assert 'name="learning_mode"' not in edit.content.decode()
    assert "Propose a change to how the partnership learns" in edit.content.decode()
