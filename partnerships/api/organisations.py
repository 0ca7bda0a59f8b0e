"""API v1: the signed-in person, organisations, members and organisation invitations."""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from accounts.models import User
from learnhub.api import BAD_INPUT, CONFLICT, FORBIDDEN, refusal
from learnhub.throttles import THROTTLED, WriteRateThrottle
from partnerships.access import (
    OrganisationAction,
    access_organisation,
    access_organisation_invitation,
)
from partnerships.models import Membership, Organisation, OrganisationInvitation
from partnerships.selectors import (
    invitations_pending_for_user,
    memberships_for_user,
    organisation_directory,
    organisation_invitations_pending,
    organisation_members,
)
from partnerships.services import (
    invitation_accept,
    organisation_create,
    organisation_invitation_cancel,
    organisation_invitation_send_again,
    organisation_invite,
)

# --- Serializers -------------------------------------------------------------------


class OrganisationSummarySerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind")


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    """A directory card: what anyone signed in may know about an organisation."""

    class Meta:
        model = Organisation
        fields = ("id", "name", "kind", "identifier")


class OrganisationCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=Organisation.Kind.choices,
        error_messages={"invalid_choice": "Choose funder, grantee or learning_partner."},
    )
    identifier = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DirectoryQuerySerializer(serializers.Serializer[Any]):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of a name or number."
    )
    kind = serializers.ChoiceField(
        choices=Organisation.Kind.choices,
        required=False,
        error_messages={"invalid_choice": "Choose funder, grantee or learning_partner."},
    )


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organisation = OrganisationSummarySerializer()

    class Meta:
        model = Membership
        fields = ("organisation", "role")


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    memberships = MembershipSerializer(many=True)


class MemberUserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "name", "email")


class MemberSerializer(serializers.ModelSerializer[Membership]):
    user = MemberUserSerializer()
    joined_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Membership
        fields = ("id", "user", "role", "joined_at")


class InvitationCreateSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(
        choices=Membership.Role.choices,
        error_messages={"invalid_choice": "Choose admin or member."},
    )


class InvitationSerializer(serializers.ModelSerializer[OrganisationInvitation]):
    organisation = OrganisationSummarySerializer()

    class Meta:
        model = OrganisationInvitation
        fields = (
            "id",
            "email",
            "role",
            "token",
            "expires_at",
            "organisation",
            "created_at",
            "cancelled_at",
        )


NOT_FOUND = refusal("No such organisation for you.")


# --- Views ------------------------------------------------------------------------


