"""API v1: comments on draft briefs.

A reader of a brief's draft comments on a section (``section``: an index of the brief's
sections) or on the whole brief (``section`` null) and lists the comments; the learning
partner resolves them; an author rewords or takes back their own open comment while the
brief is a draft. Each endpoint calls its gateway first (anyone who may not read
the draft gets 404 before anything else, even for bad input), then parses the input,
then calls one service or selector.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.identity import request_user
from evidence.access.comments import (
    CommentAction,
    access_brief_comments,
    access_comment,
    commenting_party,
)
from evidence.models import BriefComment
from evidence.selectors.comments import comments_of
from evidence.services.comments import (
    COMMENT_MAX,
    NO_SUCH_SECTION,
    SECTION_MAX,
    TEXT_MISSING,
    TEXT_TOO_LONG,
    brief_comment_create,
    brief_comment_delete,
    brief_comment_resolve,
    brief_comment_update,
    comment_text_clean,
)
from learnhub.api import BAD_INPUT, FORBIDDEN, refusal

CHANGE_CONFLICT = refusal(
    "The comment is resolved (it stays on record), or the brief is published."
)

NOT_FOUND = refusal(
    "No such brief or comment, or you may not read the brief's draft (not a party, or "
    "the partnership does not learn with its parties and you are not its learning partner)."
)


def _text_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=COMMENT_MAX,
        error_messages={
            "required": TEXT_MISSING,
            "blank": TEXT_MISSING,
            "null": TEXT_MISSING,
            "max_length": TEXT_TOO_LONG,
            "null_characters_not_allowed": TEXT_MISSING,
        },
    )


def _clean_text(value: str) -> str:
    try:
        return comment_text_clean(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict["text"]) from error


class CommentInputSerializer(serializers.Serializer[Any]):
    section = serializers.IntegerField(
        allow_null=True,
        required=False,
        default=None,
        min_value=0,
        max_value=SECTION_MAX,
        help_text="The index of the section commented on (0 is the partnership as a whole), "
        "or null for the whole brief.",
        error_messages={
            "invalid": NO_SUCH_SECTION,
            "min_value": NO_SUCH_SECTION,
            "max_value": NO_SUCH_SECTION,
            "max_string_length": NO_SUCH_SECTION,
        },
    )
    text = _text_field()

    def validate_text(self, value: str) -> str:
        return _clean_text(value)


class CommentUpdateSerializer(serializers.Serializer[Any]):
    text = _text_field()

    def validate_text(self, value: str) -> str:
        return _clean_text(value)


class CommentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    brief = serializers.IntegerField(source="brief_id")
    author = serializers.CharField(help_text="The display name of the person who wrote it.")
    organisation = serializers.CharField(help_text="Their party's organisation.")
    section = serializers.IntegerField(allow_null=True)
    section_heading = serializers.CharField(
        help_text="The section's heading when the comment was written (blank: whole brief)."
    )
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(allow_null=True)


def comment_data(comment: BriefComment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "brief": comment.brief_id,
        "author": comment.author.display_name if comment.author else "A former member",
        "organisation": comment.party.organisation.name,
        "section": comment.section,
        "section_heading": comment.section_heading,
        "text": comment.text,
        "created_at": comment.created_at,
        "resolved_at": comment.resolved_at,
        "resolved_by": comment.resolved_by.display_name if comment.resolved_by else None,
    }


class BriefCommentListView(GenericAPIView[BriefComment]):
    serializer_class = CommentSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="briefs_comments_list",
        responses={200: CommentSerializer(many=True), 404: NOT_FOUND},
        description="Every comment on the brief, oldest first, resolved ones too. A "
        "published brief's comments stay readable by the readers of its draft.",
    )
    def get(self, request: Request, pk: int) -> Response:
        brief = access_brief_comments(user=request_user(request), pk=pk)
        page = self.paginate_queryset(comments_of(brief=brief)) or []
        return self.get_paginated_response([comment_data(comment) for comment in page])

    @extend_schema(
        operation_id="briefs_comments_create",
        request=CommentInputSerializer,
        responses={
            201: CommentSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: refusal(
                "Comments are closed once a brief is published (or it is still being drafted)."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        brief = access_brief_comments(user=user, pk=pk)
        incoming = CommentInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = brief_comment_create(
            brief=brief,
            party=commenting_party(user=user, brief=brief),
            section=incoming.validated_data["section"],
            text=incoming.validated_data["text"],
            by=user,
        )
        return Response(comment_data(comment), status=status.HTTP_201_CREATED)


class CommentResolveView(GenericAPIView[BriefComment]):
    serializer_class = CommentSerializer

    @extend_schema(
        operation_id="comments_resolve",
        request=None,
        responses={200: CommentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        description="The learning partner marks the comment resolved (again: no change).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        comment = access_comment(user=user, pk=pk, action=CommentAction.RESOLVE)
        comment = brief_comment_resolve(comment=comment, by=user)
        return Response(comment_data(comment))


class CommentDetailView(GenericAPIView[BriefComment]):
    serializer_class = CommentSerializer

    @extend_schema(
        operation_id="comments_retrieve", responses={200: CommentSerializer, 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        comment = access_comment(user=request_user(request), pk=pk, action=CommentAction.VIEW)
        return Response(comment_data(comment))

    @extend_schema(
        operation_id="comments_partial_update",
        request=CommentUpdateSerializer,
        responses={
            200: CommentSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CHANGE_CONFLICT,
        },
        description="Its author rewords an open comment on a draft.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        comment = access_comment(user=user, pk=pk, action=CommentAction.CHANGE)
        incoming = CommentUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = brief_comment_update(
            comment=comment, text=incoming.validated_data["text"], by=user
        )
        return Response(comment_data(comment))

    @extend_schema(
        operation_id="comments_destroy",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND, 409: CHANGE_CONFLICT},
        description="Its author takes back an open comment on a draft.",
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        comment = access_comment(user=user, pk=pk, action=CommentAction.CHANGE)
        brief_comment_delete(comment=comment, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern] = [
    path("briefs/<id:pk>/comments/", BriefCommentListView.as_view(), name="brief-comments"),
    path("comments/<id:pk>/", CommentDetailView.as_view(), name="comment-detail"),
    path("comments/<id:pk>/resolve/", CommentResolveView.as_view(), name="comment-resolve"),
]
