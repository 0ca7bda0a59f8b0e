"""Invitations and brief requests are rate limited per person: 429 with Retry-After."""

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from evidence.models import InsightBrief
from partnerships.models import OrganisationInvitation, Party
from tests.evidence.briefs_scene import brief_scene
from tests.partnerships.factories import OrganisationFactory, admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once into the throttle class: set them where it looks.
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {
            **api_settings.DEFAULT_THROTTLE_RATES,
            "invitations": "3/hour",
            "brief_requests": "2/hour",
            "plain_words": "2/minute",
        },
    )


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_default_rates_are_documented_ones():
    assert api_settings.DEFAULT_THROTTLE_RATES == {
        "invitations": "30/hour",
        "brief_requests": "30/hour",
        "plain_words": "60/minute",
    }


def test_too_many_organisation_invitations_answer_429_with_retry_after(low_rates):
    organisation = OrganisationFactory.create()
    admin = client_for(admin_of(organisation))
    path = reverse("api:organisation-invitations", kwargs={"pk": organisation.pk})

    answers = [
        admin.post(
            path, {"email": f"invitee{n}@elsewhere.example", "role": "member"}, format="json"
        )
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert 3500 <= int(answers[-1]["Retry-After"]) <= 3600
    assert answers[-1].json()["detail"].startswith("Request was throttled.")
    assert OrganisationInvitation.objects.filter(organisation=organisation).count() == 3
    assert admin.get(path).status_code == 200  # reading the list is not counted


def test_too_many_party_invitations_answer_429(low_rates):
    scene = build_partnership_scene()
    funder = client_for(scene.funder_admin)
    path = reverse("api:partnership-parties", kwargs={"pk": scene.partnership.pk})
    others = [OrganisationFactory.create(kind="grantee") for _ in range(4)]

    answers = [
        funder.post(path, {"organisation": o.pk, "role": "grantee"}, format="json").status_code
        for o in others
    ]

    assert answers == [201, 201, 201, 429]
    assert Party.objects.filter(partnership=scene.partnership).count() == 3 + 3


def test_too_many_brief_requests_answer_429_and_make_no_brief(low_rates):
    scene = brief_scene()
    client = client_for(scene.lp_member)
    path = reverse("api:partnership-briefs", kwargs={"pk": scene.partnership.pk})
    periods = [("2026-07-01", "2026-07-31"), ("2026-08-01", "2026-08-31")]
    periods.append(("2026-09-01", "2026-09-30"))

    answers = [
        client.post(path, {"period_start": s, "period_end": e}, format="json") for s, e in periods
    ]

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert InsightBrief.objects.filter(partnership=scene.partnership).count() == 2


def test_an_unreachable_cache_lets_the_write_through(monkeypatch: pytest.MonkeyPatch):
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rest_framework.throttling import SimpleRateThrottle

    def unreachable(*args: object, **kwargs: object) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(SimpleRateThrottle.cache, "get", unreachable)
    organisation = OrganisationFactory.create()
    admin = client_for(admin_of(organisation))

    response = admin.post(
        reverse("api:organisation-invitations", kwargs={"pk": organisation.pk}),
        {"email": "invitee@elsewhere.example", "role": "member"},
        format="json",
    )

    assert response.status_code == 201
    assert OrganisationInvitation.objects.filter(organisation=organisation).count() == 1


def test_checking_words_too_often_answers_429_with_retry_after(low_rates):
    scene = build_partnership_scene()
    path = reverse("api:plain-words-check")

    answers = [
        client_for(scene.lp_member).post(path, {"text": "We leverage it."}, format="json")
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
