"""API v1: consent and permission to challenge, per party, append-only.

Each endpoint calls a gateway first (outsiders get 404 before anything else, and someone
who may not decide gets 403 before their input is judged), then parses the input, then
calls one service or selector. Records are never changed or deleted: PUT, PATCH and
DELETE answer 405 on the collections and on each record.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from consent.access import (
    CHALLENGE,
    CONSENT,
    LEARNING_MODE,
    access_challenge_record,
    access_consent,
    access_consent_party,
    access_consent_receipt,
    access_consent_record,
)
from consent.api.serializers import (
    ActingPartySerializer,
    ChallengeDecisionSerializer,
    ChallengeRecordSerializer,
    ConsentDecisionSerializer,
    ConsentReceiptSerializer,
    ConsentRecordSerializer,
    LearningModeAnswerInputSerializer,
    LearningModeChangeSerializer,
    LearningModeProposalSerializer,
    LearningModeSerializer,
    PartyChallengeSerializer,
    PartyConsentSerializer,
)
from consent.learning_mode import (
    learning_mode_answer,
    learning_mode_propose,
    learning_mode_withdraw,
)
from consent.models import ChallengeRecord, ConsentRecord, LearningModeChange
from consent.receipts import consent_receipt, history_csv
from consent.selectors import (
    challenge_current,
    challenge_history,
    consent_current,
    consent_history,
    learning_mode_changes_of,
)
from consent.services import challenge_record, consent_record
from learnhub.api import BAD_INPUT, refusal
from learnhub.inputs import MAX_ID, as_id
from partnerships.selectors import learning_mode_needs_agreement

NOT_FOUND = refusal("No such partnership or record, or you are not a party to it.")
FORBIDDEN = refusal(
    description="You are in the partnership but may not do this; `detail` says why "
    "(for example: only admins of the party can give or withdraw its consent).",
)
CONFLICT = refusal(
    description="The notice has changed since it was read (read it again), the party is not "
    "taking part, or the partnership is closed (only withdrawals are possible).",
)
PARTY_FILTER = OpenApiParameter(
    "party",
    {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID},
    description="Only this party's records (a party id).",
    required=False,
)


def _party_filter(request: Request) -> int | None:
    raw = request.query_params.get("party")
    if raw in (None, ""):
        return None
    party_id = as_id(raw)
    if party_id is None:
        raise ValidationError({"party": ["Give a party id (a whole number)."]})
    return party_id


def _deciding_party(request: Request, partnership_pk: int, what: str) -> Any:
    """The party the caller decides for: 404/403 before the rest of the input is judged."""
    user = request_user(request)
    access_consent(user=user, partnership_pk=partnership_pk)
    acting = ActingPartySerializer(data=request.data)
    acting.is_valid(raise_exception=True)
    return access_consent_party(
        user=user,
        partnership_pk=partnership_pk,
        party_id=acting.validated_data.get("party"),
        what=what,
    )


# --- Consent -------------------------------------------------------------------------


class ConsentListView(GenericAPIView[ConsentRecord]):
    serializer_class = ConsentRecordSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="consents_list",
        parameters=[PARTY_FILTER],
        responses={200: ConsentRecordSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
        description="The consent history of every party, newest first.",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        records = consent_history(partnership=partnership, party=_party_filter(request))
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ConsentRecordSerializer(page, many=True).data)

    @extend_schema(
        operation_id="consents_create",
        request=ConsentDecisionSerializer,
        responses={
            201: ConsentRecordSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="An admin of a party gives or withdraws one consent purpose for it.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        party = _deciding_party(request, partnership_pk, CONSENT)
        incoming = ConsentDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        record = consent_record(
            party=party,
            purpose=data["purpose"],
            decision=data["decision"],
            note=data.get("note", ""),
            notice_version=data.get("notice_version"),
            by=request_user(request),
        )
        return Response(ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ConsentDetailView(GenericAPIView[ConsentRecord]):
    serializer_class = ConsentRecordSerializer

    @extend_schema(
        operation_id="consents_retrieve",
        responses={200: ConsentRecordSerializer, 404: NOT_FOUND},
        description="One consent record. Records are never changed or deleted.",
    )
    def get(self, request: Request, partnership_pk: int, record_pk: int) -> Response:
        record = access_consent_record(
            user=request_user(request), partnership_pk=partnership_pk, record_pk=record_pk
        )
        return Response(ConsentRecordSerializer(record).data)


class ConsentCurrentView(GenericAPIView[Any]):
    serializer_class = PartyConsentSerializer
    pagination_class = None
    queryset = ConsentRecord.objects.none()  # for the schema only: reads go through selectors

    @extend_schema(
        operation_id="consents_current",
        responses={200: PartyConsentSerializer(many=True), 404: NOT_FOUND},
        description="The current consent of every party that has joined, derived from the "
        "history (the last decision per purpose wins; never decided means not given).",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        return Response(
            PartyConsentSerializer(consent_current(partnership=partnership), many=True).data
        )


class ConsentReceiptView(GenericAPIView[Any]):
    serializer_class = ConsentReceiptSerializer

    @extend_schema(
        operation_id="consents_receipt",
        responses={
            200: ConsentReceiptSerializer,
            403: refusal(
                description="The record belongs to another party: only its own people may "
                "download its receipt.",
            ),
            404: NOT_FOUND,
        },
        description="A consent receipt (JSON, after ISO/IEC TS 27560) for one record, for "
        "the people of the party that decided.",
    )
    def get(self, request: Request, partnership_pk: int, record_pk: int) -> Response:
        record = access_consent_receipt(
            user=request_user(request), partnership_pk=partnership_pk, record_pk=record_pk
        )
        return Response(consent_receipt(record))


class CSVRenderer(BaseRenderer):
    """Lets clients ask for ``text/csv``; error bodies are still JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, str | bytes):
            return data.encode() if isinstance(data, str) else data
        return JSONRenderer().render(data)


