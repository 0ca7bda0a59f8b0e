"""API v1: insight briefs (ask for, read, edit, publish, export); learning actions are
``evidence.api.learning_actions``.

Each endpoint calls one gateway first (outsiders get 404 before anything else, even for
bad input), then parses the input, then calls one service or selector. Brief bodies come
from ``evidence.selectors.briefs.brief_readings_for``, which never shows evidence its party
no longer consents to, even before the re-render task has run, and never shows a draft's
reader more of a party's evidence than the reader may see as raw evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.briefs import (
    BriefAction,
    access_brief,
    access_notice,
    access_partnership_briefs,
)
from evidence.findings import KINDS as FINDING_KINDS
from evidence.http import brief_export_response
from evidence.models import InsightBrief
from evidence.rendering import FORMATS, brief_data
from evidence.selectors.briefs import (
    brief_reading_for,
    brief_readings_for,
    briefs_visible_to,
)
from evidence.selectors.notices import NOTICE_STATES, NoticeStatus, notice_statuses
from evidence.services.briefs import (
    brief_acknowledge,
    brief_notify_challenged,
    brief_publish,
    brief_redraft,
    brief_request,
    brief_update,
)
from learnhub.api import BAD_INPUT, refusal
from learnhub.throttles import THROTTLED, WriteRateThrottle

NOT_FOUND = refusal("No such brief, or you may not read it (not a party, or a draft).")
FORBIDDEN = refusal("You may read this but not do it.")
CONFLICT = refusal("Not possible in the brief's state.")


# --- Serializers ------------------------------------------------------------------------------


class BriefRequestSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class ChallengeSerializer(serializers.Serializer[Any]):
    party = serializers.CharField(help_text="A party id of the partnership.")
    area = serializers.CharField(help_text='A research question id, or "*" for everything.')
    text = serializers.CharField()


class BriefUpdateSerializer(serializers.Serializer[Any]):
    so_what = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    recommendations = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    challenges = serializers.JSONField(
        required=False,
        help_text='[{"party": party id, "area": question id or "*", "text": "..."}]',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed here."] for name in sorted(unknown)}
            )
        return attrs


class QuoteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    attribution = serializers.CharField()
    evidence = serializers.IntegerField()


class FindingSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=FINDING_KINDS)
    evidence = serializers.ListField(child=serializers.IntegerField())


class ReflectionSerializer(serializers.Serializer[Any]):
    evidence = serializers.IntegerField()
    prompt = serializers.CharField(help_text="The prompt's key, such as `do_differently`.")
    # The contract's name: DRF's metaclass takes it off the class, but mypy sees it
    # override ``Field.label`` (a string).
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="How the brief names the prompt: “What we learnt”."
    )
    text = serializers.CharField()


class SeriesPointSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.CharField(allow_null=True, help_text="Null: no figure that period.")
    evidence = serializers.IntegerField(allow_null=True)


class StatisticSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_null=True, help_text="As written: `38`, `2.5`.")
    occurred_on = serializers.DateField()
    evidence = serializers.IntegerField()
    baseline = serializers.CharField(allow_null=True)
    change = serializers.CharField(allow_null=True, help_text="From the baseline: `-14`.")
    previous_value = serializers.CharField(allow_null=True)
    change_from_previous = serializers.CharField(allow_null=True)
    previous_evidence = serializers.IntegerField(allow_null=True)
    points = serializers.JSONField(help_text="Baseline, previous period and this period's values.")
    explanation = serializers.CharField(
        allow_null=True,
        help_text="What the evidence says about the figure, in whole sentences (at most 300 "
        "characters).",
    )
    series = SeriesPointSerializer(
        many=True,
        help_text="The measure's latest value in the brief's period and the five before, "
        "oldest first, from the first period with a figure.",
    )
    similar_group = serializers.IntegerField(
        allow_null=True,
        help_text="Shared by near-duplicate measures of the section (same kind of unit, "
        "similar titles), which are listed together; null when the measure has none.",
    )


class SectionSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField(allow_null=True)
    heading = serializers.CharField()
    counts = serializers.JSONField()
    findings = FindingSerializer(many=True)
    statistics = StatisticSerializer(many=True)
    quotes = QuoteSerializer(many=True)
    stories = serializers.JSONField()
    reflections = ReflectionSerializer(
        many=True,
        help_text="Prompt answers of learning logs, after action reviews and reflection "
        "sessions, under their labels (at most 4, newest first).",
    )
    working = serializers.JSONField()
    not_working = serializers.JSONField()
    themes = serializers.JSONField()
    gaps = serializers.JSONField()


class RedactionSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    items_removed = serializers.IntegerField()


class BriefSerializer(serializers.Serializer[Any]):
    """Documents the shape of ``evidence.rendering.brief_data``."""

    id = serializers.IntegerField()
    partnership = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.ChoiceField(choices=InsightBrief.Status.choices)
    sections = SectionSerializer(many=True)
    so_what = serializers.CharField()
    so_what_scaffold = serializers.CharField(
        help_text="While a draft's “so what?” is empty: a starting text (what we learned, what "
        "it means, what next) from the brief's own points, to edit and PATCH as `so_what`. "
        "Empty otherwise. Publishing with an empty `so_what` is a 409."
    )
    recommendations = serializers.CharField()
    challenges = ChallengeSerializer(many=True)
    cited_evidence = serializers.ListField(child=serializers.IntegerField())
    redactions = RedactionSerializer(many=True)
    plain_language = serializers.JSONField()
    what_changed = serializers.JSONField()
    drafted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    partial_view = serializers.BooleanField(
        help_text="A draft shown without evidence that its parties have not shared with you."
    )


# --- Briefs -----------------------------------------------------------------------------------


class PartnershipBriefListView(GenericAPIView[InsightBrief]):
    serializer_class = BriefSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "brief_requests"
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_briefs_list",
        responses={200: BriefSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership_briefs(user=user, pk=pk, action=BriefAction.VIEW)
        page = self.paginate_queryset(briefs_visible_to(user=user, partnership=partnership))
        readings = brief_readings_for(briefs=page or [], user=user)
        return self.get_paginated_response([brief_data(readings[brief.pk]) for brief in page or []])

    @extend_schema(
        operation_id="partnerships_briefs_create",
        request=BriefRequestSerializer,
        responses={
            200: OpenApiResponse(BriefSerializer, description="That period's brief exists."),
            202: OpenApiResponse(BriefSerializer, description="Made; a task is drafting it."),
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership_briefs(user=user, pk=pk, action=BriefAction.REQUEST)
        incoming = BriefRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        brief, created = brief_request(
            partnership=partnership,
            period_start=incoming.validated_data["period_start"],
            period_end=incoming.validated_data["period_end"],
            by=user,
        )
        brief = access_brief(user=user, pk=brief.pk, action=BriefAction.VIEW)
        return Response(
            brief_data(brief_reading_for(brief=brief, user=user)),
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class BriefDetailView(GenericAPIView[InsightBrief]):
    serializer_class = BriefSerializer

    @extend_schema(operation_id="briefs_retrieve", responses={200: BriefSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.VIEW)
        return Response(brief_data(brief_reading_for(brief=brief, user=user)))

    @extend_schema(
        operation_id="briefs_partial_update",
        request=BriefUpdateSerializer,
        responses={
            200: BriefSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.EDIT)
        incoming = BriefUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        brief = brief_update(brief=brief, by=user, **incoming.validated_data)
        brief = access_brief(user=user, pk=brief.pk, action=BriefAction.VIEW)
        return Response(brief_data(brief_reading_for(brief=brief, user=user)))


class NoticeSerializer(serializers.Serializer[Any]):
    party = serializers.IntegerField()
    organisation = serializers.CharField()
    state = serializers.ChoiceField(
        choices=NOTICE_STATES,
        help_text="outdated: the challenges changed after the notice was sent.",
    )
    challenges = serializers.JSONField(help_text='[{"area", "text"}] naming the party.')
    conditions = serializers.CharField(help_text="The party's conditions for being challenged.")
    sent_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    publish_after = serializers.DateTimeField(
        allow_null=True, help_text="When publishing may go ahead without an acknowledgement."
    )


def notice_data(status: NoticeStatus) -> dict[str, Any]:
    notice = status.notice
    return {
        "party": status.party.pk,
        "organisation": status.party.organisation.name,
        "state": status.state,
        "challenges": status.challenges,
        "conditions": status.conditions,
        "sent_at": notice.sent_at if notice else None,
        "acknowledged_at": notice.acknowledged_at if notice else None,
        "publish_after": status.publish_after,
    }


class PublishRefusalSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    waiting_for = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Parties that asked to be told first and have not acknowledged the "
        "notice (while the notice period runs).",
    )


class BriefNoticesView(GenericAPIView[InsightBrief]):
    serializer_class = NoticeSerializer
    pagination_class = None

    @extend_schema(
        operation_id="briefs_notices",
        responses={200: NoticeSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
        description="The learning partner: each challenged party that asked to be told "
        "before publishing, and where its notice stands.",
    )
    def get(self, request: Request, pk: int) -> Response:
        brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.PUBLISH)
        return Response([notice_data(s) for s in notice_statuses(brief)])


class BriefNotifyChallengedView(GenericAPIView[InsightBrief]):
    serializer_class = NoticeSerializer
    pagination_class = None

    @extend_schema(
        operation_id="briefs_notify_challenged",
        request=None,
        responses={
            200: NoticeSerializer(many=True),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: refusal("Not a draft, or no challenged party needs a notice now."),
        },
        description="The learning partner sends a pre-publication notice to each "
        "challenged party that asked to be told first and has not been told about the "
        "challenges as they are; the answer lists every such party's notice.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.PUBLISH)
        brief_notify_challenged(brief=brief, by=user)
        return Response([notice_data(s) for s in notice_statuses(brief)])


class AcknowledgedSerializer(serializers.Serializer[Any]):
    brief = serializers.IntegerField()
    party = serializers.IntegerField()
    challenges = serializers.JSONField()
    sent_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField()


class BriefAcknowledgeView(GenericAPIView[InsightBrief]):
    serializer_class = AcknowledgedSerializer

    @extend_schema(
        operation_id="briefs_acknowledge",
        request=None,
        responses={
            200: AcknowledgedSerializer,
            403: FORBIDDEN,
            404: refusal("No notice about this brief was sent to your organisation."),
            409: CONFLICT,
        },
        description="An admin of a challenged party acknowledges the learning partner's "
        "pre-publication notice (again: no change).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        notice = access_notice(user=user, pk=pk, acknowledge=True)
        notice = brief_acknowledge(brief=notice.brief, party=notice.party, by=user)
        return Response(
            {
                "brief": notice.brief_id,
                "party": notice.party_id,
                "challenges": notice.challenges,
                "sent_at": notice.sent_at,
                "acknowledged_at": notice.acknowledged_at,
            }
        )


class BriefPublishView(GenericAPIView[InsightBrief]):
    serializer_class = BriefSerializer

    @extend_schema(
        operation_id="briefs_publish",
        request=None,
        responses={
            200: BriefSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: refusal(
                "Still drafting, already published, the so what is not written, a "
                "challenge names a party that has not permitted it for published briefs "
                "(each one is named), or a challenged party that asked to be told first "
                "is still waiting (`waiting_for`).",
                PublishRefusalSerializer,
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.PUBLISH)
        brief = brief_publish(brief=brief, by=user)
        brief = access_brief(user=user, pk=brief.pk, action=BriefAction.VIEW)
        return Response(brief_data(brief_reading_for(brief=brief, user=user)))


class BriefRedraftView(GenericAPIView[InsightBrief]):
    serializer_class = BriefSerializer

    @extend_schema(
        operation_id="briefs_redraft",
        request=None,
        responses={202: BriefSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.EDIT)
        brief = brief_redraft(brief=brief, by=user)
        brief = access_brief(user=user, pk=brief.pk, action=BriefAction.VIEW)
        return Response(
            brief_data(brief_reading_for(brief=brief, user=user)), status=status.HTTP_202_ACCEPTED
        )


class _AnyFormat(BaseContentNegotiation):
    """The export's ``?format=`` names a file format, not a DRF renderer: ignore it
    when choosing how to render errors (always JSON)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Any, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


