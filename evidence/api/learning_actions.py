"""API v1: learning actions (what a party will change, or changed, because of what was
learned). Each endpoint calls one gateway first, then parses the input, then calls one
service or selector."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.briefs import ActionAccess, access_action_party, access_learning_action
from evidence.api.briefs import FORBIDDEN, NOT_FOUND
from evidence.models import LearningAction
from evidence.selectors.briefs import briefs_for_actions, learning_actions_of
from evidence.services.learning_actions import learning_action_create, learning_action_update
from learnhub.api import BAD_INPUT
from learnhub.inputs import IdField
from partnerships.access import PartnershipAction, access_partnership

# --- Serializers ------------------------------------------------------------------------------


class LearningActionSerializer(serializers.ModelSerializer[LearningAction]):
    class Meta:
        model = LearningAction
        fields = (
            "id",
            "partnership",
            "party",
            "brief",
            "description",
            "status",
            "outcome",
            "done_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class LearningActionCreateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(trim_whitespace=False, allow_blank=True)
    party = IdField()
    brief = IdField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=LearningAction.Status.choices, default=LearningAction.Status.PLANNED
    )
    outcome = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class LearningActionUpdateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    status = serializers.ChoiceField(choices=LearningAction.Status.choices, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed."] for name in sorted(unknown)}
            )
        return attrs


# --- Views ------------------------------------------------------------------------------------


class PartnershipActionListView(GenericAPIView[LearningAction]):
    serializer_class = LearningActionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_actions_list",
        responses={200: LearningActionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        page = self.paginate_queryset(learning_actions_of(partnership=partnership))
        return self.get_paginated_response(LearningActionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="partnerships_actions_create",
        request=LearningActionCreateSerializer,
        responses={201: LearningActionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
        incoming = LearningActionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        party = access_action_party(user=user, partnership=partnership, party_id=data["party"])
        brief = None
        if data.get("brief") is not None:
            brief = (
                briefs_for_actions(user=user, partnership=partnership)
                .filter(pk=data["brief"])
                .first()
            )
            if brief is None:
                return Response(
                    {"brief": ["Choose a brief of this partnership that you can read."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        action = learning_action_create(
            partnership=partnership,
            party=party,
            by=user,
            description=data["description"],
            status=data["status"],
            outcome=data.get("outcome", ""),
            brief=brief,
        )
        return Response(LearningActionSerializer(action).data, status=status.HTTP_201_CREATED)


class LearningActionDetailView(GenericAPIView[LearningAction]):
    serializer_class = LearningActionSerializer

    @extend_schema(
        operation_id="actions_retrieve",
        responses={200: LearningActionSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        action = access_learning_action(user=request_user(request), pk=pk, action=ActionAccess.VIEW)
        return Response(LearningActionSerializer(action).data)

    @extend_schema(
        operation_id="actions_partial_update",
        request=LearningActionUpdateSerializer,
        responses={200: LearningActionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        action = access_learning_action(user=user, pk=pk, action=ActionAccess.CHANGE)
        incoming = LearningActionUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        action = learning_action_update(action=action, by=user, **incoming.validated_data)
        return Response(LearningActionSerializer(action).data)


_P = "partnerships/<id:pk>/"

urlpatterns: list[URLPattern] = [
    path(f"{_P}actions/", PartnershipActionListView.as_view(), name="partnership-actions"),
    path("actions/<id:pk>/", LearningActionDetailView.as_view(), name="action-detail"),
]
