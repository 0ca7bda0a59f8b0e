"""The plain-words check for API clients: the same rule the brief's edit page runs as the
learning partner types, and saving runs into the plain-language report
(``evidence.plain_words``, ``plain_words_hints``). Anyone signed in may ask; it reads
only the text sent and keeps nothing. Throttled per person (``plain_words`` scope)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.plain_words import plain_words_hints
from evidence.services.briefs import RECOMMENDATIONS_MAX, SO_WHAT_MAX
from learnhub.api import BAD_INPUT
from learnhub.throttles import THROTTLED, WriteRateThrottle

#: The longest text a brief's words may be, so the longest checked.
PLAIN_WORDS_MAX = max(SO_WHAT_MAX, RECOMMENDATIONS_MAX)


class PlainWordsRequestSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        max_length=PLAIN_WORDS_MAX, allow_blank=True, trim_whitespace=False
    )


class LongSentenceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="The sentence, cut to 200 characters.")
    words = serializers.IntegerField()


class AcronymSerializer(serializers.Serializer[Any]):
    term = serializers.CharField()
    count = serializers.IntegerField()


class JargonSerializer(serializers.Serializer[Any]):
    term = serializers.CharField()
    instead = serializers.CharField(help_text="Plainer words to use instead.")
    count = serializers.IntegerField()


class PlainWordsHintsSerializer(serializers.Serializer[Any]):
    long_sentences = LongSentenceSerializer(many=True)
    acronyms = AcronymSerializer(many=True, help_text="Acronyms never spelled out.")
    jargon = JargonSerializer(many=True)


class PlainWordsCheckView(APIView):
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "plain_words"

    @extend_schema(
        operation_id="plain_words_check",
        request=PlainWordsRequestSerializer,
        responses={200: PlainWordsHintsSerializer, 400: BAD_INPUT, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        incoming = PlainWordsRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return Response(plain_words_hints(incoming.validated_data["text"]))


urlpatterns: list[URLPattern] = [
    path("plain-words/check/", PlainWordsCheckView.as_view(), name="plain-words-check"),
]
