"""Web pages for evidence: the Evidence tab of a partnership (a filtered list), adding
evidence in two steps (kind first, then that kind's questions), an item's page, changing
and deleting one's own items, importing a spreadsheet, exporting one's own evidence, the
coverage map, and file downloads.

Every page calls one gateway first, so outsiders get 404 and a party without the right
gets a 403 page that says why; the services check and write, the forms only parse.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.identity import request_user
from accounts.models import User
from evidence.access import (
    EvidenceAction,
    access_attachment,
    access_contribution_choices,
    access_evidence,
    access_evidence_partnership,
    access_own_evidence,
)
from evidence.access.sessions import access_evidence_session
from evidence.charts import (
    balance_chart,
    grouped_count_chart,
    series_chart,
    series_description,
)
from evidence.csv_import import (
    COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportRejected,
    clean_rows,
    export_rows,
    template_csv,
)
from evidence.forms import EvidenceForm, FilterForm, ImportForm, KindForm
from evidence.http import attachment_response, csv_response
from evidence.kinds import DATE_WORDS, GUIDES, PROMPTS, date_words_for, guide_for
from evidence.models import Evidence
from evidence.schema import BY_NAME, CHOICE_WORDS
from evidence.selectors import (
    Coverage,
    ParticipationMissing,
    contribution_options,
    evidence_balance,
    evidence_coverage,
    evidence_filter_choices,
    evidence_list,
    evidence_own,
    evidence_sharing,
    evidence_statistic_series,
)
from evidence.selectors.coding import edits_codebook, excerpts_of_item
from evidence.services import (
    attachment_delete,
    evidence_delete,
    evidence_import,
    evidence_submit,
    evidence_update,
)
from evidence.visibility import readers_of
from learnhub.errors import Conflict
from learnhub.forms import form_add_service_errors, service_errors_to
from learnhub.pages import refusal_page
from partnerships.models import Partnership, Party

# The partnership's tabs are defined with its pages; Evidence is one of them.
from partnerships.navigation import TABS

T = "evidence/items/"
LIST_PAGE_SIZE = 25

View = Callable[..., HttpResponseBase]


#: Sign-in required; a refusal (``Forbidden``) becomes a 403 page that says why, pointing
#: to the Consent page when what is missing is the party's consent to take part.
evidence_page = refusal_page(
    f"{T}forbidden.html",
    context=lambda refusal: {"consent_missing": isinstance(refusal, ParticipationMissing)},
)


def _render(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    page: dict[str, Any] = {"partnership": partnership, "tab": "evidence", "tabs": TABS}
    page.update(context or {})
    return render(request, f"{T}{template}", page, status=status)


def _max_upload_bytes() -> int:
    return int(settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES)


# --- The list ----------------------------------------------------------------------------


if TYPE_CHECKING:
    _Paginator = Paginator[Evidence]
else:
    _Paginator = Paginator  # not subscriptable at run time


class _CountedPaginator(_Paginator):
    """A paginator told how many items there are (already counted with the balance)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@evidence_page
@require_GET
def evidence_list_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_evidence_partnership(user=user, partnership_pk=partnership_pk)
    question_rows, parties = evidence_filter_choices(partnership=partnership)
    questions = list(question_rows)
    filter_form = FilterForm(request.GET or None, questions=questions, parties=parties)
    filters = filter_form.filters() if filter_form.is_bound else {}
    items = evidence_list(user=user, partnership=partnership, **filters)
    # One query counts the items for the balance chart and for the pages.
    balance = evidence_balance(items)
    page = _CountedPaginator(items, LIST_PAGE_SIZE, count=balance.total).get_page(
        request.GET.get("page")
    )
    options = contribution_options(user=user, partnership=partnership)
    open_ = partnership.status != Partnership.Status.CLOSED
    query = request.GET.copy()
    query.pop("page", None)
    balance_drawing = balance_chart(
        chart_id="balance-chart",
        title=(
            "Is it working? The evidence listed here"
            if filters
            else "Is it working? All the evidence you can see"
        ),
        parts=balance.parts,
        total_noun="pieces of evidence",
    )
    return _render(
        request,
        "list.html",
        partnership,
        {
            "balance_chart": balance_drawing,
            "filter_form": filter_form,
            "filtered": bool(filters),
            "page_obj": page,
            "query": query.urlencode(),
            "guides": GUIDES,
            "can_add": open_ and bool(options.parties),
            "add_blocked_reason": options.blocked_reason if open_ else None,
        },
    )


