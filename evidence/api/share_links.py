"""API v1: share links to a published brief (the learning partner makes, lists and
revokes them). The signed-out page a link opens is ``evidence.views.share_links``.

Each endpoint calls one gateway first (outsiders get 404 before anything else, even for
bad input), then parses the input, then calls one service or selector.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.briefs import BriefAction, access_brief, access_share_link
from evidence.api.briefs import FORBIDDEN, NOT_FOUND
from evidence.models import ShareLink
from evidence.selectors.share_links import share_links_of
from evidence.services.share_links import share_link_create, share_link_revoke, share_url
from learnhub.api import BAD_INPUT, refusal


class ShareLinkSerializer(serializers.ModelSerializer[ShareLink]):
    url = serializers.SerializerMethodField(
        help_text="The signed-out page (`?format=pdf` for its PDF); 404 once revoked or "
        "after `expires_on`."
    )

    class Meta:
        model = ShareLink
        fields = (
            "id",
            "brief",
            "audience",
            "url",
            "created_at",
            "expires_on",
            "revoked_at",
            "views",
        )
        read_only_fields = fields

    def get_url(self, link: ShareLink) -> str:
        return share_url(link)


class ShareLinkCreateSerializer(serializers.Serializer[Any]):
    audience = serializers.ChoiceField(
        choices=ShareLink.Audience.choices,
        help_text="public: the published brief; community: the one-page “you said, we did”.",
    )
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The last day the link works (London), today or later; none: until revoked.",
    )


class BriefShareLinksView(GenericAPIView[ShareLink]):
    serializer_class = ShareLinkSerializer

    @extend_schema(
        operation_id="briefs_share_links_list",
        responses={200: ShareLinkSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.SHARE)
        page = self.paginate_queryset(share_links_of(brief=brief))
        return self.get_paginated_response(ShareLinkSerializer(page, many=True).data)

    @extend_schema(
        operation_id="briefs_share_links_create",
        request=ShareLinkCreateSerializer,
        responses={
            201: ShareLinkSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: refusal("The brief is not published yet."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief(user=user, pk=pk, action=BriefAction.SHARE)
        incoming = ShareLinkCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        link = share_link_create(
            brief=brief,
            audience=incoming.validated_data["audience"],
            expires_on=incoming.validated_data.get("expires_on"),
            by=user,
        )
        return Response(ShareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class ShareLinkRevokeView(GenericAPIView[ShareLink]):
    serializer_class = ShareLinkSerializer

    @extend_schema(
        operation_id="share_links_revoke",
        request=None,
        responses={
            200: ShareLinkSerializer,
            403: FORBIDDEN,
            404: refusal("No such link, or not in your partnerships."),
        },
        description="The link answers 404 from now on. Revoking it again changes nothing "
        "and answers the link as it is (the first `revoked_at`).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        link = access_share_link(user=user, pk=pk)
        return Response(ShareLinkSerializer(share_link_revoke(link=link, by=user)).data)


urlpatterns: list[URLPattern] = [
    path("briefs/<id:pk>/share-links/", BriefShareLinksView.as_view(), name="brief-share-links"),
    path("share-links/<id:pk>/revoke/", ShareLinkRevokeView.as_view(), name="share-link-revoke"),
]
