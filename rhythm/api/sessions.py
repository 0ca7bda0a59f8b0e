"""API v1: learning sessions. Each endpoint calls one gateway, parses its input, then
calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from learnhub.api import BAD_INPUT, CONFLICT, FORBIDDEN, refusal
from learnhub.inputs import IdField
from rhythm.access import SessionAction, access_partnership_sessions, access_session
from rhythm.calendar import calendar_filename, session_calendar
from rhythm.models import DURATION_MAX, DURATION_MIN, LearningSession
from rhythm.selectors import sessions_visible_to
from rhythm.services import (
    PARTIES_MAX,
    PROMPT_MAX,
    PROMPTS_MAX,
    TITLE_MAX,
    session_cancel,
    session_schedule,
    session_update,
)

NOT_FOUND = refusal("No such session, or you do not attend it (nor schedule sessions here).")
PARTNERSHIP_NOT_FOUND = refusal("No such partnership, or you are not a party of it.")

# --- Serializers ------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer[LearningSession]):
    parties = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = LearningSession
        fields = (
            "id",
            "partnership",
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "parties",
            "prompts",
            "status",
            "sequence",
            "cancelled_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_parties(self, session: LearningSession) -> list[int]:
        return [party.pk for party in session.parties.all()]

    def get_status(self, session: LearningSession) -> str:
        return "cancelled" if session.cancelled else "scheduled"


class SessionInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=LearningSession.Kind.choices)
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=DURATION_MIN, max_value=DURATION_MAX)
    parties = serializers.ListField(child=IdField(), max_length=PARTIES_MAX, required=False)
    prompts = serializers.ListField(
        child=serializers.CharField(max_length=PROMPT_MAX, allow_blank=True),
        max_length=PROMPTS_MAX,
        required=False,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This is not a field of a learning session."] for name in sorted(unknown)}
            )
        return attrs


# --- Views ------------------------------------------------------------------------------------


class PartnershipSessionListView(GenericAPIView[LearningSession]):
    serializer_class = SessionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_sessions_list",
        responses={200: SessionSerializer(many=True), 404: PARTNERSHIP_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership_sessions(user=user, pk=pk, action=SessionAction.VIEW)
        sessions = sessions_visible_to(
            user=user,
            partnership=partnership,
            manager=partnership.manages_sessions,  # type: ignore[attr-defined]  # gateway-set
        )
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="partnerships_sessions_create",
        request=SessionInputSerializer,
        responses={
            201: SessionSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: PARTNERSHIP_NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership_sessions(user=user, pk=pk, action=SessionAction.MANAGE)
        incoming = SessionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        session = session_schedule(
            partnership=partnership, by=user, fields=dict(incoming.validated_data)
        )
        session = access_session(user=user, pk=session.pk, action=SessionAction.VIEW)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(GenericAPIView[LearningSession]):
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="sessions_retrieve", responses={200: SessionSerializer, 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        session = access_session(user=request_user(request), pk=pk, action=SessionAction.VIEW)
        return Response(SessionSerializer(session).data)

    @extend_schema(
        operation_id="sessions_partial_update",
        request=SessionInputSerializer(partial=True),
        responses={
            200: SessionSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        session = access_session(user=user, pk=pk, action=SessionAction.MANAGE)
        incoming = SessionInputSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        session_update(session=session, by=user, fields=dict(incoming.validated_data))
        session = access_session(user=user, pk=pk, action=SessionAction.VIEW)
        return Response(SessionSerializer(session).data)


class SessionCancelView(GenericAPIView[LearningSession]):
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="sessions_cancel",
        request=None,
        responses={200: SessionSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        session = access_session(user=user, pk=pk, action=SessionAction.MANAGE)
        session_cancel(session=session, by=user)
        session = access_session(user=user, pk=pk, action=SessionAction.VIEW)
        return Response(SessionSerializer(session).data)


class CalendarRenderer(BaseRenderer):
    """Lets a client ask for ``text/calendar``; the view answers with the file itself,
    so this renders only refusals (their ``detail`` as text)."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        detail = data.get("detail", "") if isinstance(data, dict) else ""
        return str(detail).encode()


class SessionCalendarView(GenericAPIView[LearningSession]):
    serializer_class = SessionSerializer
    renderer_classes = [JSONRenderer, CalendarRenderer]

    @extend_schema(
        operation_id="sessions_calendar",
        responses={
            (200, "text/calendar"): OpenApiResponse(
                OpenApiTypes.STR, description="An iCalendar file (RFC 5545) of the session."
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        session = access_session(user=request_user(request), pk=pk, action=SessionAction.VIEW)
        response = HttpResponse(
            session_calendar(session), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{calendar_filename(session)}"'
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/<id:pk>/sessions/",
        PartnershipSessionListView.as_view(),
        name="partnership-sessions",
    ),
    path("sessions/<id:pk>/", SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<id:pk>/cancel/", SessionCancelView.as_view(), name="session-cancel"),
    path("sessions/<id:pk>/calendar.ics", SessionCalendarView.as_view(), name="session-calendar"),
]
