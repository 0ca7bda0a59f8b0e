"""API v1: the codebook, excerpts and the code matrices. Each endpoint calls one gateway
first, then parses the input, then calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.coding import (
    CodingAction,
    access_code,
    access_codebook,
    access_evidence_coding,
    access_excerpt,
)
from evidence.extraction import TEXT_MAX
from evidence.models import Code, Excerpt
from evidence.models.coding import CODE_DESCRIPTION_MAX, CODE_NAME_MAX, MEMO_MAX
from evidence.selectors.coding import (
    code_matrix,
    codebook_code,
    codes_of,
    excerpts_of_item,
    excerpts_visible_to,
)
from evidence.services.coding import (
    TAGS_MAX,
    code_create,
    code_delete,
    code_merge,
    code_update,
    excerpt_create,
    excerpt_delete,
    excerpt_update,
)
from learnhub.api import BAD_INPUT, FORBIDDEN, refusal
from learnhub.inputs import IdField

PARTNERSHIP_NOT_FOUND = refusal("No such partnership, or you are not a party of it.")
CODE_NOT_FOUND = refusal("No such code, or you are not a party of its partnership.")
EVIDENCE_NOT_FOUND = refusal("No such evidence, or you may not see it.")
EXCERPT_NOT_FOUND = refusal("No such excerpt, or you may not see its evidence.")

# --- Serializers ------------------------------------------------------------------------------


class CodeSerializer(serializers.ModelSerializer[Code]):
    excerpts = serializers.SerializerMethodField(
        help_text="The ids of the excerpts coded to it that you may see."
    )
    excerpt_count = serializers.SerializerMethodField(
        help_text="How many excerpts coded to it you may see."
    )

    class Meta:
        model = Code
        fields = (
            "id",
            "name",
            "description",
            "memo",
            "parent",
            "excerpts",
            "excerpt_count",
            "created_at",
        )
        read_only_fields = fields

    def get_excerpts(self, code: Code) -> list[int]:
        return [excerpt.pk for excerpt in getattr(code, "visible_excerpts", [])]

    def get_excerpt_count(self, code: Code) -> int:
        return int(getattr(code, "excerpt_count", 0))


class CodeInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=CODE_NAME_MAX, allow_blank=True)
    description = serializers.CharField(
        max_length=CODE_DESCRIPTION_MAX, allow_blank=True, required=False
    )
    memo = serializers.CharField(max_length=MEMO_MAX, allow_blank=True, required=False)
    # REST framework collects declared fields by name, so a field called ``parent`` is
    # fine at run time; its stubs type ``Serializer.parent`` as the enclosing serializer.
    parent = IdField(required=False, allow_null=True)  # type: ignore[assignment]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This is not a field of a code."] for name in sorted(unknown)}
            )
        return attrs


class MergeSerializer(serializers.Serializer[Any]):
    into = IdField(help_text="The code to merge this one into.")


class ExcerptSerializer(serializers.ModelSerializer[Excerpt]):
    codes = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField(
        help_text="The item's text at these offsets no longer reads as the excerpt's text."
    )

    class Meta:
        model = Excerpt
        fields = (
            "id",
            "evidence",
            "attachment",
            "start",
            "end",
            "text",
            "codes",
            "questions",
            "memo",
            "stale",
            "author",
            "created_at",
        )
        read_only_fields = fields

    def get_codes(self, excerpt: Excerpt) -> list[int]:
        return [code.pk for code in excerpt.codes.all()]

    def get_questions(self, excerpt: Excerpt) -> list[int]:
        return [question.pk for question in excerpt.questions.all()]

    def get_stale(self, excerpt: Excerpt) -> bool:
        return bool(getattr(excerpt, "stale", False))


class ExcerptInputSerializer(serializers.Serializer[Any]):
    attachment = IdField(
        required=False,
        allow_null=True,
        help_text="A file attached to the item: the offsets count in its text, not the "
        "item's. Only when the excerpt is made.",
    )
    start = serializers.IntegerField(min_value=0, max_value=TEXT_MAX)
    end = serializers.IntegerField(min_value=1, max_value=TEXT_MAX)
    codes = serializers.ListField(child=IdField(), max_length=TAGS_MAX)
    questions = serializers.ListField(child=IdField(), max_length=TAGS_MAX, required=False)
    memo = serializers.CharField(max_length=MEMO_MAX, allow_blank=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This is not a field of an excerpt."] for name in sorted(unknown)}
            )
        return attrs


class ExcerptFilterSerializer(serializers.Serializer[Any]):
    code = IdField(required=False, help_text="Only excerpts coded to this code.")


class MatrixQuerySerializer(serializers.Serializer[Any]):
    by = serializers.ChoiceField(
        choices=("party", "question"),
        default="party",
        help_text="The columns: the parties whose evidence it is, or the research questions.",
    )


MATRIX = inline_serializer(
    "CodeMatrix",
    {
        "by": serializers.ChoiceField(choices=("party", "question")),
        "codes": inline_serializer(
            "CodeMatrixCode",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "parent": serializers.IntegerField(allow_null=True),
            },
            many=True,
        ),
        "columns": inline_serializer(
            "CodeMatrixColumn",
            {
                "id": serializers.IntegerField(),
                "label": serializers.CharField(),
                "kind": serializers.CharField(),
            },
            many=True,
        ),
        "counts": serializers.ListField(
            child=serializers.ListField(child=serializers.IntegerField())
        ),
    },
)

# --- Views ------------------------------------------------------------------------------------


class PartnershipCodeListView(GenericAPIView[Code]):
    serializer_class = CodeSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_codes_list",
        responses={200: CodeSerializer(many=True), 404: PARTNERSHIP_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_codebook(user=user, pk=pk, action=CodingAction.VIEW)
        page = self.paginate_queryset(codes_of(user=user, partnership=partnership))
        return self.get_paginated_response(CodeSerializer(page, many=True).data)

    @extend_schema(
        operation_id="partnerships_codes_create",
        request=CodeInputSerializer,
        responses={
            201: CodeSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: PARTNERSHIP_NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_codebook(user=user, pk=pk, action=CodingAction.EDIT)
        incoming = CodeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        code = code_create(
            partnership=partnership,
            name=data["name"],
            description=data.get("description", ""),
            memo=data.get("memo", ""),
            parent_id=data.get("parent"),
            by=user,
        )
        code = codes_of(user=user, partnership=partnership).get(pk=code.pk)
        return Response(CodeSerializer(code).data, status=status.HTTP_201_CREATED)


class CodeDetailView(GenericAPIView[Code]):
    serializer_class = CodeSerializer

    def _read(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        code = access_code(user=user, pk=pk, action=CodingAction.VIEW)
        return Response(
            CodeSerializer(codes_of(user=user, partnership=code.partnership).get(pk=pk)).data
        )

    @extend_schema(
        operation_id="codes_retrieve", responses={200: CodeSerializer, 404: CODE_NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        return self._read(request, pk)

    @extend_schema(
        operation_id="codes_partial_update",
        request=CodeInputSerializer(partial=True),
        responses={200: CodeSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: CODE_NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        code = access_code(user=user, pk=pk, action=CodingAction.EDIT)
        incoming = CodeInputSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        code_update(code=code, fields=dict(incoming.validated_data), by=user)
        return self._read(request, pk)

    @extend_schema(
        operation_id="codes_destroy",
        responses={204: None, 403: FORBIDDEN, 404: CODE_NOT_FOUND},
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        code = access_code(user=user, pk=pk, action=CodingAction.EDIT)
        code_delete(code=code, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CodeMergeView(GenericAPIView[Code]):
    serializer_class = CodeSerializer

    @extend_schema(
        operation_id="codes_merge",
        request=MergeSerializer,
        responses={200: CodeSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: CODE_NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        code = access_code(user=user, pk=pk, action=CodingAction.EDIT)
        incoming = MergeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        into = code_merge(code=code, into_id=incoming.validated_data["into"], by=user)
        return Response(
            CodeSerializer(codes_of(user=user, partnership=code.partnership).get(pk=into.pk)).data
        )


class EvidenceExcerptListView(GenericAPIView[Excerpt]):
    serializer_class = ExcerptSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="evidence_excerpts_list",
        responses={200: ExcerptSerializer(many=True), 404: EVIDENCE_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        evidence = access_evidence_coding(
            user=request_user(request), pk=pk, action=CodingAction.VIEW
        )
        page = self.paginate_queryset(excerpts_of_item(evidence=evidence))
        return self.get_paginated_response(ExcerptSerializer(page, many=True).data)

    @extend_schema(
        operation_id="evidence_excerpts_create",
        request=ExcerptInputSerializer,
        responses={
            201: ExcerptSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: EVIDENCE_NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        evidence = access_evidence_coding(user=user, pk=pk, action=CodingAction.EDIT)
        incoming = ExcerptInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        excerpt = excerpt_create(
            evidence=evidence,
            start=data["start"],
            end=data["end"],
            code_ids=data["codes"],
            question_ids=data.get("questions", []),
            memo=data.get("memo", ""),
            attachment_id=data.get("attachment"),
            by=user,
        )
        excerpt = excerpts_of_item(evidence=evidence).get(pk=excerpt.pk)
        return Response(ExcerptSerializer(excerpt).data, status=status.HTTP_201_CREATED)


class ExcerptDetailView(GenericAPIView[Excerpt]):
    serializer_class = ExcerptSerializer

    @extend_schema(
        operation_id="excerpts_retrieve",
        responses={200: ExcerptSerializer, 404: EXCERPT_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        excerpt = access_excerpt(user=request_user(request), pk=pk, action=CodingAction.VIEW)
        return Response(ExcerptSerializer(excerpt).data)

    @extend_schema(
        operation_id="excerpts_partial_update",
        request=ExcerptInputSerializer(partial=True),
        responses={200: ExcerptSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: EXCERPT_NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        excerpt = access_excerpt(user=user, pk=pk, action=CodingAction.EDIT)
        incoming = ExcerptInputSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        excerpt_update(excerpt=excerpt, fields=dict(incoming.validated_data), by=user)
        excerpt = access_excerpt(user=user, pk=pk, action=CodingAction.VIEW)
        return Response(ExcerptSerializer(excerpt).data)

    @extend_schema(
        operation_id="excerpts_destroy",
        responses={204: None, 403: FORBIDDEN, 404: EXCERPT_NOT_FOUND},
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        excerpt = access_excerpt(user=user, pk=pk, action=CodingAction.EDIT)
        excerpt_delete(excerpt=excerpt, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartnershipExcerptListView(GenericAPIView[Excerpt]):
    serializer_class = ExcerptSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_excerpts_list",
        parameters=[ExcerptFilterSerializer],
        responses={200: ExcerptSerializer(many=True), 400: BAD_INPUT, 404: PARTNERSHIP_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_codebook(user=user, pk=pk, action=CodingAction.VIEW)
        query = ExcerptFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = None
        code_id = query.validated_data.get("code")
        if code_id is not None:
            code = codebook_code(partnership=partnership, pk=code_id)
            if code is None:
                raise serializers.ValidationError(
                    {"code": ["Choose a code of this partnership’s codebook."]}
                )
        excerpts = excerpts_visible_to(user=user, partnership=partnership, code=code)
        page = self.paginate_queryset(excerpts)
        return self.get_paginated_response(ExcerptSerializer(page, many=True).data)


class CodeMatrixView(GenericAPIView[Code]):
    serializer_class = CodeSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_code_matrix",
        parameters=[MatrixQuerySerializer],
        responses={200: MATRIX, 400: BAD_INPUT, 404: PARTNERSHIP_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_codebook(user=user, pk=pk, action=CodingAction.VIEW)
        query = MatrixQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matrix = code_matrix(user=user, partnership=partnership, by=query.validated_data["by"])
        return Response(
            {
                "by": matrix.by,
                "codes": [
                    {"id": c.pk, "name": c.name, "parent": c.parent_id} for c in matrix.codes
                ],
                "columns": [
                    {"id": col.id, "label": col.label, "kind": col.kind} for col in matrix.columns
                ],
                "counts": matrix.counts,
            }
        )


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/<id:pk>/codes/", PartnershipCodeListView.as_view(), name="partnership-codes"
    ),
    path("codes/<id:pk>/", CodeDetailView.as_view(), name="code-detail"),
    path("codes/<id:pk>/merge/", CodeMergeView.as_view(), name="code-merge"),
    path("evidence/<id:pk>/excerpts/", EvidenceExcerptListView.as_view(), name="evidence-excerpts"),
    path("excerpts/<id:pk>/", ExcerptDetailView.as_view(), name="excerpt-detail"),
    path(
        "partnerships/<id:pk>/excerpts/",
        PartnershipExcerptListView.as_view(),
        name="partnership-excerpts",
    ),
    path(
        "partnerships/<id:pk>/code-matrix/",
        CodeMatrixView.as_view(),
        name="partnership-code-matrix",
    ),
]
