"""API v1 of the grants app: importing 360Giving files, searching grants, and the grants
most like a partnership's work. Each endpoint calls one gateway, then one service or
selector."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from grants.access import access_grant_import
from grants.models import GrantImport
from grants.selectors import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    grant_imports_of,
    grants_search,
    grants_similar_to,
    with_reasons,
)
from grants.services import grant_import_start
from learnhub.api import BAD_INPUT, FORBIDDEN, refusal
from partnerships.access import PartnershipAction, access_partnership

NOT_FOUND = refusal("No such import, or it is not yours.")
NO_PARTNERSHIP = refusal("No such partnership, or you are not a party to it.")

# --- Serializers ---------------------------------------------------------------------------


class GrantImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="A 360Giving file: a JSON package, or CSV or Excel (.xlsx) with the "
        "standard's column titles."
    )


class RowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="The row (grant) number as the file shows it.")
    message = serializers.CharField()


class GrantImportSerializer(serializers.ModelSerializer[GrantImport]):
    # The contract's name; REST framework's metaclass takes declared fields out of the class,
    # so this never hides ``Serializer.errors``, which the stubs cannot know.
    errors = RowErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = GrantImport
        fields = (
            "id",
            "status",
            "file_name",
            "rows",
            "imported",
            "errors",
            "message",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields


class GrantMatchSerializer(serializers.Serializer[Any]):
    identifier = serializers.CharField(source="grant.identifier")
    title = serializers.CharField(source="grant.title")
    description = serializers.CharField(source="grant.description")
    recipient = serializers.CharField(source="grant.recipient_name")
    funder = serializers.CharField(source="grant.funder_name")
    amount_awarded = serializers.DecimalField(
        source="grant.amount_awarded", max_digits=16, decimal_places=2
    )
    currency = serializers.CharField(source="grant.currency")
    award_date = serializers.DateField(source="grant.award_date")
    score = serializers.FloatField(help_text="How well it matched: higher is better.")
    reason = serializers.CharField(help_text='The words it shares, e.g. "Shares: respite, Leeds".')


class SearchInputSerializer(serializers.Serializer[Any]):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_CHARS,
        default="",
        help_text="Words each grant found holds.",
    )


class SimilarInputSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_CHARS,
        default="",
        help_text="Keep only grants that also hold every one of these words.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text="How many grants, best first.",
    )


# --- Views ---------------------------------------------------------------------------------


class GrantImportListView(GenericAPIView[GrantImport]):
    serializer_class = GrantImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="grants_imports_list",
        responses={200: GrantImportSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(grant_imports_of(user=request_user(request)))
        return self.get_paginated_response(GrantImportSerializer(page, many=True).data)

    @extend_schema(
        operation_id="grants_imports_create",
        request={"multipart/form-data": GrantImportInputSerializer},
        responses={
            202: GrantImportSerializer,
            400: BAD_INPUT,
            403: refusal("Only operators and admins of funder organisations import grants."),
        },
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        incoming = GrantImportInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        grant_import = grant_import_start(by=user, upload=incoming.validated_data["file"])
        grant_import.refresh_from_db()
        return Response(GrantImportSerializer(grant_import).data, status=status.HTTP_202_ACCEPTED)


class GrantImportDetailView(GenericAPIView[GrantImport]):
    serializer_class = GrantImportSerializer

    @extend_schema(
        operation_id="grants_imports_retrieve",
        responses={200: GrantImportSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        grant_import = access_grant_import(user=request_user(request), pk=pk)
        return Response(GrantImportSerializer(grant_import).data)


class GrantSearchView(GenericAPIView[Any]):
    serializer_class = GrantMatchSerializer

    @extend_schema(
        operation_id="grants_list",
        parameters=[SearchInputSerializer],
        responses={200: GrantMatchSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        incoming = SearchInputSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        text = incoming.validated_data["search"]
        page = self.paginate_queryset(grants_search(text=text))
        matches = with_reasons(list(page or []), text=text)
        return self.get_paginated_response(GrantMatchSerializer(matches, many=True).data)


class SimilarGrantsView(GenericAPIView[Any]):
    serializer_class = GrantMatchSerializer
    pagination_class = None

    @extend_schema(
        operation_id="partnerships_similar_grants",
        parameters=[SimilarInputSerializer],
        responses={
            200: GrantMatchSerializer(many=True),
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NO_PARTNERSHIP,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        incoming = SimilarInputSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        matches = grants_similar_to(
            partnership=partnership,
            q=incoming.validated_data["q"],
            limit=incoming.validated_data["limit"],
        )
        return Response(GrantMatchSerializer(matches, many=True).data)


urlpatterns: list[URLPattern] = [
    path("grants/", GrantSearchView.as_view(), name="grant-list"),
    path("grants/imports/", GrantImportListView.as_view(), name="grant-import-list"),
    path("grants/imports/<id:pk>/", GrantImportDetailView.as_view(), name="grant-import-detail"),
    path(
        "partnerships/<id:pk>/similar-grants/",
        SimilarGrantsView.as_view(),
        name="partnership-similar-grants",
    ),
]