# --- Adding ------------------------------------------------------------------------------


def _evidence_form(
    request: HttpRequest,
    partnership: Partnership,
    kind: str,
    parties: list[Party] | None = None,
    evidence: Evidence | None = None,
) -> EvidenceForm:
    questions, _ = evidence_filter_choices(partnership=partnership)
    bound = request.method == "POST"
    return EvidenceForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        kind=kind,
        partnership=partnership,
        questions=questions,
        parties=parties or (),
        evidence=evidence,
        initial=EvidenceForm.initial_for(evidence) if evidence is not None else None,
        max_upload_bytes=_max_upload_bytes(),
    )


def _who_can_see(
    user: User, partnership: Partnership, parties: list[Party]
) -> list[dict[str, Any]]:
    """For a form: who would read the item for each party it may be added for, and why."""
    sharing = evidence_sharing(user=user, partnership=partnership)
    return [
        {
            "party": party,
            "readers": readers_of(sharing, party.pk),
            # The list is labelled by the section's heading, or by its own with several.
            "heading_id": f"who-can-see-{party.pk}" if len(parties) > 1 else "who-can-see",
        }
        for party in parties
    ]


def _form_context(
    form: EvidenceForm, *, editing: bool, who_can_see: list[dict[str, Any]]
) -> dict[str, Any]:
    label = form.guide.label
    return {
        "who_can_see": who_can_see,
        "form": form,
        "guide": form.guide,
        "kind": form.kind,
        "editing": editing,
        "heading": "Change evidence" if editing else f"Add {label[0].lower()}{label[1:]}",
        "valence_choices": form.radio_choices("valence"),
        "attribution_choices": form.radio_choices("attribution"),
        "speaker_choices": form.radio_choices("speaker"),
    }


@evidence_page
@require_http_methods(["GET", "POST"])
def evidence_create_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """Step one (no ``kind``): what kind of evidence? Step two: that kind's form."""
    user = request_user(request)
    choices = access_contribution_choices(user=user, partnership_pk=partnership_pk)
    partnership = choices.partnership
    kind = request.GET.get("kind", "")
    if kind not in Evidence.Kind.values:
        chosen = "kind" in request.GET or "step" in request.GET  # "Continue" was pressed
        kind_form = KindForm(request.GET if chosen else None)
        kind_form.is_valid()
        return _render(
            request,
            "kind.html",
            partnership,
            {"kind_form": kind_form, "choices": kind_form.choices_with_hints()},
        )
    session = access_evidence_session(
        user=user, partnership=partnership, raw_id=request.GET.get("session")
    )
    form = _evidence_form(request, partnership, kind, parties=choices.parties)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            party_id = form.cleaned_data.get("party")
            party = next((p for p in choices.parties if p.pk == party_id), choices.parties[0])
            with service_errors_to(form, where=form.field_for_error) as call:
                evidence = evidence_submit(
                    partnership=partnership,
                    party=party,
                    by=user,
                    item=form.checked_item(),
                    session_id=session.pk if session else None,
                )
            if not call.failed:
                messages.success(request, f"You added “{evidence.title}”.")
                return redirect(session or evidence)
        status = 400
    who_can_see = _who_can_see(user, partnership, choices.parties)
    return _render(
        request,
        "form.html",
        partnership,
        {**_form_context(form, editing=False, who_can_see=who_can_see), "session": session},
        status=status,
    )


# --- One item ----------------------------------------------------------------------------