class BriefExportView(GenericAPIView[InsightBrief]):
    content_negotiation_class = _AnyFormat
    serializer_class = BriefSerializer

    @extend_schema(
        operation_id="briefs_export",
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(FORMATS), required=True, description="File format."
            )
        ],
        responses={
            (200, "text/html"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "application/json"): BriefSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse | Response:
        brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.VIEW)
        fmt = request.query_params.get("format", "")
        if fmt not in FORMATS:
            return Response(
                {"format": ["Choose html, pdf, md or json."]}, status=status.HTTP_400_BAD_REQUEST
            )
        return brief_export_response(
            brief_reading_for(brief=brief, user=request_user(request)), fmt
        )


_P = "partnerships/<id:pk>/"
_B = "briefs/<id:pk>/"

urlpatterns: list[URLPattern] = [
    path(f"{_P}briefs/", PartnershipBriefListView.as_view(), name="partnership-briefs"),
    path(_B, BriefDetailView.as_view(), name="brief-detail"),
    path(f"{_B}publish/", BriefPublishView.as_view(), name="brief-publish"),
    path(f"{_B}notices/", BriefNoticesView.as_view(), name="brief-notices"),
    path(f"{_B}notify-challenged/", BriefNotifyChallengedView.as_view(), name="brief-notify"),
    path(f"{_B}acknowledge/", BriefAcknowledgeView.as_view(), name="brief-acknowledge"),
    path(f"{_B}redraft/", BriefRedraftView.as_view(), name="brief-redraft"),
    path(f"{_B}export/", BriefExportView.as_view(), name="brief-export"),
]
