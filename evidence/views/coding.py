"""Web pages of the codebook: the partnership's Codebook tab (codes, the matrices, the
export), a code's page (its excerpts and memos), changing, merging and deleting a code,
and coding part of an item's text or of an attached file's. Thin: a gateway, then one
service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.identity import request_user
from evidence.access.coding import (
    CodingAction,
    access_attachment_coding,
    access_code,
    access_codebook,
    access_evidence_coding,
    access_excerpt,
)
from evidence.coding_export import coded_data_csv, coded_data_qdpx
from evidence.forms.coding import CodeForm, ConfirmForm, ExcerptForm, ExcerptTagsForm, MergeForm
from evidence.models import Evidence, EvidenceAttachment
from evidence.passages import sentences
from evidence.selectors.coding import (
    code_matrix,
    code_tree,
    codebook_codes,
    codebook_questions,
    codes_of,
    excerpts_visible_to,
)
from evidence.services.attachment_text import attachment_text_read
from evidence.services.coding import (
    code_create,
    code_delete,
    code_merge,
    code_update,
    excerpt_create,
    excerpt_delete,
    excerpt_update,
)
from learnhub.forms import service_errors_to
from learnhub.pages import refusal_page
from partnerships.models import Partnership
from partnerships.navigation import render_partnership_tab

T = "evidence/coding/"
coding_page = refusal_page("partnerships/partnership/forbidden.html")


def _tab(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    return render_partnership_tab(
        request,
        f"{T}{template}",
        partnership=partnership,
        tab="codebook",
        context=context,
        status=status,
    )


def posted(request: HttpRequest) -> Any:
    """The submitted data for a form, or None on GET."""
    return request.POST if request.method == "POST" else None


@coding_page
@require_http_methods(["GET", "POST"])
def codebook_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    action = CodingAction.EDIT if request.method == "POST" else CodingAction.VIEW
    partnership = access_codebook(user=user, pk=partnership_pk, action=action)
    codes = list(codes_of(user=user, partnership=partnership).select_related("parent"))
    form = CodeForm(posted(request), parents=[c for c in codes if c.parent_id is None])
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            fields = form.code_fields()
            code = code_create(
                partnership=partnership,
                name=fields["name"],
                description=fields["description"],
                memo=fields["memo"],
                parent_id=fields["parent"],
                by=user,
            )
        if not call.failed:
            messages.success(request, f"“{code.name}” is in the codebook.")
            return redirect("evidence:codebook", partnership.pk)
    return _tab(
        request,
        "codebook.html",
        partnership,
        {
            "tree": code_tree(codes),
            "form": form,
            "edits_codebook": partnership.edits_codebook,  # type: ignore[attr-defined]
            "by_party": code_matrix(user=user, partnership=partnership, by="party"),
            "by_question": code_matrix(user=user, partnership=partnership, by="question"),
        },
        status=400 if request.method == "POST" else 200,
    )


@coding_page
@require_safe
def codebook_export_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_codebook(user=user, pk=partnership_pk, action=CodingAction.VIEW)
    body = coded_data_csv(
        codes=codebook_codes(partnership=partnership),
        excerpts=excerpts_visible_to(user=user, partnership=partnership),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codebook-{partnership.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@coding_page
@require_safe
def codebook_qdpx_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_codebook(user=user, pk=partnership_pk, action=CodingAction.VIEW)
    body = coded_data_qdpx(
        title=partnership.title,
        codes=codebook_codes(partnership=partnership),
        excerpts=list(excerpts_visible_to(user=user, partnership=partnership)),
        exported_at=timezone.now(),
    )
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="codebook-{partnership.pk}.qdpx"'
    response["Cache-Control"] = "private, no-store"
    return response


@coding_page
@require_http_methods(["GET", "POST"])
def code_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    action = CodingAction.EDIT if request.method == "POST" else CodingAction.VIEW
    code = access_code(user=user, pk=pk, action=action)
    partnership = code.partnership
    parents = [
        c
        for c in codebook_codes(partnership=partnership)
        if c.parent_id is None and c.pk != code.pk
    ]
    form = CodeForm(
        posted(request),
        parents=parents,
        initial={
            "name": code.name,
            "description": code.description,
            "memo": code.memo,
            "parent": code.parent_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            code_update(code=code, fields=form.code_fields(), by=user)
        if not call.failed:
            messages.success(request, "The code is changed.")
            return redirect("evidence:code-detail", code.pk)
    excerpts = list(excerpts_visible_to(user=user, partnership=partnership, code=code))
    return _tab(
        request,
        "code.html",
        partnership,
        {
            "code": code,
            "heading": code.name,
            "children": list(code.children.order_by("name", "pk")),
            "excerpts": excerpts,
            "memos": [e for e in excerpts if e.memo],
            "form": form,
            "edits_codebook": partnership.edits_codebook,  # type: ignore[attr-defined]
        },
        status=400 if request.method == "POST" else 200,
    )


@coding_page
@require_http_methods(["GET", "POST"])
def code_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    code = access_code(user=user, pk=pk, action=CodingAction.EDIT)
    others = [c for c in codebook_codes(partnership=code.partnership) if c.pk != code.pk]
    form = MergeForm(posted(request), codes=others)
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            into = code_merge(code=code, into_id=form.cleaned_data["into"], by=user)
        if not call.failed:
            messages.success(request, f"“{code.name}” is merged into “{into.name}”.")
            return redirect("evidence:code-detail", into.pk)
    return _tab(
        request,
        "merge.html",
        code.partnership,
        {"code": code, "form": form, "heading": f"Merge “{code.name}”"},
        status=400 if request.method == "POST" else 200,
    )


@coding_page
@require_http_methods(["GET", "POST"])
def code_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    code = access_code(user=user, pk=pk, action=CodingAction.EDIT)
    if request.method == "POST":
        code_delete(code=code, by=user)
        messages.success(request, f"“{code.name}” is deleted.")
        return redirect("evidence:codebook", code.partnership.pk)
    return _tab(
        request,
        "delete.html",
        code.partnership,
        {"code": code, "form": ConfirmForm(), "heading": f"Delete “{code.name}”"},
    )


def _excerpt_form_context(
    evidence: Evidence,
    form: ExcerptForm | ExcerptTagsForm,
    attachment: EvidenceAttachment | None = None,
) -> dict[str, Any]:
    text = evidence.body if attachment is None else attachment.text
    return {
        "evidence": evidence,
        "attachment": attachment,
        "form": form,
        "sentences": sentences(text),
        "has_codes": bool(form.fields["codes"].choices),  # type: ignore[attr-defined]
    }


def _code_text(
    request: HttpRequest, evidence: Evidence, attachment: EvidenceAttachment | None
) -> HttpResponse:
    """The excerpt form over ``evidence``'s body, or over its ``attachment``'s text."""
    user = request_user(request)
    partnership = evidence.partnership
    text = evidence.body if attachment is None else attachment.text
    form = ExcerptForm(
        posted(request),
        sentences=sentences(text),
        codes=codebook_codes(partnership=partnership),
        questions=codebook_questions(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["offsets"]
        tags = form.tag_fields()
        with service_errors_to(form) as call:
            excerpt_create(
                evidence=evidence,
                start=start,
                end=end,
                code_ids=tags["codes"],
                question_ids=tags["questions"],
                memo=tags["memo"],
                attachment_id=None if attachment is None else attachment.pk,
                by=user,
            )
        if not call.failed:
            messages.success(request, "The excerpt is coded.")
            return redirect(reverse("evidence:evidence-detail", args=[evidence.pk]) + "#excerpts")
    heading = (
        "Code part of this evidence"
        if attachment is None
        else f"Code part of “{attachment.original_name}”"
    )
    return _tab(
        request,
        "excerpt_form.html",
        partnership,
        {**_excerpt_form_context(evidence, form, attachment), "heading": heading},
        status=400 if request.method == "POST" else 200,
    )


@coding_page
@require_http_methods(["GET", "POST"])
def excerpt_create_view(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    user = request_user(request)
    evidence = access_evidence_coding(user=user, pk=evidence_pk, action=CodingAction.EDIT)
    return _code_text(request, evidence, None)


@coding_page
@require_http_methods(["GET", "POST"])
def attachment_excerpt_create_view(
    request: HttpRequest, evidence_pk: int, attachment_pk: int
) -> HttpResponse:
    """Coding part of an attached file's text: its text is read the first time."""
    attachment = access_attachment_coding(
        user=request_user(request),
        evidence_pk=evidence_pk,
        attachment_pk=attachment_pk,
        action=CodingAction.EDIT,
    )
    attachment = attachment_text_read(attachment=attachment)
    return _code_text(request, attachment.evidence, attachment)