@evidence_page
@require_GET
def evidence_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.VIEW)
    sharing = evidence_sharing(user=user, partnership=evidence.partnership)
    statistic = evidence_statistic_series(user=user, evidence=evidence)
    prompts = [
        {"question": prompt.question, "answer": (evidence.prompts or {}).get(prompt.key, "")}
        for prompt in PROMPTS.get(evidence.kind, ())
    ]
    return _render(
        request,
        "detail.html",
        evidence.partnership,
        {
            "evidence": evidence,
            "guide": guide_for(evidence.kind),
            "date_words": date_words_for(evidence.kind),
            "prompts": [p for p in prompts if p["answer"]],
            "mine": evidence.mine,  # type: ignore[attr-defined]  # selector-set attribute
            "closed": evidence.partnership.status == Partnership.Status.CLOSED,
            "readers": readers_of(sharing, evidence.party_id),
            "series_chart": (
                series_chart(statistic, chart_id=f"series-chart-{evidence.pk}") if statistic else ""
            ),
            "series_text": series_description(statistic) if statistic else "",
            "excerpts": list(excerpts_of_item(evidence=evidence)),
            "edits_codebook": edits_codebook(user=user, partnership=evidence.partnership),
        },
    )


@evidence_page
@require_http_methods(["GET", "POST"])
def evidence_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.CHANGE)
    form = _evidence_form(request, evidence.partnership, evidence.kind, evidence=evidence)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evidence_update(evidence=evidence, by=user, item=form.checked_item())
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, "Your changes are saved.")
                return redirect(evidence)
        status = 400
    return _render(
        request,
        "form.html",
        evidence.partnership,
        {
            **_form_context(
                form,
                editing=True,
                who_can_see=_who_can_see(user, evidence.partnership, [evidence.party]),
            ),
            "evidence": evidence,
        },
        status=status,
    )