class ConsentExportView(GenericAPIView[Any]):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="consents_export",
        parameters=[PARTY_FILTER],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Consent and permission-to-challenge history, newest first.",
            ),
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
        description="The whole history as CSV (every party sees every party's history).",
    )
    def get(self, request: Request, partnership_pk: int) -> HttpResponse:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        party = _party_filter(request)
        body = history_csv(
            consent_history(partnership=partnership, party=party),
            challenge_history(partnership=partnership, party=party),
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"consent-history-partnership-{partnership.pk}" + (
            f"-party-{party}" if party else ""
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


# --- Permission to challenge --------------------------------------------------------------


class ChallengeListView(GenericAPIView[ChallengeRecord]):
    serializer_class = ChallengeRecordSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="challenge_permissions_list",
        parameters=[PARTY_FILTER],
        responses={200: ChallengeRecordSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
        description="The permission-to-challenge history of every party, newest first.",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        records = challenge_history(partnership=partnership, party=_party_filter(request))
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ChallengeRecordSerializer(page, many=True).data)

    @extend_schema(
        operation_id="challenge_permissions_create",
        request=ChallengeDecisionSerializer,
        responses={
            201: ChallengeRecordSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="An admin of a party gives or withdraws the learning partner's "
        "permission to challenge it, in some areas and through some channels.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        party = _deciding_party(request, partnership_pk, CHALLENGE)
        incoming = ChallengeDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        record = challenge_record(
            party=party,
            decision=data["decision"],
            areas=data["areas"],
            channels=data["channels"],
            conditions=data.get("conditions", ""),
            notify_before_publish=data.get("notify_before_publish", False),
            notice_version=data.get("notice_version"),
            by=request_user(request),
        )
        return Response(ChallengeRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ChallengeDetailView(GenericAPIView[ChallengeRecord]):
    serializer_class = ChallengeRecordSerializer

    @extend_schema(
        operation_id="challenge_permissions_retrieve",
        responses={200: ChallengeRecordSerializer, 404: NOT_FOUND},
        description="One permission-to-challenge record. Records are never changed or deleted.",
    )
    def get(self, request: Request, partnership_pk: int, record_pk: int) -> Response:
        record = access_challenge_record(
            user=request_user(request), partnership_pk=partnership_pk, record_pk=record_pk
        )
        return Response(ChallengeRecordSerializer(record).data)


class ChallengeCurrentView(GenericAPIView[Any]):
    serializer_class = PartyChallengeSerializer
    pagination_class = None
    queryset = ChallengeRecord.objects.none()  # for the schema only: reads go through selectors

    @extend_schema(
        operation_id="challenge_permissions_current",
        responses={200: PartyChallengeSerializer(many=True), 404: NOT_FOUND},
        description="What each party that has joined permits now: every (area, channel) "
        "pair, with the conditions of the grant that gave it.",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        current = challenge_current(partnership=partnership)
        return Response(PartyChallengeSerializer(current, many=True).data)


# --- Learning mode changes -----------------------------------------------------------------

MODE_CONFLICT = refusal(
    description="Already learning that way, another change is waiting for answers, nothing is "
    "waiting for an answer, the party is not taking part, or the partnership is closed.",
)


class LearningModeView(GenericAPIView[LearningModeChange]):
    serializer_class = LearningModeSerializer

    @extend_schema(
        operation_id="learning_mode_retrieve",
        responses={200: LearningModeSerializer, 404: NOT_FOUND},
        description="How the partnership learns, the open proposal to change it (if any) "
        "and every earlier proposal.",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_consent(user=request_user(request), partnership_pk=partnership_pk)
        history = list(learning_mode_changes_of(partnership=partnership))
        current = next((c for c in history if c.outcome == LearningModeChange.Outcome.OPEN), None)
        return Response(
            LearningModeSerializer(
                {
                    "learning_mode": partnership.learning_mode,
                    "needs_agreement": learning_mode_needs_agreement(partnership),
                    "change": current,
                    "history": history,
                }
            ).data
        )

    @extend_schema(
        operation_id="learning_mode_propose",
        request=LearningModeProposalSerializer,
        responses={
            201: LearningModeChangeSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: MODE_CONFLICT,
        },
        description="An admin of an accepted party proposes switching between learning_for "
        "and learning_with (proposing is its party's agreement). It takes effect once every "
        "accepted party agrees (`status` `agreed`); every party is told.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        party = _deciding_party(request, partnership_pk, LEARNING_MODE)
        incoming = LearningModeProposalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        change = learning_mode_propose(
            party=party,
            learning_mode=incoming.validated_data["learning_mode"],
            reason=incoming.validated_data.get("reason", ""),
            by=request_user(request),
        )
        change = learning_mode_changes_of(partnership=party.partnership).get(pk=change.pk)
        return Response(LearningModeChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class LearningModeAnswerView(GenericAPIView[LearningModeChange]):
    serializer_class = LearningModeChangeSerializer

    @extend_schema(
        operation_id="learning_mode_answer",
        request=LearningModeAnswerInputSerializer,
        responses={
            200: LearningModeChangeSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: MODE_CONFLICT,
        },
        description="An admin of an accepted party agrees or objects to the open proposal. "
        "One objection closes it (`declined`); the last agreement makes the change.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        party = _deciding_party(request, partnership_pk, LEARNING_MODE)
        incoming = LearningModeAnswerInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        change = learning_mode_answer(
            party=party,
            decision=incoming.validated_data["decision"],
            comment=incoming.validated_data.get("comment", ""),
            by=request_user(request),
        )
        change = learning_mode_changes_of(partnership=party.partnership).get(pk=change.pk)
        return Response(LearningModeChangeSerializer(change).data)


class LearningModeWithdrawView(GenericAPIView[LearningModeChange]):
    serializer_class = LearningModeChangeSerializer

    @extend_schema(
        operation_id="learning_mode_withdraw",
        request=None,
        responses={
            200: LearningModeChangeSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: MODE_CONFLICT,
        },
        description="The proposing party takes its open proposal back.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        party = _deciding_party(request, partnership_pk, LEARNING_MODE)
        change = learning_mode_withdraw(party=party, by=request_user(request))
        change = learning_mode_changes_of(partnership=party.partnership).get(pk=change.pk)
        return Response(LearningModeChangeSerializer(change).data)


_P = "partnerships/<id:partnership_pk>/"

urlpatterns: list[URLPattern] = [
    path(f"{_P}learning-mode/", LearningModeView.as_view(), name="learning-mode"),
    path(
        f"{_P}learning-mode/answer/", LearningModeAnswerView.as_view(), name="learning-mode-answer"
    ),
    path(
        f"{_P}learning-mode/withdraw/",
        LearningModeWithdrawView.as_view(),
        name="learning-mode-withdraw",
    ),
    path(f"{_P}consents/", ConsentListView.as_view(), name="consent-list"),
    path(f"{_P}consents/current/", ConsentCurrentView.as_view(), name="consent-current"),
    path(f"{_P}consents/export.csv", ConsentExportView.as_view(), name="consent-export"),
    path(f"{_P}consents/<id:record_pk>/", ConsentDetailView.as_view(), name="consent-detail"),
    path(
        f"{_P}consents/<id:record_pk>/receipt/",
        ConsentReceiptView.as_view(),
        name="consent-receipt",
    ),
    path(
        f"{_P}challenge-permissions/",
        ChallengeListView.as_view(),
        name="challenge-permission-list",
    ),
    path(
        f"{_P}challenge-permissions/current/",
        ChallengeCurrentView.as_view(),
        name="challenge-permission-current",
    ),
    path(
        f"{_P}challenge-permissions/<id:record_pk>/",
        ChallengeDetailView.as_view(),
        name="challenge-permission-detail",
    ),
]
