"""The partnership's Pulse tab: this period's three statements (once), and the results
per period for everyone in the partnership, shown only once enough people answered."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from accounts.identity import request_user
from learnhub.charts import grouped_count_chart
from learnhub.forms import service_errors_to
from learnhub.pages import refusal_page
from learnhub.periods import Period
from partnerships.models import Partnership
from partnerships.navigation import render_partnership_tab
from pulse.access import PulseAction, access_pulse
from pulse.forms import PulseForm
from pulse.selectors import PulseResult, pulse_answered, pulse_period, pulse_results
from pulse.services import pulse_answer
from pulse.statements import (
    KEYS,
    MIN_RESPONSES,
    SCALE,
    SCALE_LABELS,
    SCALE_WORDS,
    STATEMENT_NAMES,
    STATEMENTS,
)

app_name = "pulse"

pulse_page = refusal_page("pulse/forbidden.html")


@dataclass(frozen=True)
class ShownScore:
    statement: str
    mean: float


@dataclass(frozen=True)
class ShownPeriod:
    """A period's results as the page shows them."""

    period: Period
    responses: int
    is_current: bool
    scores: list[ShownScore] | None
    chart: SafeString | None
    comments: list[str] | None


def _shown(result: PulseResult, current: Period) -> ShownPeriod:
    period = Period(result["period_start"], result["period_end"])
    scores = result["scores"]
    distribution = result["distribution"]
    chart = None
    if distribution is not None:
        chart = grouped_count_chart(
            chart_id=f"pulse-{period.start.isoformat()}",
            title=f"How people answered, {period.describe()}",
            groups=[
                (
                    STATEMENT_NAMES[key],
                    [(SCALE_LABELS[value], distribution[key][str(value)]) for value in SCALE],
                )
                for key in KEYS
            ],
        )
    return ShownPeriod(
        period=period,
        responses=result["responses"],
        is_current=period.start == current.start,
        scores=(
            [ShownScore(STATEMENTS[key], scores[key]) for key in KEYS]
            if scores is not None
            else None
        ),
        chart=chart,
        comments=result["comments"],
    )


def _render(
    request: HttpRequest, partnership: Partnership, form: PulseForm, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    current = pulse_period(partnership=partnership)
    context: dict[str, Any] = {
        "form": form,
        "period": current,
        "answered": pulse_answered(user=user, partnership=partnership, period=current),
        "closed": partnership.status == Partnership.Status.CLOSED,
        "results": [_shown(result, current) for result in pulse_results(partnership=partnership)],
        "min_responses": MIN_RESPONSES,
        "scale_words": SCALE_WORDS,
    }
    return render_partnership_tab(
        request,
        "pulse/pulse.html",
        partnership=partnership,
        tab="pulse",
        context=context,
        status=status,
    )


@pulse_page
@require_http_methods(["GET", "POST"])
def pulse_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    if request.method != "POST":
        partnership = access_pulse(
            user=user, partnership_pk=partnership_pk, action=PulseAction.VIEW
        )
        return _render(request, partnership, PulseForm())
    partnership = access_pulse(user=user, partnership_pk=partnership_pk, action=PulseAction.ANSWER)
    form = PulseForm(request.POST)
    if not form.is_valid():
        return _render(request, partnership, form, status=400)
    with service_errors_to(form) as call:
        pulse_answer(
            partnership=partnership,
            answers=form.answers(),
            comment=form.cleaned_data["comment"],
            by=user,
        )
    if call.failed:
        return _render(request, partnership, form, status=call.status)
    messages.success(request, "Thank you. Your answers are saved without your name.")
    return redirect(reverse("pulse:pulse", kwargs={"partnership_pk": partnership.pk}))


urlpatterns: list[URLPattern] = [
    path("partnerships/<id:partnership_pk>/pulse/", pulse_view, name="pulse"),
]
