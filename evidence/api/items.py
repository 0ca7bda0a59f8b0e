"""API v1: evidence items, their files, the coverage map, CSV import and export.

Each endpoint calls one gateway first (so outsiders get 404 before anything else, even
for bad input), then parses the input, then calls one service or selector.
"""

from collections.abc import Mapping
from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access import (
    Contribution,
    EvidenceAction,
    access_attachment,
    access_contribution,
    access_contribution_choices,
    access_evidence,
    access_evidence_partnership,
    access_new_evidence_party,
    access_own_evidence,
)
from evidence.api.item_serializers import (
    CoverageSerializer,
    EvidenceDetailSerializer,
    EvidenceFilterSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    ImportInputSerializer,
    ImportRejectedSerializer,
    ImportResultSerializer,
    VisibilityQuerySerializer,
    VisibleToSerializer,
    listed_evidence,
)
from evidence.csv_import import ImportRejected, clean_rows, export_rows, template_csv
from evidence.http import attachment_response, csv_response
from evidence.models import Evidence
from evidence.selectors import (
    evidence_coverage,
    evidence_links,
    evidence_list_rows,
    evidence_own,
    evidence_sharing,
    new_evidence_readers,
    parties_left_with_evidence,
)
from evidence.services import evidence_delete, evidence_import, evidence_submit, evidence_update
from evidence.visibility import visible_to_json
from learnhub.api import BAD_INPUT, refusal
from learnhub.inputs import JSONParser, as_id

NOT_FOUND = refusal(
    serializer=EvidenceDetailSerializer,
    description="No such partnership or item, or it is not shared with you.",
)
FORBIDDEN = refusal(
    serializer=EvidenceDetailSerializer,
    description="You may see this but not do it; `detail` says why (for example, which "
    "consent is missing and who can give it).",
)
CONFLICT = refusal(serializer=EvidenceDetailSerializer, description="The partnership is closed.")
CSV_FILE = OpenApiResponse(OpenApiTypes.STR, description="A CSV file (UTF-8).")


