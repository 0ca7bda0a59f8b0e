"""How the partnership learns: propose a switch between learning for and learning with,
agree or object, or withdraw a proposal."""

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.identity import request_user
from consent.access import LEARNING_MODE, access_consent, access_consent_party
from consent.forms import LearningModeAnswerForm, LearningModeProposeForm
from consent.learning_mode import (
    MODE_MEANING,
    learning_mode_answer,
    learning_mode_propose,
    learning_mode_withdraw,
)
from consent.models import LearningModeChange
from consent.selectors import (
    consent_parties_administered,
    learning_mode_changes_of,
    learning_mode_waiting_for,
)
from consent.views.shared import consent_page, render_tab
from learnhub.errors import Conflict
from learnhub.forms import form_add_service_errors
from learnhub.inputs import as_id
from partnerships.models import Partnership
from partnerships.selectors import learning_mode_needs_agreement


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
                party_id=as_id(request.POST.get("party")),
                what=LEARNING_MODE,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
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
    return render_tab(request, "learning_mode.html", partnership, context, status=status)
