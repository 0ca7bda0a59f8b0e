"""Small steps the consent tests share: clients, URLs and decisions made through services."""

from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from consent.models import ChallengeRecord, ConsentRecord
from consent.services import challenge_record, consent_record
from partnerships.models import Party
from tests.partnerships.factories import admin_of

NOT_FOUND = {"detail": "Not found."}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def page_url(name: str, **kwargs: Any) -> str:
    return reverse(f"consent:{name}", kwargs=kwargs)


def decide(party: Party, purpose: str, decision: str = "grant", **extra: Any) -> ConsentRecord:
    """Record a consent decision for ``party`` by its admin, through the service."""
    return consent_record(
        party=party, purpose=purpose, decision=decision, by=admin_of(party.organisation), **extra
    )


def grant(party: Party, *purposes: str) -> None:
    for purpose in purposes:
        decide(party, purpose, "grant")


def permit(
    party: Party, areas: list[Any], channels: list[str], decision: str = "grant", **extra: Any
) -> ChallengeRecord:
    """Record a permission-to-challenge decision for ``party`` by its admin."""
    return challenge_record(
        party=party,
        decision=decision,
        areas=areas,
        channels=channels,
        by=admin_of(party.organisation),
        **extra,
    )


def agreed_question(partnership: Any, text: str = "Which activities keep people coming back?"):  # type: ignore[no-untyped-def]
    """A research question every accepted party of ``partnership`` has agreed."""
    from partnerships.selectors import accepted_parties_of
    from partnerships.services import question_propose, question_respond

    parties = list(accepted_parties_of(partnership=partnership))
    question = question_propose(
        partnership=partnership,
        party=parties[0],
        text=text,
        by=admin_of(parties[0].organisation),
    )
    for party in parties:
        question_respond(
            question=question, party=party, decision="agree", by=admin_of(party.organisation)
        )
    return question