@evidence_page
@require_http_methods(["GET", "POST"])
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Check before deleting; the POST deletes."""
    user = request_user(request)
    evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.CHANGE)
    if request.method == "POST":
        partnership_pk = evidence.partnership_id
        title = evidence.title
        evidence_delete(evidence=evidence, by=user)
        messages.success(request, f"You deleted “{title}”.")
        return redirect("evidence:evidence-list", partnership_pk)
    return _render(
        request,
        "delete.html",
        evidence.partnership,
        {"evidence": evidence, "date_words": date_words_for(evidence.kind)},
    )


@evidence_page
@require_GET
def attachment_download_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    attachment = access_attachment(
        user=request_user(request),
        evidence_pk=pk,
        attachment_pk=attachment_pk,
        action=EvidenceAction.VIEW,
    )
    return attachment_response(attachment)


@evidence_page
@require_POST
def attachment_delete_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    user = request_user(request)
    attachment = access_attachment(
        user=user, evidence_pk=pk, attachment_pk=attachment_pk, action=EvidenceAction.CHANGE
    )
    try:
        attachment_delete(attachment=attachment, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, f"You removed the file “{attachment.original_name}”.")
    return redirect("evidence:evidence-detail", pk)


# --- Import, export, coverage ------------------------------------------------------------


@evidence_page
@require_http_methods(["GET", "POST"])
def evidence_import_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    choices = access_contribution_choices(user=user, partnership_pk=partnership_pk)
    partnership = choices.partnership
    bound = request.method == "POST"
    form = ImportForm(
        request.POST if bound else None, request.FILES if bound else None, parties=choices.parties
    )
    problems = None
    status = 200
    if bound:
        if form.is_valid():
            party_id = form.cleaned_data.get("party")
            party = next((p for p in choices.parties if p.pk == party_id), choices.parties[0])
            try:
                items = clean_rows(form.cleaned_data["file"], partnership=partnership)
                created = evidence_import(
                    partnership=partnership, party=party, by=user, items=items
                )
            except ImportRejected as rejected:
                problems = rejected.problems
                form.add_error(
                    "file",
                    f"Nothing was imported. Fix the {len(problems)} "
                    f"problem{'s' if len(problems) != 1 else ''} listed below and upload the "
                    "file again.",
                )
            except ValidationError as error:
                form_add_service_errors(
                    form, error, lambda name: name if name in form.fields else None
                )
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                count = len(created)
                messages.success(
                    request,
                    f"You added {count} piece{'s' if count != 1 else ''} of evidence.",
                )
                return redirect("evidence:evidence-list", partnership.pk)
        status = 400
    questions, _ = evidence_filter_choices(partnership=partnership)
    return _render(
        request,
        "import.html",
        partnership,
        {
            "form": form,
            "who_can_see": _who_can_see(user, partnership, choices.parties),
            "problems": problems,
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "max_rows": MAX_ROWS,
            "questions": questions,
            "guides": GUIDES,
            "date_rows": [
                {"label": GUIDES[kind].label.lower(), "words": words.csv}
                for kind, words in DATE_WORDS.items()
            ],
            "choice_fields": {name: BY_NAME[name] for name in CHOICE_WORDS},
            "prompt_rows": [
                {"label": GUIDES[kind].label.lower(), "prompts": prompts}
                for kind, prompts in PROMPTS.items()
            ],
        },
        status=status,
    )


@evidence_page
@require_GET
def evidence_import_template_view(request: HttpRequest, partnership_pk: int) -> HttpResponseBase:
    access_evidence_partnership(user=request_user(request), partnership_pk=partnership_pk)
    return csv_response([template_csv()], "evidence-template.csv")


@evidence_page
@require_GET
def evidence_export_view(request: HttpRequest, partnership_pk: int) -> HttpResponseBase:
    user = request_user(request)
    partnership = access_own_evidence(user=user, partnership_pk=partnership_pk)
    items = evidence_own(user=user, partnership=partnership)
    return csv_response(
        export_rows(items.iterator(chunk_size=200)), f"evidence-{partnership.pk}.csv"
    )


def _coverage_chart(coverage: Coverage) -> SafeString:
    """The coverage table as labelled bars: for each question, a bar per party with its
    count; a party that does not share with the reader is said so, with no number."""
    return grouped_count_chart(
        chart_id="coverage-chart",
        title="Evidence you can see, by research question and party",
        groups=[
            (
                row.question.text if row.question else "Not linked to an agreed question",
                [(cell.party.organisation.name, cell.count) for cell in row.cells],
            )
            for row in coverage.rows
        ],
    )


@evidence_page
@require_GET
def evidence_coverage_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_evidence_partnership(user=user, partnership_pk=partnership_pk)
    coverage = evidence_coverage(user=user, partnership=partnership)
    return _render(
        request,
        "coverage.html",
        partnership,
        {
            "coverage": coverage,
            "coverage_chart": _coverage_chart(coverage),
            "list_url": reverse("evidence:evidence-list", args=[partnership.pk]),
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/<id:partnership_pk>/evidence/",
        evidence_list_view,
        name="evidence-list",
    ),
    path(
        "partnerships/<id:partnership_pk>/evidence/add/",
        evidence_create_view,
        name="evidence-create",
    ),
    path(
        "partnerships/<id:partnership_pk>/evidence/import/",
        evidence_import_view,
        name="evidence-import",
    ),
    path(
        "partnerships/<id:partnership_pk>/evidence/import/template.csv",
        evidence_import_template_view,
        name="evidence-import-template",
    ),
    path(
        "partnerships/<id:partnership_pk>/evidence/export.csv",
        evidence_export_view,
        name="evidence-export",
    ),
    path(
        "partnerships/<id:partnership_pk>/evidence/coverage/",
        evidence_coverage_view,
        name="evidence-coverage",
    ),
    path("evidence/<id:pk>/", evidence_detail_view, name="evidence-detail"),
    path("evidence/<id:pk>/change/", evidence_update_view, name="evidence-update"),
    path("evidence/<id:pk>/delete/", evidence_delete_view, name="evidence-delete"),
    path(
        "evidence/<id:pk>/files/<id:attachment_pk>/",
        attachment_download_view,
        name="attachment-download",
    ),
    path(
        "evidence/<id:pk>/files/<id:attachment_pk>/remove/",
        attachment_delete_view,
        name="attachment-delete",
    ),
]
