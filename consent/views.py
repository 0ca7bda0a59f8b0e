"""Web pages for consent and permission to challenge: the partnership's Consent tab.

Every page calls a gateway first, so outsiders get 404 and a party that may not decide
gets a 403 page that says why; the services decide and write, the forms only parse.
Withdrawing consent goes through a "check your answers" page first.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.identity import request_user
from consent.access import CHALLENGE, LEARNING_MODE, access_consent, access_consent_party
from consent.forms import (
    CHANNEL_HINTS,
    ChallengePermissionForm,
    GiveConsentForm,
    LearningModeAnswerForm,
    LearningModeProposeForm,
    WithdrawConsentForm,
)
from consent.learning_mode import (
    MODE_MEANING,
    learning_mode_answer,
    learning_mode_propose,
    learning_mode_withdraw,
)
from consent.models import ChallengeRecord, ConsentRecord, LearningModeChange
from consent.notices import CHALLENGE_NOTICE, CHALLENGE_NOTICE_VERSION, NOTICES
from consent.selectors import (
    PURPOSES,
    PartyChallengePermission,
    challenge_current,
    challenge_history,
    consent_current,
    consent_history,
    consent_parties_administered,
    learning_mode_changes_of,
    learning_mode_waiting_for,
    question_texts,
)
from consent.services import NoticeChanged, challenge_record, consent_record
from learnhub.errors import Conflict, LearnHubError
from learnhub.forms import form_add_service_errors
from learnhub.inputs import as_id
from learnhub.pages import refusal_page
from partnerships.models import Partnership, Party, ResearchQuestion

# The partnership's tabs are defined with its pages; the Consent tab is one of them.
from partnerships.navigation import TABS
from partnerships.selectors import (
    learning_mode_needs_agreement,
    my_parties_in,
    questions_with_status,
)

app_name = "consent"

T = "consent/"
RECENT_RECORDS = 10
HISTORY_PAGE_SIZE = 50
EVERYTHING = "Everything"


#: Sign-in required; a refusal (``Forbidden``) becomes a 403 page that says why.
consent_page = refusal_page(f"{T}forbidden.html")


def _render(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    page: dict[str, Any] = {"partnership": partnership, "tab": "consent", "tabs": TABS}
    page.update(context or {})
    return render(request, f"{T}{template}", page, status=status)


def _overview_url(partnership_pk: int, anchor: str = "") -> str:
    url = reverse("consent:consent-overview", kwargs={"partnership_pk": partnership_pk})
    return f"{url}#{anchor}" if anchor else url


def _party_param(raw: str | None) -> int | None:
    """A party id from a form or query string; anything else means "not given"."""
    return as_id(raw)


def _refusal_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Presentation helpers ----------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeRow:
    """A permission-to-challenge record as the history table shows it."""

    record: ChallengeRecord
    area_labels: list[str]
    channel_labels: list[str]


def _label_challenge_records(
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
                else texts.get(int(area), f"A question that no longer exists ({area})")
                for area in record.areas
            ],
            channel_labels=[ChallengeRecord.Channel(channel).label for channel in record.channels],
        )
        for record in records
    ]


#: How the consent page states ``notify_before_publish`` among an area's conditions.
NOTIFY_FIRST = "Tell us before a published brief challenges us."


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


# --- The Consent tab -------------------------------------------------------------------


def _purpose_cards(party_consent: Any) -> list[dict[str, Any]]:
    return [
        {
            "purpose": purpose,
            "notice": NOTICES[ConsentRecord.Purpose(purpose)],
            "granted": party_consent.purposes[purpose],
            "record": party_consent.records[purpose],
        }
        for purpose in PURPOSES
    ]


@consent_page
@require_safe
def consent_overview(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    current = consent_current(partnership=partnership)
    administered = {p.pk for p in consent_parties_administered(user=user, partnership=partnership)}
    mine = [
        p
        for p in my_parties_in(user=user, partnership=partnership)
        if p.status == Party.Status.ACCEPTED
    ]
    rows = [
        {
            "party": c.party,
            "cells": [
                {
                    "purpose": p,
                    "label": ConsentRecord.Purpose(p).label,
                    "granted": c.purposes[p],
                    "decided": c.records[p] is not None,
                }
                for p in PURPOSES
            ],
        }
        for c in current
    ]
    consent_records = list(consent_history(partnership=partnership)[: RECENT_RECORDS + 1])
    challenge_records = list(challenge_history(partnership=partnership)[: RECENT_RECORDS + 1])
    context = {
        "decide": [
            {"party": c.party, "cards": _purpose_cards(c)}
            for c in current
            if c.party.pk in administered
        ],
        "only_member_of": [p for p in mine if p.pk not in administered],
        "my_party_ids": {p.pk for p in mine},
        "purposes": [(p, ConsentRecord.Purpose(p).label) for p in PURPOSES],
        "rows": rows,
        "challenge": _challenge_by_area(challenge_current(partnership=partnership)),
        "challenge_notice": CHALLENGE_NOTICE,
        "can_decide": bool(administered),
        "consent_records": consent_records[:RECENT_RECORDS],
        "challenge_records": _label_challenge_records(
            challenge_records[:RECENT_RECORDS], partnership
        ),
        "more_history": len(consent_records) > RECENT_RECORDS
        or len(challenge_records) > RECENT_RECORDS,
    }
    return _render(request, "overview.html", partnership, context)


@consent_page
@require_POST
def consent_give(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """The "Give consent" button of one purpose: no confirmation, the notice is beside it."""
    user = request_user(request)
    access_consent(user=user, partnership_pk=partnership_pk)
    try:
        party = access_consent_party(
            user=user,
            partnership_pk=partnership_pk,
            party_id=_party_param(request.POST.get("party")),
        )
    except ValidationError as error:
        messages.error(request, _refusal_message(error))
        return redirect(_overview_url(partnership_pk))
    form = GiveConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a consent on this page, then press “Give consent”.")
        return redirect(_overview_url(partnership_pk))
    purpose = form.cleaned_data["purpose"]
    notice = NOTICES[ConsentRecord.Purpose(purpose)]
    try:
        consent_record(
            party=party,
            purpose=purpose,
            decision=ConsentRecord.Decision.GRANT,
            notice_version=form.cleaned_data["notice_version"] or None,
            by=user,
        )
    except (ValidationError, LearnHubError) as error:
        message = error.message if isinstance(error, LearnHubError) else _refusal_message(error)
        messages.error(request, message)
    else:
        messages.success(
            request, f"You gave consent for {party.organisation.name}: {notice.title}."
        )
    return redirect(_overview_url(partnership_pk, f"consent-{party.pk}-{purpose}"))


@consent_page
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, partnership_pk: int, purpose: str) -> HttpResponse:
    """Check your answers, then withdraw (or decline, when never given) one purpose."""
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    if purpose not in PURPOSES:
        raise Http404("No such consent.")
    data = request.POST if request.method == "POST" else request.GET
    try:
        party = access_consent_party(
            user=user, partnership_pk=partnership_pk, party_id=_party_param(data.get("party"))
        )
    except ValidationError as error:
        messages.error(request, _refusal_message(error))
        return redirect(_overview_url(partnership_pk))
    notice = NOTICES[ConsentRecord.Purpose(purpose)]
    current = next(c for c in consent_current(partnership=partnership) if c.party.pk == party.pk)
    granted = current.purposes[purpose]
    form = WithdrawConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"party": party.pk, "notice_version": notice.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                party=party,
                purpose=purpose,
                decision=ConsentRecord.Decision.WITHDRAW,
                note=form.cleaned_data["note"],
                notice_version=form.cleaned_data["notice_version"] or None,
                by=user,
            )
        except NoticeChanged as changed:
            # Show the current notice, with the person's note kept, to read and decide again.
            form = WithdrawConsentForm(
                {
                    "party": party.pk,
                    "notice_version": notice.version,
                    "note": form.cleaned_data["note"],
                }
            )
            form.is_valid()
            form.add_error(None, changed.message)
            status = 409
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            verb = "withdrew" if granted else "recorded that you do not give"
            messages.success(
                request, f"You {verb} consent for {party.organisation.name}: {notice.title}."
            )
            return redirect(_overview_url(partnership_pk, f"consent-{party.pk}-{purpose}"))
    if form.errors and status == 200:
        status = 400
    context = {
        "party": party,
        "purpose": purpose,
        "notice": notice,
        "granted": granted,
        "record": current.records[purpose],
        "form": form,
    }
    return _render(request, "withdraw.html", partnership, context, status=status)


# --- Permission to challenge -------------------------------------------------------------


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
                return redirect(_overview_url(partnership_pk, "challenge"))
    context = {
        "form": form,
        "challenge_notice": CHALLENGE_NOTICE,
        "area_choices": _choices(form["areas"], {}),
        "channel_choices": _choices(form["channels"], CHANNEL_HINTS),
        "challenge": _challenge_by_area(
            [c for c in challenge_current(partnership=partnership) if c.party in parties]
        ),
    }
    return _render(request, "challenge_form.html", partnership, context, status=status)


# --- History -----------------------------------------------------------------------------


@consent_page
@require_safe
def consent_history_page(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    mine = {
        p.pk
        for p in my_parties_in(user=user, partnership=partnership)
        if p.status == Party.Status.ACCEPTED
    }
    consents = Paginator(consent_history(partnership=partnership), HISTORY_PAGE_SIZE)
    challenges = Paginator(challenge_history(partnership=partnership), HISTORY_PAGE_SIZE)
    challenge_page = challenges.get_page(request.GET.get("challenge_page"))
    context = {
        "challenge_rows": _label_challenge_records(list(challenge_page.object_list), partnership),
        "consent_page": consents.get_page(request.GET.get("page")),
        "challenge_page": challenge_page,
        "my_party_ids": mine,
    }
    return _render(request, "history.html", partnership, context)


# --- How the partnership learns -------------------------------------------------------------


def _mode_url(partnership_pk: int) -> str:
    return reverse("consent:learning-mode", kwargs={"partnership_pk": partnership_pk})


@consent_page
@require_http_methods(["GET", "POST"])
def learning_mode_page(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """How the partnership learns; propose a switch, agree or object, or withdraw one.

    POST takes ``action``: ``propose``, ``answer`` or ``withdraw``. Each goes through the
    gateway (admins of an accepted party decide for it) and one service.
    """
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    administered = list(consent_parties_administered(user=user, partnership=partnership))
    propose_form = LearningModeProposeForm()
    answer_form = LearningModeAnswerForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: forms.Form = (
            LearningModeAnswerForm(request.POST)
            if action == "answer"
            else LearningModeProposeForm(request.POST)
        )
        if action not in ("propose", "answer", "withdraw"):
            messages.error(request, "Choose what to do on this page, then press its button.")
            return redirect(_mode_url(partnership_pk))
        try:
            party = access_consent_party(
                user=user,
                partnership_pk=partnership_pk,
                party_id=_party_param(request.POST.get("party")),
                what=LEARNING_MODE,
            )
        except ValidationError as error:
            messages.error(request, _refusal_message(error))
            return redirect(_mode_url(partnership_pk))
        if form.is_valid():
            try:
                if action == "propose":
                    other = next(
                        mode
                        for mode in Partnership.LearningMode.values
                        if mode != partnership.learning_mode
                    )
                    change = learning_mode_propose(
                        party=party,
                        learning_mode=other,
                        reason=form.cleaned_data["reason"],
                        by=user,
                    )
                    done = (
                        "The partnership now learns this way: nobody else had to agree."
                        if change.outcome == LearningModeChange.Outcome.AGREED
                        else "You proposed the change. Every party has been asked to agree."
                    )
                elif action == "answer":
                    change = learning_mode_answer(
                        party=party,
                        decision=form.cleaned_data["decision"],
                        comment=form.cleaned_data["comment"],
                        by=user,
                    )
                    done = {
                        str(LearningModeChange.Outcome.AGREED): "Every party has agreed: the "
                        "change is made.",
                        str(LearningModeChange.Outcome.DECLINED): "You objected, so nothing "
                        "changes. Every party has been told.",
                    }.get(change.outcome, "You agreed. The change waits for the other parties.")
                else:
                    learning_mode_withdraw(party=party, by=user)
                    done = "You withdrew the proposal. Nothing changes."
            except ValidationError as error:
                form_add_service_errors(form, error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect(_mode_url(partnership_pk))
            else:
                messages.success(request, done)
                return redirect(_mode_url(partnership_pk))
        if action == "answer":
            answer_form = cast(LearningModeAnswerForm, form)
        else:
            propose_form = cast(LearningModeProposeForm, form)
        status = 400
        partnership.refresh_from_db()

    history = list(learning_mode_changes_of(partnership=partnership))
    current = next((c for c in history if c.outcome == LearningModeChange.Outcome.OPEN), None)
    waiting = learning_mode_waiting_for(change=current) if current is not None else []
    waiting_ids = {party.pk for party in waiting}
    my_waiting = [party for party in administered if party.pk in waiting_ids]
    other_mode = next(
        mode for mode in Partnership.LearningMode.values if mode != partnership.learning_mode
    )
    context = {
        "mode_meaning": MODE_MEANING[Partnership.LearningMode(partnership.learning_mode)],
        "other_mode": Partnership.LearningMode(other_mode).label,
        "other_meaning": MODE_MEANING[Partnership.LearningMode(other_mode)],
        "needs_agreement": learning_mode_needs_agreement(partnership),
        "change": current,
        "waiting": waiting,
        "history": [c for c in history if c is not current],
        "administered": administered,
        "can_propose": bool(administered)
        and current is None
        and partnership.status != Partnership.Status.CLOSED,
        "answer_for": my_waiting[0] if my_waiting else None,
        "withdraw_for": next(
            (p for p in administered if current is not None and p.pk == current.proposed_for_id),
            None,
        ),
        "propose_form": propose_form,
        "answer_form": answer_form,
        "propose_for": administered[0] if administered else None,
    }
    return _render(request, "learning_mode.html", partnership, context, status=status)


_P = "partnerships/<id:partnership_pk>/consent/"

urlpatterns: list[URLPattern] = [
    path(_P, consent_overview, name="consent-overview"),
    path(f"{_P}give/", consent_give, name="consent-give"),
    path(f"{_P}withdraw/<str:purpose>/", consent_withdraw, name="consent-withdraw"),
    path(f"{_P}history/", consent_history_page, name="consent-history"),
    path(f"{_P}learning-mode/", learning_mode_page, name="learning-mode"),
    path(
        f"{_P}challenge/",
        challenge_permission_decide,
        name="challenge-permission-decide",
    ),
]
