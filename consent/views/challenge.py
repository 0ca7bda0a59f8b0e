"""Permission to challenge: every party's permissions on a page of their own, and the
form an admin gives or withdraws it with."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.identity import request_user
from consent.access import CHALLENGE, access_consent, access_consent_party
from consent.forms import CHANNEL_HINTS, ChallengePermissionForm
from consent.models import ChallengeRecord
from consent.notices import CHALLENGE_NOTICE, CHALLENGE_NOTICE_VERSION
from consent.selectors import (
    PartyChallengePermission,
    challenge_current,
    consent_parties_administered,
    question_texts,
)
from consent.services import challenge_record
from consent.views.shared import consent_page, render_tab
from learnhub.errors import LearnHubError
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import questions_with_status

EVERYTHING = "Everything"
#: How the pages state ``notify_before_publish`` among an area's conditions.
NOTIFY_FIRST = "Tell us before a published brief challenges us."


def challenge_url(partnership_pk: int) -> str:
    return reverse("consent:challenge-permission", kwargs={"partnership_pk": partnership_pk})


@dataclass(frozen=True)
class ChallengeRow:
    """A permission-to-challenge record as the history table shows it."""

    record: ChallengeRecord
    area_labels: list[str]
    channel_labels: list[str]


def label_challenge_records(
    records: list[ChallengeRecord], partnership: Partnership
) -> list[ChallengeRow]:
    """Each record with readable labels for its areas and channels."""
    texts = question_texts(partnership=partnership)
    return [
        ChallengeRow(
            record=record,
            area_labels=[
                EVERYTHING
                if area == ChallengeRecord.ALL_AREAS
                else texts.get(int(area), "A question that no longer exists")
                for area in record.areas
            ],
            channel_labels=[ChallengeRecord.Channel(channel).label for channel in record.channels],
        )
        for record in records
    ]


def _challenge_by_area(current: list[PartyChallengePermission]) -> list[dict[str, Any]]:
    """Each party's permissions grouped by area: channels and conditions per area."""
    parties = []
    for party_permission in current:
        areas: dict[int | None, dict[str, Any]] = {}
        for state in party_permission.permissions:
            area = areas.setdefault(
                state.question_id,
                {
                    "label": state.question.text if state.question else EVERYTHING,
                    "channels": [],
                    "conditions": [],
                },
            )
            area["channels"].append(ChallengeRecord.Channel(state.channel).label)
            if state.conditions and state.conditions not in area["conditions"]:
                area["conditions"].append(state.conditions)
            if state.notify_before_publish and NOTIFY_FIRST not in area["conditions"]:
                area["conditions"].append(NOTIFY_FIRST)
        parties.append({"party": party_permission.party, "areas": list(areas.values())})
    return parties


def _choices(field: Any, hints: dict[str, str]) -> list[dict[str, object]]:
    return [{"box": box, "hint": hints.get(str(box.data["value"]), "")} for box in field]


@consent_page
@require_safe
def challenge_permission(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """What each party permits the learning partner to challenge, for every party to read."""
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    context = {
        "challenge": _challenge_by_area(challenge_current(partnership=partnership)),
        "challenge_notice": CHALLENGE_NOTICE,
        "can_decide": consent_parties_administered(user=user, partnership=partnership).exists(),
    }
    return render_tab(request, "challenge.html", partnership, context)


def _challenge_questions(partnership: Partnership, parties: list[Party]) -> list[ResearchQuestion]:
    """Questions one may choose: the agreed ones, and any the parties hold permission for."""
    return list(
        questions_with_status(partnership=partnership)
        .filter(Q(status=ResearchQuestion.Status.AGREED) | Q(challenge_states__party__in=parties))
        .distinct()
    )


@consent_page
@require_http_methods(["GET", "POST"])
def challenge_permission_decide(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    parties = list(consent_parties_administered(user=user, partnership=partnership))
    if not parties:
        # Not an admin of any party here: the gateway refuses, saying why.
        access_consent_party(user=user, partnership_pk=partnership_pk, what=CHALLENGE)
    form = ChallengePermissionForm(
        request.POST if request.method == "POST" else None,
        questions=_challenge_questions(partnership, parties),
        parties=parties,
        initial={"notice_version": CHALLENGE_NOTICE_VERSION},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            party = access_consent_party(
                user=user,
                partnership_pk=partnership_pk,
                party_id=data.get("party", parties[0].pk),
                what=CHALLENGE,
            )
            try:
                record = challenge_record(
                    party=party,
                    decision=data["decision"],
                    areas=data["areas"],
                    channels=data["channels"],
                    conditions=data["conditions"],
                    notify_before_publish=data["notify_before_publish"],
                    notice_version=data["notice_version"] or None,
                    by=user,
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_messages)
            except LearnHubError as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status_code
            else:
                verb = "gave" if record.decision == ChallengeRecord.Decision.GRANT else "withdrew"
                messages.success(
                    request,
                    f"You {verb} permission to challenge {party.organisation.name}.",
                )
                return redirect(challenge_url(partnership_pk))
    context = {
        "form": form,
        "challenge_notice": CHALLENGE_NOTICE,
        "area_choices": _choices(form["areas"], {}),
        "channel_choices": _choices(form["channels"], CHANNEL_HINTS),
        "challenge": _challenge_by_area(
            [c for c in challenge_current(partnership=partnership) if c.party in parties]
        ),
    }
    return render_tab(request, "challenge_form.html", partnership, context, status=status)