class CSVRenderer(BaseRenderer):
    """Lets clients ask for ``text/csv``; errors on these endpoints are rendered as text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, dict) and "detail" in data:
            return str(data["detail"]).encode()
        return b"" if data is None else str(data).encode()


def _party_param(request: Request) -> int | None:
    return as_id(request.data.get("party")) if hasattr(request.data, "get") else None


def _contribution(request: Request, pk: int) -> Contribution:
    """Outsiders 404, parties that may not add evidence 403 — before the body is read."""
    user = request_user(request)
    access_contribution_choices(user=user, partnership_pk=pk)
    return access_contribution(user=user, partnership_pk=pk, party_id=_party_param(request))


def _one(request: Request, pk: int) -> dict[str, Any]:
    user = request_user(request)
    evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.VIEW)
    sharing = evidence_sharing(user=user, partnership=evidence.partnership)
    return EvidenceSerializer(evidence, context={"sharing": sharing}).data


class EvidenceListView(GenericAPIView[Evidence]):
    serializer_class = EvidenceSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="partnerships_evidence_list",
        parameters=[EvidenceFilterSerializer],
        responses={200: EvidenceSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_evidence_partnership(user=user, partnership_pk=pk)
        filters = EvidenceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        sharing = evidence_sharing(user=user, partnership=partnership)
        rows = evidence_list_rows(
            user=user, partnership=partnership, sharing=sharing, **filters.validated_data
        )
        page = self.paginate_queryset(rows)
        links = evidence_links(ids=[row["id"] for row in page or []])
        return self.get_paginated_response(listed_evidence(page or [], links, sharing))

    @extend_schema(
        operation_id="partnerships_evidence_create",
        request={
            "application/json": EvidenceInputSerializer,
            "multipart/form-data": EvidenceInputSerializer,
        },
        responses={
            201: EvidenceSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        contribution = _contribution(request, pk)
        incoming = EvidenceInputSerializer(
            data=request.data, context={"partnership": contribution.partnership}
        )
        incoming.is_valid(raise_exception=True)
        evidence = evidence_submit(
            partnership=contribution.partnership,
            party=contribution.party,
            by=user,
            item=incoming.validated_data["item"],
            session_id=incoming.validated_data["session"],
        )
        return Response(_one(request, evidence.pk), status=status.HTTP_201_CREATED)


class EvidenceDetailView(GenericAPIView[Evidence]):
    serializer_class = EvidenceSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="evidence_retrieve",
        responses={200: EvidenceSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(request, pk))

    @extend_schema(
        operation_id="evidence_partial_update",
        request={
            "application/json": EvidenceUpdateSerializer,
            "multipart/form-data": EvidenceUpdateSerializer,
        },
        responses={
            200: EvidenceSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.CHANGE)
        incoming = EvidenceUpdateSerializer(
            data=request.data,
            partial=True,
            context={"partnership": evidence.partnership, "evidence": evidence},
        )
        incoming.is_valid(raise_exception=True)
        evidence_update(evidence=evidence, by=user, item=incoming.validated_data["item"])
        return Response(_one(request, pk))

    @extend_schema(
        operation_id="evidence_destroy",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.CHANGE)
        evidence_delete(evidence=evidence, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentView(GenericAPIView[Evidence]):
    serializer_class = EvidenceDetailSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="evidence_attachments_retrieve",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as a download, with the content type it was checked to be.",
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int, attachment_pk: int) -> Any:
        attachment = access_attachment(
            user=request_user(request),
            evidence_pk=pk,
            attachment_pk=attachment_pk,
            action=EvidenceAction.VIEW,
        )
        return attachment_response(attachment)


class CoverageView(GenericAPIView[Evidence]):
    serializer_class = CoverageSerializer

    @extend_schema(
        operation_id="partnerships_evidence_coverage",
        responses={200: CoverageSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_evidence_partnership(user=user, partnership_pk=pk)
        return Response(
            CoverageSerializer(evidence_coverage(user=user, partnership=partnership)).data
        )


class VisibilityView(GenericAPIView[Evidence]):
    serializer_class = VisibleToSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        operation_id="partnerships_evidence_visibility",
        description="Who would be able to read a new evidence item of `party` if it were "
        "added now, and why, from that party's current consent (the same shape as an "
        "item's `visible_to`). People in a party ask about their own party (`party` is "
        "needed only when they are in more than one); people in the learning partner "
        "about any party.",
        parameters=[VisibilityQuerySerializer],
        responses={
            200: VisibleToSerializer(many=True),
            400: BAD_INPUT,
            403: refusal(
                serializer=EvidenceDetailSerializer,
                description="You asked about another party's evidence and are not in the "
                "learning partner.",
            ),
            404: refusal(
                serializer=EvidenceDetailSerializer,
                description="No such partnership, or `party` is not a party taking part in it.",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_evidence_partnership(user=user, partnership_pk=pk)
        query = VisibilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        party = access_new_evidence_party(
            user=user, partnership=partnership, party_id=query.validated_data.get("party")
        )
        readers = new_evidence_readers(user=user, partnership=partnership, party=party)
        return Response(visible_to_json(readers))


class ExportView(GenericAPIView[Evidence]):
    serializer_class = EvidenceDetailSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="partnerships_evidence_export",
        description="The evidence your organisations submitted to the partnership, also "
        "after they left it or were removed from it.",
        responses={(200, "text/csv"): CSV_FILE, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Any:
        user = request_user(request)
        partnership = access_own_evidence(user=user, partnership_pk=pk)
        items = evidence_own(user=user, partnership=partnership)
        return csv_response(export_rows(items.iterator(chunk_size=200)), f"evidence-{pk}.csv")


class LeftPartnershipSerializer(serializers.Serializer[Any]):
    partnership = serializers.SerializerMethodField()
    party = serializers.IntegerField(source="pk")
    organisation = serializers.SerializerMethodField()
    left_at = serializers.DateTimeField(source="responded_at", allow_null=True)
    evidence_count = serializers.IntegerField()
    export = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_partnership(self, party: Any) -> dict[str, Any]:
        return {"id": party.partnership_id, "title": party.partnership.title}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_organisation(self, party: Any) -> dict[str, Any]:
        return {"id": party.organisation_id, "name": party.organisation.name}

    def get_export(self, party: Any) -> str:
        return reverse("api:partnership-evidence-export", kwargs={"pk": party.partnership_id})


class LeftPartnershipsView(GenericAPIView[Any]):
    """Partnerships the caller's organisations left (or were removed from) after adding
    evidence, each with the address that still exports that evidence."""

    serializer_class = LeftPartnershipSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="me_left_partnerships_list",
        responses={200: LeftPartnershipSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(parties_left_with_evidence(user=request_user(request)))
        return self.get_paginated_response(LeftPartnershipSerializer(page, many=True).data)


class ImportTemplateView(GenericAPIView[Evidence]):
    serializer_class = EvidenceDetailSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="partnerships_evidence_import_template",
        responses={(200, "text/csv"): CSV_FILE, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Any:
        access_evidence_partnership(user=request_user(request), partnership_pk=pk)
        return csv_response([template_csv()], "evidence-template.csv")


class ImportView(GenericAPIView[Evidence]):
    serializer_class = ImportInputSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="partnerships_evidence_import",
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(
                ImportRejectedSerializer,
                description="Nothing was imported; `problems` lists each one by row "
                "(and `rows` or `file` as plain messages).",
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        contribution = _contribution(request, pk)
        incoming = ImportInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            items = clean_rows(
                incoming.validated_data["file"], partnership=contribution.partnership
            )
        except ImportRejected as rejected:
            count = len(rejected.problems)
            body = {
                **rejected.message_dict,
                "detail": f"Nothing was imported. Fix the {count} "
                f"problem{'s' if count != 1 else ''} below and upload the file again.",
                "problems": [
                    {"row": p.row, "column": p.column, "message": p.message}
                    for p in rejected.problems
                ],
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        created = evidence_import(
            partnership=contribution.partnership, party=contribution.party, by=user, items=items
        )
        return Response(
            {"created": len(created), "ids": [evidence.pk for evidence in created]},
            status=status.HTTP_201_CREATED,
        )


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/<id:pk>/evidence/",
        EvidenceListView.as_view(),
        name="partnership-evidence",
    ),
    path(
        "partnerships/<id:pk>/evidence/coverage/",
        CoverageView.as_view(),
        name="partnership-evidence-coverage",
    ),
    path(
        "partnerships/<id:pk>/evidence/visibility/",
        VisibilityView.as_view(),
        name="partnership-evidence-visibility",
    ),
    path(
        "partnerships/<id:pk>/evidence/export.csv",
        ExportView.as_view(),
        name="partnership-evidence-export",
    ),
    path("me/left-partnerships/", LeftPartnershipsView.as_view(), name="me-left-partnerships"),
    path(
        "partnerships/<id:pk>/evidence/import/",
        ImportView.as_view(),
        name="partnership-evidence-import",
    ),
    path(
        "partnerships/<id:pk>/evidence/import/template.csv",
        ImportTemplateView.as_view(),
        name="partnership-evidence-import-template",
    ),
    path("evidence/<id:pk>/", EvidenceDetailView.as_view(), name="evidence-detail"),
    path(
        "evidence/<id:pk>/attachments/<id:attachment_pk>/",
        AttachmentView.as_view(),
        name="evidence-attachment",
    ),
]
