"""The Consent tab: one form (a yes/no question per purpose), "Check your answers", then
one confirmation that records every change; the history and its receipts.

The form's state and answers travel between the steps in one signed hidden field
(``consent.answers``): a changed or forged field is a 400 page; one that waited more than
a day sends the person back to the form. Every page calls a gateway first, so outsiders
get 404 and a party that may not decide gets a 403 page that says why; one service
(``consent_record_answers``) decides and writes.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from accounts.identity import request_user
from accounts.models import User
from consent.access import access_consent, access_consent_party, access_consent_receipt
from consent.answers import (
    AnswersExpired,
    AnswersRefused,
    ConsentAnswers,
    answer_rows,
    answers_started,
)
from consent.forms import ChoosePartyForm, ConsentAnswersForm, ConsentConfirmForm
from consent.models import ConsentRecord
from consent.notices import NOTICES
from consent.receipts import consent_receipt_pdf, receipt_words
from consent.selectors import (
    PURPOSES,
    PartyConsent,
    challenge_history,
    consent_current,
    consent_history,
    consent_parties_administered,
)
from consent.services import ConsentChanged, NoticeChanged, consent_record_answers
from consent.views.challenge import label_challenge_records
from consent.views.shared import consent_page, overview_url, render_tab
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from partnerships.models import Partnership, Party
from partnerships.selectors import my_parties_in

HISTORY_PAGE_SIZE = 50
EXPIRED = "It has been more than a day since you opened the consent form. Answer it again."


def _answers(token: str | None, *, answered: bool = False) -> ConsentAnswers:
    """The signed field's answers; a changed or forged one is a 400 page."""
    try:
        return ConsentAnswers.from_token(token, answered=answered)
    except AnswersExpired:
        raise
    except AnswersRefused as refused:
        raise BadRequest("The consent form was changed on its way back.") from refused


def _current_of(partnership: Partnership, party: Party) -> PartyConsent:
    return next(c for c in consent_current(partnership=partnership) if c.party.pk == party.pk)


def _question_rows(form: ConsentAnswersForm, started: ConsentAnswers) -> list[dict[str, Any]]:
    return [
        {
            "field": form[purpose],
            "purpose": purpose,
            "notice": NOTICES[purpose],
            "now": started.basis[purpose],
        }
        for purpose in PURPOSES
    ]


def _consent_page(
    request: HttpRequest,
    user: User,
    partnership: Partnership,
    *,
    party: Party | None = None,
    form: ConsentAnswersForm | None = None,
    started: ConsentAnswers | None = None,
    status: int = 200,
) -> HttpResponse:
    """The Consent tab: every party's consent now and, for an admin, the form."""
    current = consent_current(partnership=partnership)
    administered = list(consent_parties_administered(user=user, partnership=partnership))
    if party is None and len(administered) == 1:
        party = administered[0]
    if party is not None and form is None:
        state = next(c for c in current if c.party.pk == party.pk)
        started = started or answers_started(state)
        form = ConsentAnswersForm(
            initial={**started.initial(), "shown": started.started_again().token()}
        )
    mine = [
        p
        for p in my_parties_in(user=user, partnership=partnership)
        if p.status == Party.Status.ACCEPTED
    ]
    administered_ids = {p.pk for p in administered}
    context = {
        "party": party,
        "form": form,
        "questions": _question_rows(form, started) if form and started else [],
        "choose": ChoosePartyForm(parties=administered)
        if party is None and len(administered) > 1
        else None,
        "only_member_of": [p for p in mine if p.pk not in administered_ids],
        "purposes": [(p, ConsentRecord.Purpose(p).label) for p in PURPOSES],
        "rows": [
            {
                "party": c.party,
                "cells": [
                    {
                        "label": ConsentRecord.Purpose(p).label,
                        "granted": c.purposes[p],
                        "decided": c.records[p] is not None,
                    }
                    for p in PURPOSES
                ],
            }
            for c in current
        ],
    }
    return render_tab(request, "overview.html", partnership, context, status=status)


