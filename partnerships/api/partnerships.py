"""API v1: partnerships, their parties, the discovery brief, research questions, timeline.

Each endpoint calls one gateway first (so outsiders get 404 before anything else, even
for bad input), then parses the input, then calls one service or selector.
"""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from learnhub.api import BAD_INPUT, CONFLICT, FORBIDDEN, refusal
from learnhub.throttles import THROTTLED, WriteRateThrottle
from partnerships.access import (
    PartnershipAction,
    access_acting_party,
    access_invitation,
    access_partnership,
    access_party,
    access_party_to_leave,
    access_question,
)
from partnerships.api.partnership_serializers import (
    ActingPartySerializer,
    ActivityEventSerializer,
    DiscoveryBriefInputSerializer,
    DiscoveryBriefSerializer,
    NotReadySerializer,
    PartnershipCreateSerializer,
    PartnershipDetailSerializer,
    PartnershipSerializer,
    PartnershipStatusSerializer,
    PartnershipUpdateSerializer,
    PartyInviteSerializer,
    PartySerializer,
    QuestionAnswerSerializer,
    QuestionCreateSerializer,
    QuestionSerializer,
)
from partnerships.models import ActivityEvent, Partnership, Party, ResearchQuestion
from partnerships.selectors import (
    accepted_parties_of,
    activity_of,
    discovery_brief_of,
    my_parties_in,
    parties_seen_by,
    partnership_permissions_for,
    partnerships_for_user,
    questions_with_status,
)
from partnerships.services import (
    Complexity,
    PartnershipNotReady,
    PartyToInvite,
    discovery_brief_agree,
    discovery_brief_update,
    parties_invite,
    partnership_create,
    partnership_set_status,
    partnership_update,
    party_accept,
    party_decline,
    party_invite,
    party_invite_new_organisation,
    party_leave,
    party_remove,
    question_propose,
    question_respond,
)

NOT_FOUND = refusal("No such partnership, or you are not a party to it.")


def _detail(request: Request, partnership: Partnership) -> dict[str, Any]:
    user = request_user(request)
    context = {
        "my_parties": my_parties_in(user=user, partnership=partnership),
        "my_permissions": partnership_permissions_for(user=user, partnership=partnership),
    }
    return PartnershipDetailSerializer(partnership, context=context).data


# --- Partnerships ----------------------------------------------------------------------


