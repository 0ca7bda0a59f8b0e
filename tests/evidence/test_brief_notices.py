"""A party that asked to be told before a published brief challenges it holds publishing
back until the learning partner has sent it a notice and it acknowledged it, or the
notice period passed (issue: "Challenge conditions enforced"; shared/API.md)."""

import datetime

import pytest
from django.utils import timezone

from evidence.models import InsightBrief, PrePublicationNotice
from notifications.models import Notification
from tests.consent.helpers import permit
from tests.evidence.briefs_scene import api, brief_scene, client_for, drafted, written
from tests.evidence.test_brief_pages import browser, page, text_of

pytestmark = pytest.mark.django_db

CHALLENGE = "Morning-only advice suits volunteers more than the people who need it."


def _scene(notify_first=True):  # type: ignore[no-untyped-def]
    scene = brief_scene()
    permit(
        scene.grantee_party,
        ["*"],
        ["published_brief"],
        conditions="Please talk to us first, in private.",
        notify_before_publish=notify_first,
    )
    permit(scene.grantee2_party, ["*"], ["published_brief"])
    brief = written(scene, drafted(scene))
    _challenge(scene, brief, CHALLENGE)
    return scene, brief


def _challenge(scene, brief, text, party=None):  # type: ignore[no-untyped-def]
    party = party or scene.grantee_party
    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk),
        {"challenges": [{"party": str(party.pk), "area": "*", "text": text}]},
        format="json",
    )
    assert response.status_code == 200, response.json()


def _publish(scene, brief):  # type: ignore[no-untyped-def]
    return client_for(scene.lp_member).post(api("brief-publish", pk=brief.pk))


def test_publishing_waits_for_a_party_that_asked_to_be_told_first():
    scene, brief = _scene()

    refused = _publish(scene, brief)

    assert refused.status_code == 409
    assert refused.json()["waiting_for"] == [scene.grantee_party.pk]
    name = scene.grantee_party.organisation.name
    assert (
        f"{name} asked to be told before a published brief challenges it: send them the "
        "notice first."
    ) in refused.json()["detail"]
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFT


def test_the_notice_tells_the_party_and_publishing_goes_ahead_once_it_is_acknowledged():
    scene, brief = _scene()
    sent = client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))

    assert sent.status_code == 200
    [notice] = sent.json()
    assert notice["party"] == scene.grantee_party.pk
    assert notice["state"] == "waiting"
    assert notice["challenges"] == [{"area": "*", "text": CHALLENGE}]
    assert notice["conditions"] == "Please talk to us first, in private."
    told = Notification.objects.filter(kind="brief_notice")
    assert {n.recipient_id for n in told} == {scene.grantee_admin.pk, scene.grantee_member.pk}
    assert all(CHALLENGE in n.body and "after 5 days" in n.body for n in told)
    # Sent but not acknowledged: still waiting.
    assert _publish(scene, brief).json()["waiting_for"] == [scene.grantee_party.pk]

    # A plain member may read the notice but only an admin acknowledges it; nobody else
    # knows it exists.
    assert (
        client_for(scene.grantee_member).post(api("brief-acknowledge", pk=brief.pk)).status_code
        == 403
    )
    for stranger in (scene.grantee2_admin, scene.outsider, scene.funder_admin):
        answer = client_for(stranger).post(api("brief-acknowledge", pk=brief.pk))
        assert answer.status_code == 404
    acknowledged = client_for(scene.grantee_admin).post(api("brief-acknowledge", pk=brief.pk))
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"]
    assert Notification.objects.filter(
        kind="brief_notice_acknowledged", recipient=scene.lp_member
    ).exists()

    published = _publish(scene, brief)
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"


def test_publishing_goes_ahead_once_the_notice_period_passed_without_a_reply(settings):
    settings.LEARNHUB_CHALLENGE_NOTICE_DAYS = 5
    scene, brief = _scene()
    client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    notice = PrePublicationNotice.objects.get(brief=brief)

    PrePublicationNotice.objects.filter(pk=notice.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=4, hours=23)
    )
    assert _publish(scene, brief).status_code == 409

    PrePublicationNotice.objects.filter(pk=notice.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=5, minutes=1)
    )
    assert _publish(scene, brief).status_code == 200


def test_a_changed_challenge_must_be_told_again():
    scene, brief = _scene()
    client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    client_for(scene.grantee_admin).post(api("brief-acknowledge", pk=brief.pk))

    _challenge(scene, brief, CHALLENGE + " Evening sessions would reach shift workers.")

    refused = _publish(scene, brief)
    assert refused.status_code == 409
    assert refused.json()["waiting_for"] == [scene.grantee_party.pk]
    assert "changed after they were told: send them the notice again" in refused.json()["detail"]
    [again] = client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk)).json()
    assert again["state"] == "waiting"
    assert again["acknowledged_at"] is None


def test_a_party_that_did_not_ask_is_not_waited_for_and_there_is_nothing_to_send():
    scene, brief = _scene(notify_first=False)

    nothing = client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    assert nothing.status_code == 409
    assert client_for(scene.lp_member).get(api("brief-notices", pk=brief.pk)).json() == []
    assert _publish(scene, brief).status_code == 200


def test_only_the_learning_partner_sends_notices_and_outsiders_see_nothing():
    scene, brief = _scene()
    assert client_for(scene.outsider).post(api("brief-notify", pk=brief.pk)).status_code == 404
    assert client_for(scene.outsider).get(api("brief-notices", pk=brief.pk)).status_code == 404
    assert PrePublicationNotice.objects.count() == 0


def test_the_permission_says_whether_to_tell_first():
    scene = brief_scene()
    recorded = client_for(scene.grantee_admin).post(
        api("challenge-permission-list", partnership_pk=scene.partnership.pk),
        {
            "decision": "grant",
            "areas": ["*"],
            "channels": ["published_brief"],
            "notify_before_publish": True,
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["notify_before_publish"] is True
    current = (
        client_for(scene.lp_member)
        .get(api("challenge-permission-current", partnership_pk=scene.partnership.pk))
        .json()
    )
    mine = next(p for p in current if p["party"] == scene.grantee_party.pk)
    assert [p["notify_before_publish"] for p in mine["permissions"]] == [True]


def test_the_pages_show_the_conditions_send_the_notice_and_take_the_acknowledgement():
    scene, brief = _scene()
    learning_partner = browser(scene.lp_member)

    check = text_of(learning_partner.get(page("brief-publish", brief.pk)))
    name = scene.grantee_party.organisation.name
    asked = "asked: “Please talk to us first, in private.” Tell them before publishing."
    assert f"{name} {asked}" in check
    assert "Not told yet: send the notice before publishing." in check
    edit = text_of(learning_partner.get(page("brief-edit", brief.pk)))
    assert "“Please talk to us first, in private.” Tell them before publishing" in edit

    refused = learning_partner.post(page("brief-publish", brief.pk))
    assert refused.status_code == 409
    assert "send them the notice first" in text_of(refused)

    learning_partner.post(page("brief-notify", brief.pk))
    grantee = browser(scene.grantee_admin)
    notice = text_of(grantee.get(page("brief-notice", brief.pk)))
    assert f"On your work as a whole: {CHALLENGE}" in notice
    assert browser(scene.outsider).get(page("brief-notice", brief.pk)).status_code == 404

    grantee.post(page("brief-notice", brief.pk))
    assert PrePublicationNotice.objects.get(brief=brief).acknowledged_by == scene.grantee_admin
    done = learning_partner.post(page("brief-publish", brief.pk))
    assert done.status_code == 302
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.PUBLISHED