@consent_page
@require_safe
def consent_overview(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """The Consent tab. ``?party=`` picks the party for an admin of several; ``?answers=``
    (a "Change" link) fills the form with the answers being checked."""
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    administered = list(consent_parties_administered(user=user, partnership=partnership))
    wanted = as_id(request.GET.get("party"))
    party = next((p for p in administered if p.pk == wanted), None)
    started = None
    if "answers" in request.GET:
        try:
            started = _answers(request.GET.get("answers"), answered=True)
        except AnswersExpired:
            messages.error(request, EXPIRED)
            return redirect(overview_url(partnership_pk))
        party = next((p for p in administered if p.pk == started.party), None)
        if party is None:
            raise BadRequest("These answers are for a party you do not decide for.")
    return _consent_page(request, user, partnership, party=party, started=started)


def _asked_again(
    request: HttpRequest, user: User, partnership: Partnership, party: Party, message: str
) -> HttpResponse:
    """The form again, drawn from the party's consent now, saying why (409)."""
    messages.error(request, message)
    return _consent_page(request, user, partnership, party=party, status=409)


@consent_page
@require_POST
def consent_check(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """ "Continue": the answers, and what each change means, before anything is recorded."""
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    try:
        started = _answers(request.POST.get("shown"))
    except AnswersExpired:
        messages.error(request, EXPIRED)
        return redirect(overview_url(partnership_pk))
    party = _decided_for(user, partnership_pk, started)
    if started.is_stale_against(_current_of(partnership, party)):
        return _asked_again(request, user, partnership, party, ConsentChanged.of(party).message)
    form = ConsentAnswersForm(request.POST)
    if not form.is_valid():
        return _consent_page(
            request, user, partnership, party=party, form=form, started=started, status=400
        )
    answers = started.with_answers(form.answers())
    return _check_page(request, partnership, party, answers, ConsentConfirmForm())


def _decided_for(user: User, partnership_pk: int, answers: ConsentAnswers) -> Party:
    try:
        return access_consent_party(
            user=user, partnership_pk=partnership_pk, party_id=answers.party
        )
    except ValidationError as refused:  # the party left the partnership meanwhile
        raise BadRequest("These answers are for a party no longer in the partnership.") from (
            refused
        )


def _check_page(
    request: HttpRequest,
    partnership: Partnership,
    party: Party,
    answers: ConsentAnswers,
    form: ConsentConfirmForm,
    status: int = 200,
) -> HttpResponse:
    rows = answer_rows(answers)
    token = answers.token()
    form.initial["answers"] = token
    context = {
        "party": party,
        "rows": rows,
        "changes": [row for row in rows if row.changed],
        "form": form,
        "change_url": overview_url(partnership.pk, answers=token),
    }
    return render_tab(request, "check.html", partnership, context, status=status)


@consent_page
@require_POST
def consent_confirm(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """ "Confirm": one record per changed answer, in one transaction; none if nothing
    changed, and none if the party's consent changed since the form was opened."""
    user = request_user(request)
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    try:
        answers = _answers(request.POST.get("answers"), answered=True)
    except AnswersExpired:
        messages.error(request, EXPIRED)
        return redirect(overview_url(partnership_pk))
    party = _decided_for(user, partnership_pk, answers)
    form = ConsentConfirmForm(request.POST)
    if not form.is_valid():
        return _check_page(request, partnership, party, answers, form, status=400)
    try:
        records = consent_record_answers(
            party=party,
            answers=answers.decisions(),
            was=answers.was(),
            notice_versions=answers.versions,
            note=form.cleaned_data["note"],
            by=user,
        )
    except (ConsentChanged, NoticeChanged) as changed:
        return _asked_again(request, user, partnership, party, changed.message)
    except Conflict as conflict:
        form.add_error(None, conflict.message)
        return _check_page(request, partnership, party, answers, form, status=409)
    name = party.organisation.name
    if not records:
        messages.info(request, f"You did not change any answer for {name}, so nothing changed.")
    else:
        messages.success(
            request,
            format_html(
                "Your answers for {} are saved and take effect straight away. "
                '<a href="{}">See the receipts in the history</a>.',
                name,
                reverse("consent:consent-history", kwargs={"partnership_pk": partnership_pk}),
            ),
        )
    return redirect(overview_url(partnership_pk, "consent-now"))


# --- History and receipts ------------------------------------------------------------------


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
        "challenge_rows": label_challenge_records(list(challenge_page.object_list), partnership),
        "consent_page": consents.get_page(request.GET.get("page")),
        "challenge_page": challenge_page,
        "my_party_ids": mine,
    }
    return render_tab(request, "history.html", partnership, context)


@consent_page
@require_safe
def consent_receipt_page(request: HttpRequest, partnership_pk: int, record_pk: int) -> HttpResponse:
    """A consent receipt in words: for the people of the party that decided."""
    user = request_user(request)
    record = access_consent_receipt(user=user, partnership_pk=partnership_pk, record_pk=record_pk)
    context = {"words": receipt_words(record)}
    return render_tab(request, "receipt.html", record.partnership, context)


@consent_page
@require_safe
def consent_receipt_pdf_download(
    request: HttpRequest, partnership_pk: int, record_pk: int
) -> HttpResponse:
    """The same receipt as a PDF to keep."""
    user = request_user(request)
    record = access_consent_receipt(user=user, partnership_pk=partnership_pk, record_pk=record_pk)
    words = receipt_words(record)
    response = HttpResponse(consent_receipt_pdf(words), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{words.filename}"'
    return response
