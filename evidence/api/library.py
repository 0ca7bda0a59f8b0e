"""API v1: the library of published learning (every published brief of the caller's
partnerships, searchable) and the research questions that recur across a funder's
partnerships. Rows come from ``evidence.selectors.library``, which reads each brief as
its own page does, so a withdrawal shows at once."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.library import access_funder_organisation
from evidence.models import InsightBrief
from evidence.periods import EARLIEST_DAY, LATEST_DAY
from evidence.selectors.library import (
    LibraryFilters,
    LibraryRow,
    QuestionGroup,
    library_for,
    recurring_questions,
)
from learnhub.api import BAD_INPUT, refusal
from learnhub.inputs import IdField


class LibraryQuerySerializer(serializers.Serializer[Any]):
    """Filters of the library (query parameters)."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to look for in the brief's title and in what you may read of it.",
    )
    partnership = IdField(required=False, help_text="Only this partnership's briefs.")
    year = serializers.IntegerField(
        required=False,
        min_value=EARLIEST_DAY.year,
        max_value=LATEST_DAY.year,
        help_text="Only briefs whose period falls (at least in part) in this year.",
    )
    question = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to look for in the research questions the brief reports on.",
    )


class PartnershipRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


class LibraryBriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="“Insight brief: 1 to 31 October 2026”.")
    partnership = PartnershipRefSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField(
        allow_blank=True,
        help_text="The brief's first finding as you may read it now (else the first line "
        "of its “so what?”).",
    )
    url = serializers.URLField(help_text="The brief's web page.")


def library_row_data(row: LibraryRow, request: Request) -> dict[str, Any]:
    return {
        "id": row.brief.pk,
        "title": row.title,
        "partnership": {"id": row.partnership.pk, "title": row.partnership.title},
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "summary": row.summary,
        "url": request.build_absolute_uri(reverse("evidence:brief-detail", args=[row.brief.pk])),
    }


class LibraryView(GenericAPIView[InsightBrief]):
    serializer_class = LibraryBriefSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="briefs_library",
        parameters=[LibraryQuerySerializer],
        responses={200: LibraryBriefSerializer(many=True), 400: BAD_INPUT},
        description="The published briefs of every partnership you take part in, newest "
        "first. Drafts, and partnerships your organisation left, never appear.",
    )
    def get(self, request: Request) -> Response:
        query = LibraryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        library = library_for(
            user=request_user(request), filters=LibraryFilters(**query.validated_data)
        )
        page = self.paginate_queryset(library)
        return self.get_paginated_response([library_row_data(row, request) for row in page or []])


class RecurringQuerySerializer(serializers.Serializer[Any]):
    organisation = IdField(
        required=False,
        help_text="One of your funder organisations (by default the first, by name).",
    )


class QuestionAskedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=["proposed", "agreed", "contested"])
    partnership = PartnershipRefSerializer()
    url = serializers.URLField(help_text="The partnership's research questions page.")


class QuestionGroupSerializer(serializers.Serializer[Any]):
    words = serializers.ListField(
        child=serializers.CharField(), help_text="The words the group's questions share."
    )
    partnerships = serializers.IntegerField(help_text="How many partnerships ask it.")
    questions = QuestionAskedSerializer(many=True)
    briefs = LibraryBriefSerializer(
        many=True, help_text="Published briefs you may read that report evidence about it."
    )


def group_data(group: QuestionGroup, request: Request) -> dict[str, Any]:
    return {
        "words": group.words,
        "partnerships": group.partnerships,
        "questions": [
            {
                "id": question.id,
                "text": question.text,
                "status": question.status,
                "partnership": {"id": question.partnership.pk, "title": question.partnership.title},
                "url": request.build_absolute_uri(
                    reverse("partnerships:partnership-questions", args=[question.partnership.pk])
                ),
            }
            for question in group.questions
        ],
        "briefs": [library_row_data(row, request) for row in group.briefs],
    }


class RecurringQuestionsView(GenericAPIView[InsightBrief]):
    serializer_class = QuestionGroupSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="questions_recurring",
        parameters=[RecurringQuerySerializer],
        responses={
            200: QuestionGroupSerializer(many=True),
            400: BAD_INPUT,
            403: refusal("You are not in a funder organisation."),
            404: refusal("That is not one of your funder organisations."),
        },
        description="For a funder organisation's admins and members: the research "
        "questions (agreed, proposed and contested) of the partnerships it commissions or "
        "funds that you take part in, similar questions grouped, the groups asked by the "
        "most partnerships first.",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = RecurringQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        funder = access_funder_organisation(user=user, pk=query.validated_data.get("organisation"))
        groups = recurring_questions(user=user, organisation=funder.organisation)
        page = self.paginate_queryset(groups)
        return self.get_paginated_response([group_data(group, request) for group in page or []])


urlpatterns: list[URLPattern] = [
    path("briefs/", LibraryView.as_view(), name="brief-library"),
    path("questions/recurring/", RecurringQuestionsView.as_view(), name="questions-recurring"),
]