class MeView(GenericAPIView[Any]):
    serializer_class = MeSerializer

    @extend_schema(operation_id="me_retrieve", responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        data = {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "memberships": memberships_for_user(user=user),
        }
        return Response(MeSerializer(data).data)


class MyInvitationsView(GenericAPIView[Any]):
    """Organisation invitations waiting for the caller (sent to a verified address)."""

    serializer_class = InvitationSerializer
    queryset = OrganisationInvitation.objects.none()  # for the schema only

    @extend_schema(
        operation_id="me_invitations_list", responses={200: InvitationSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(invitations_pending_for_user(user=request_user(request)))
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)


class OrganisationListView(GenericAPIView[Organisation]):
    serializer_class = OrganisationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="organisations_list",
        parameters=[DirectoryQuerySerializer],
        responses={200: OrganisationSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        query = DirectoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisations = organisation_directory(
            search=query.validated_data.get("search", ""),
            kind=query.validated_data.get("kind", ""),
        )
        page = self.paginate_queryset(organisations)
        return self.get_paginated_response(OrganisationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        request=OrganisationCreateSerializer,
        responses={201: OrganisationSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request) -> Response:
        incoming = OrganisationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = organisation_create(
            name=incoming.validated_data["name"],
            kind=incoming.validated_data["kind"],
            identifier=incoming.validated_data.get("identifier", ""),
            by=request_user(request),
        )
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetailView(GenericAPIView[Organisation]):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()  # documents {id} as an organisation id

    @extend_schema(
        operation_id="organisations_retrieve",
        responses={200: OrganisationSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = access_organisation(
            user=request_user(request), pk=pk, action=OrganisationAction.VIEW
        )
        return Response(OrganisationSerializer(organisation).data)


class OrganisationMembersView(GenericAPIView[Any]):
    serializer_class = MemberSerializer
    queryset = Organisation.objects.none()  # documents {id} as an organisation id

    @extend_schema(
        operation_id="organisations_members_list",
        responses={200: MemberSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = access_organisation(
            user=request_user(request), pk=pk, action=OrganisationAction.VIEW_MEMBERS
        )
        page = self.paginate_queryset(organisation_members(organisation=organisation))
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class OrganisationInvitationsView(GenericAPIView[Any]):
    serializer_class = InvitationSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitations"
    queryset = Organisation.objects.none()  # documents {id} as an organisation id

    @extend_schema(
        operation_id="organisations_invitations_list",
        responses={200: InvitationSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = access_organisation(
            user=request_user(request), pk=pk, action=OrganisationAction.MANAGE_MEMBERS
        )
        invitations = organisation_invitations_pending(organisation=organisation)
        page = self.paginate_queryset(invitations.select_related("organisation"))
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_invitations_create",
        request=InvitationCreateSerializer,
        responses={
            201: InvitationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        organisation = access_organisation(
            user=request_user(request), pk=pk, action=OrganisationAction.MANAGE_MEMBERS
        )
        incoming = InvitationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        invitation = organisation_invite(
            organisation=organisation,
            email=incoming.validated_data["email"],
            role=incoming.validated_data["role"],
            by=request_user(request),
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class OrganisationInvitationSendAgainView(GenericAPIView[Any]):
    """An admin emails a waiting or expired invitation again; it expires
    ``LEARNHUB_INVITATION_DAYS`` from now (an extension of the contract)."""

    serializer_class = InvitationSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitations"

    @extend_schema(
        operation_id="organisations_invitations_send_again",
        request=None,
        responses={200: InvitationSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int, invitation_pk: int) -> Response:
        invitation = access_organisation_invitation(
            user=request_user(request), organisation_pk=pk, pk=invitation_pk
        )
        invitation = organisation_invitation_send_again(
            invitation=invitation, by=request_user(request)
        )
        return Response(InvitationSerializer(invitation).data)


class OrganisationInvitationCancelView(GenericAPIView[Any]):
    """An admin cancels an invitation nobody has used; its link stops working (an
    extension of the contract)."""

    serializer_class = InvitationSerializer

    @extend_schema(
        operation_id="organisations_invitations_cancel",
        request=None,
        responses={200: InvitationSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int, invitation_pk: int) -> Response:
        invitation = access_organisation_invitation(
            user=request_user(request), organisation_pk=pk, pk=invitation_pk
        )
        invitation = organisation_invitation_cancel(invitation=invitation, by=request_user(request))
        return Response(InvitationSerializer(invitation).data)


class InvitationAcceptView(GenericAPIView[Membership]):
    serializer_class = MembershipSerializer

    @extend_schema(
        operation_id="invitations_accept",
        request=None,
        responses={
            200: MembershipSerializer,
            403: refusal("The invitation was sent to another address."),
            404: refusal("No such invitation."),
            409: refusal("The invitation has expired or was already used."),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        membership = invitation_accept(token=token, by=request_user(request))
        return Response(MembershipSerializer(membership).data)


urlpatterns: list[URLPattern] = [
    path("me/", MeView.as_view(), name="me"),
    path("me/invitations/", MyInvitationsView.as_view(), name="me-invitations"),
    path("organisations/", OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<id:pk>/", OrganisationDetailView.as_view(), name="organisation-detail"),
    path(
        "organisations/<id:pk>/members/",
        OrganisationMembersView.as_view(),
        name="organisation-members",
    ),
    path(
        "organisations/<id:pk>/invitations/",
        OrganisationInvitationsView.as_view(),
        name="organisation-invitations",
    ),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_pk>/send-again/",
        OrganisationInvitationSendAgainView.as_view(),
        name="organisation-invitation-send-again",
    ),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_pk>/cancel/",
        OrganisationInvitationCancelView.as_view(),
        name="organisation-invitation-cancel",
    ),
    path(
        "invitations/<str:token>/accept/",
        InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]