@coding_page
@require_http_methods(["GET", "POST"])
def excerpt_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    excerpt = access_excerpt(user=user, pk=pk, action=CodingAction.EDIT)
    evidence = excerpt.evidence
    partnership = evidence.partnership
    form = ExcerptTagsForm(
        posted(request),
        codes=codebook_codes(partnership=partnership),
        questions=codebook_questions(partnership=partnership),
        initial={
            "codes": [c.pk for c in excerpt.codes.all()],
            "questions": [q.pk for q in excerpt.questions.all()],
            "memo": excerpt.memo,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            excerpt_update(excerpt=excerpt, fields=form.tag_fields(), by=user)
        if not call.failed:
            messages.success(request, "The excerpt is changed.")
            return redirect(reverse("evidence:evidence-detail", args=[evidence.pk]) + "#excerpts")
    return _tab(
        request,
        "excerpt_change.html",
        partnership,
        {"excerpt": excerpt, "evidence": evidence, "form": form, "heading": "Change an excerpt"},
        status=400 if request.method == "POST" else 200,
    )


@coding_page
@require_http_methods(["GET", "POST"])
def excerpt_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    excerpt = access_excerpt(user=user, pk=pk, action=CodingAction.EDIT)
    evidence = excerpt.evidence
    if request.method == "POST":
        excerpt_delete(excerpt=excerpt, by=user)
        messages.success(request, "The excerpt is deleted. The evidence itself is unchanged.")
        return redirect(reverse("evidence:evidence-detail", args=[evidence.pk]) + "#excerpts")
    return _tab(
        request,
        "excerpt_delete.html",
        evidence.partnership,
        {"excerpt": excerpt, "evidence": evidence, "heading": "Delete an excerpt"},
    )


urlpatterns: list[URLPattern] = [
    path("partnerships/<id:partnership_pk>/codebook/", codebook_view, name="codebook"),
    path(
        "partnerships/<id:partnership_pk>/codebook/export.csv",
        codebook_export_view,
        name="codebook-export",
    ),
    path(
        "partnerships/<id:partnership_pk>/codebook/export.qdpx",
        codebook_qdpx_view,
        name="codebook-qdpx",
    ),
    path("codes/<id:pk>/", code_detail_view, name="code-detail"),
    path("codes/<id:pk>/merge/", code_merge_view, name="code-merge"),
    path("codes/<id:pk>/delete/", code_delete_view, name="code-delete"),
    path("evidence/<id:evidence_pk>/excerpts/new/", excerpt_create_view, name="excerpt-create"),
    path(
        "evidence/<id:evidence_pk>/files/<id:attachment_pk>/excerpts/new/",
        attachment_excerpt_create_view,
        name="attachment-excerpt-create",
    ),
    path("excerpts/<id:pk>/", excerpt_update_view, name="excerpt-update"),
    path("excerpts/<id:pk>/delete/", excerpt_delete_view, name="excerpt-delete"),
]