class PartnershipListView(GenericAPIView[Partnership]):
    serializer_class = PartnershipSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_list",
        responses={200: PartnershipSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(partnerships_for_user(user=request_user(request)))
        return self.get_paginated_response(PartnershipSerializer(page, many=True).data)

    @extend_schema(
        operation_id="partnerships_create",
        request=PartnershipCreateSerializer,
        responses={201: PartnershipDetailSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request) -> Response:
        incoming = PartnershipCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        created = partnership_create(**incoming.validated_data, by=request_user(request))
        partnership = access_partnership(
            user=request_user(request), pk=created.pk, action=PartnershipAction.VIEW
        )
        return Response(_detail(request, partnership), status=status.HTTP_201_CREATED)


class PartnershipDetailView(GenericAPIView[Partnership]):
    serializer_class = PartnershipDetailSerializer

    @extend_schema(
        operation_id="partnerships_retrieve",
        responses={200: PartnershipDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW_INVITATION
        )
        return Response(_detail(request, partnership))

    @extend_schema(
        operation_id="partnerships_partial_update",
        request=PartnershipUpdateSerializer,
        responses={
            200: PartnershipDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CHANGE)
        incoming = PartnershipUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        partnership_update(partnership=partnership, by=user, **incoming.validated_data)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
        return Response(_detail(request, partnership))


class PartnershipStatusView(GenericAPIView[Partnership]):
    serializer_class = PartnershipStatusSerializer

    @extend_schema(
        operation_id="partnerships_status_create",
        request=PartnershipStatusSerializer,
        responses={
            200: PartnershipDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                NotReadySerializer,
                description="Not allowed now; to become active, `missing` lists what is needed.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CHANGE_STATUS)
        incoming = PartnershipStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            partnership_set_status(
                partnership=partnership, status=incoming.validated_data["status"], by=user
            )
        except PartnershipNotReady as not_ready:
            return Response(
                {"detail": not_ready.message, "missing": not_ready.missing},
                status=status.HTTP_409_CONFLICT,
            )
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
        return Response(_detail(request, partnership))


# --- Parties -------------------------------------------------------------------------


class PartyListView(GenericAPIView[Party]):
    serializer_class = PartySerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitations"
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_parties_list",
        responses={200: PartySerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        page = self.paginate_queryset(
            parties_seen_by(user=request_user(request), partnership=partnership)
        )
        return self.get_paginated_response(PartySerializer(page, many=True).data)

    @extend_schema(
        operation_id="partnerships_parties_create",
        request=PartyInviteSerializer,
        description="Invite one organisation from the directory (`organisation`, `role`: "
        "201 with the party), several at once (`organisations`: 201 with the list of "
        "parties, all or none invited), or an organisation not on LearnHub yet "
        "(`new_organisation` `{name, email}`, `role`: 201 with the party).",
        responses={
            201: PolymorphicProxySerializer(
                component_name="PartyOrParties",
                serializers=[PartySerializer, PartySerializer(many=True)],
                resource_type_field_name=None,
                many=False,
            ),
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.INVITE)
        incoming = PartyInviteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if "organisations" in data:
            rows = [PartyToInvite(**row) for row in data["organisations"]]
            parties = parties_invite(partnership=partnership, invitations=rows, by=user)
            return Response(PartySerializer(parties, many=True).data, status=201)
        if "new_organisation" in data:
            party = party_invite_new_organisation(
                partnership=partnership, role=data["role"], by=user, **data["new_organisation"]
            )
        else:
            party = party_invite(
                partnership=partnership,
                organisation=data["organisation"],
                role=data["role"],
                by=user,
            )
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)


_PARTY_RESPONSES = {
    200: PartySerializer,
    403: FORBIDDEN,
    404: refusal("No such party for you."),
    409: CONFLICT,
}


class PartyAcceptView(GenericAPIView[Party]):
    serializer_class = PartySerializer

    @extend_schema(
        operation_id="partnerships_parties_accept", request=None, responses=_PARTY_RESPONSES
    )
    def post(self, request: Request, pk: int, party_pk: int) -> Response:
        user = request_user(request)
        party = access_invitation(user=user, partnership_pk=pk, party_pk=party_pk)
        return Response(PartySerializer(party_accept(party=party, by=user)).data)


class PartyDeclineView(GenericAPIView[Party]):
    serializer_class = PartySerializer

    @extend_schema(
        operation_id="partnerships_parties_decline", request=None, responses=_PARTY_RESPONSES
    )
    def post(self, request: Request, pk: int, party_pk: int) -> Response:
        user = request_user(request)
        party = access_invitation(user=user, partnership_pk=pk, party_pk=party_pk)
        return Response(PartySerializer(party_decline(party=party, by=user)).data)


class PartyRemoveView(GenericAPIView[Party]):
    serializer_class = PartySerializer

    @extend_schema(
        operation_id="partnerships_parties_remove",
        request=None,
        responses=_PARTY_RESPONSES,
        description="A funder admin removes a party or withdraws its invitation.",
    )
    def post(self, request: Request, pk: int, party_pk: int) -> Response:
        user = request_user(request)
        party = access_party(
            user=user, partnership_pk=pk, party_pk=party_pk, action=PartnershipAction.REMOVE_PARTY
        )
        return Response(PartySerializer(party_remove(party=party, by=user)).data)


class PartyLeaveView(GenericAPIView[Party]):
    serializer_class = PartySerializer

    @extend_schema(
        operation_id="partnerships_parties_leave",
        request=None,
        responses=_PARTY_RESPONSES,
        description="An admin of a party takes its organisation out of the partnership.",
    )
    def post(self, request: Request, pk: int, party_pk: int) -> Response:
        user = request_user(request)
        party = access_party_to_leave(user=user, partnership_pk=pk, party_pk=party_pk)
        return Response(PartySerializer(party_leave(party=party, by=user)).data)


# --- Discovery brief -----------------------------------------------------------------


class DiscoveryBriefView(GenericAPIView[Any]):
    serializer_class = DiscoveryBriefSerializer

    @extend_schema(
        operation_id="partnerships_discovery_brief_retrieve",
        responses={200: DiscoveryBriefSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        return Response(DiscoveryBriefSerializer(discovery_brief_of(partnership=partnership)).data)

    @extend_schema(
        operation_id="partnerships_discovery_brief_update",
        request=DiscoveryBriefInputSerializer,
        responses={
            200: DiscoveryBriefSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def put(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.LEAD_DISCOVERY)
        incoming = DiscoveryBriefInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        party = access_acting_party(
            user=user,
            partnership=partnership,
            action=PartnershipAction.LEAD_DISCOVERY,
            party_id=data.get("party"),
        )
        discovery_brief_update(
            partnership=partnership,
            audience=data["audience"],
            desired_impact=data["desired_impact"],
            scope=data["scope"],
            complexity=Complexity(**data["complexity"]),
            open_questions=data.get("open_questions", ""),
            party=party,
            by=user,
        )
        return Response(DiscoveryBriefSerializer(discovery_brief_of(partnership=partnership)).data)


class DiscoveryAgreeView(GenericAPIView[Any]):
    serializer_class = DiscoveryBriefSerializer

    @extend_schema(
        operation_id="partnerships_discovery_brief_agree",
        request=ActingPartySerializer,
        responses={
            200: DiscoveryBriefSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.AGREE_DISCOVERY)
        incoming = ActingPartySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        party = access_acting_party(
            user=user,
            partnership=partnership,
            action=PartnershipAction.AGREE_DISCOVERY,
            party_id=incoming.validated_data.get("party"),
        )
        discovery_brief_agree(partnership=partnership, party=party, by=user)
        return Response(DiscoveryBriefSerializer(discovery_brief_of(partnership=partnership)).data)


# --- Research questions ----------------------------------------------------------------


def _question_context(partnership: Partnership) -> dict[str, Any]:
    return {"accepted_parties": list(accepted_parties_of(partnership=partnership))}


class QuestionListView(GenericAPIView[ResearchQuestion]):
    serializer_class = QuestionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_questions_list",
        responses={200: QuestionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        page = self.paginate_queryset(questions_with_status(partnership=partnership))
        data = QuestionSerializer(page, many=True, context=_question_context(partnership)).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="partnerships_questions_create",
        request=QuestionCreateSerializer,
        responses={
            201: QuestionSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CONTRIBUTE)
        incoming = QuestionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        party = access_acting_party(
            user=user,
            partnership=partnership,
            action=PartnershipAction.CONTRIBUTE,
            party_id=data.get("party"),
        )
        created = question_propose(
            partnership=partnership,
            party=party,
            text=data["text"],
            rationale=data.get("rationale", ""),
            by=user,
        )
        question = questions_with_status(partnership=partnership).get(pk=created.pk)
        body = QuestionSerializer(question, context=_question_context(partnership)).data
        return Response(body, status=status.HTTP_201_CREATED)


class QuestionDetailView(GenericAPIView[ResearchQuestion]):
    serializer_class = QuestionSerializer

    @extend_schema(
        operation_id="partnerships_questions_retrieve",
        responses={200: QuestionSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int, question_pk: int) -> Response:
        question = access_question(
            user=request_user(request),
            partnership_pk=pk,
            question_pk=question_pk,
            action=PartnershipAction.VIEW,
        )
        context = _question_context(question.partnership)
        return Response(QuestionSerializer(question, context=context).data)


class QuestionResponsesView(GenericAPIView[ResearchQuestion]):
    serializer_class = QuestionSerializer

    @extend_schema(
        operation_id="partnerships_questions_responses_create",
        request=QuestionAnswerSerializer,
        responses={
            201: OpenApiResponse(QuestionSerializer, description="The party's first answer."),
            200: OpenApiResponse(
                QuestionSerializer, description="The party's answer replaced its last one."
            ),
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="Answer a question for your party; the question comes back with its "
        "new status.",
    )
    def post(self, request: Request, pk: int, question_pk: int) -> Response:
        user = request_user(request)
        question = access_question(
            user=user,
            partnership_pk=pk,
            question_pk=question_pk,
            action=PartnershipAction.CONTRIBUTE,
        )
        incoming = QuestionAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        partnership = question.partnership
        party = access_acting_party(
            user=user,
            partnership=partnership,
            action=PartnershipAction.CONTRIBUTE,
            party_id=data.get("party"),
        )
        _, created = question_respond(
            question=question,
            party=party,
            decision=data["decision"],
            comment=data.get("comment", ""),
            by=user,
        )
        question = questions_with_status(partnership=partnership).get(pk=question.pk)
        body = QuestionSerializer(question, context=_question_context(partnership)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- Timeline ------------------------------------------------------------------------


class ActivityListView(GenericAPIView[ActivityEvent]):
    serializer_class = ActivityEventSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="partnerships_activity_list",
        responses={200: ActivityEventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = access_partnership(
            user=request_user(request), pk=pk, action=PartnershipAction.VIEW
        )
        page = self.paginate_queryset(activity_of(partnership=partnership))
        return self.get_paginated_response(ActivityEventSerializer(page, many=True).data)


_P = "partnerships/<id:pk>/"

urlpatterns: list[URLPattern] = [
    path("partnerships/", PartnershipListView.as_view(), name="partnership-list"),
    path(_P, PartnershipDetailView.as_view(), name="partnership-detail"),
    path(f"{_P}status/", PartnershipStatusView.as_view(), name="partnership-status"),
    path(f"{_P}parties/", PartyListView.as_view(), name="partnership-parties"),
    path(
        f"{_P}parties/<id:party_pk>/accept/",
        PartyAcceptView.as_view(),
        name="partnership-party-accept",
    ),
    path(
        f"{_P}parties/<id:party_pk>/decline/",
        PartyDeclineView.as_view(),
        name="partnership-party-decline",
    ),
    path(
        f"{_P}parties/<id:party_pk>/remove/",
        PartyRemoveView.as_view(),
        name="partnership-party-remove",
    ),
    path(
        f"{_P}parties/<id:party_pk>/leave/",
        PartyLeaveView.as_view(),
        name="partnership-party-leave",
    ),
    path(f"{_P}discovery-brief/", DiscoveryBriefView.as_view(), name="partnership-discovery-brief"),
    path(
        f"{_P}discovery-brief/agree/",
        DiscoveryAgreeView.as_view(),
        name="partnership-discovery-brief-agree",
    ),
    path(f"{_P}questions/", QuestionListView.as_view(), name="partnership-questions"),
    path(
        f"{_P}questions/<id:question_pk>/",
        QuestionDetailView.as_view(),
        name="partnership-question-detail",
    ),
    path(
        f"{_P}questions/<id:question_pk>/responses/",
        QuestionResponsesView.as_view(),
        name="partnership-question-responses",
    ),
    path(f"{_P}activity/", ActivityListView.as_view(), name="partnership-activity"),
]
