"""API v1: the partnership's pulse. Answers are taken once a period and given back only as
the whole partnership's totals per period (``null`` below the threshold)."""

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.identity import request_user
from learnhub.api import BAD_INPUT, refusal
from pulse.access import PulseAction, access_pulse
from pulse.api.serializers import (
    PulseAnsweredSerializer,
    PulseAnswerInputSerializer,
    PulseResultSerializer,
)
from pulse.selectors import pulse_results
from pulse.services import pulse_answer

NOT_FOUND = refusal("No such partnership, or you are not a party to it.")
FORBIDDEN = refusal("You may read this pulse but not answer it; `detail` says why.")
CONFLICT = refusal("You already answered this period's pulse, or the partnership is closed.")


class PulseView(APIView):
    @extend_schema(
        operation_id="pulse_list",
        responses={200: PulseResultSerializer(many=True), 404: NOT_FOUND},
        description="The pulse per period, newest first (the current period first, with "
        "its count so far). `scores`, `distribution` and `comments` are null until at least "
        "5 people answered the period; never per person or per party.",
    )
    def get(self, request: Request, partnership_pk: int) -> Response:
        partnership = access_pulse(
            user=request_user(request), partnership_pk=partnership_pk, action=PulseAction.VIEW
        )
        return Response(
            PulseResultSerializer(pulse_results(partnership=partnership), many=True).data
        )

    @extend_schema(
        operation_id="pulse_answer",
        request=PulseAnswerInputSerializer,
        responses={
            201: PulseAnsweredSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="A member of an accepted party answers this period's pulse, once. "
        "Nothing identifying is stored with the answers or returned.",
    )
    def post(self, request: Request, partnership_pk: int) -> Response:
        user = request_user(request)
        partnership = access_pulse(
            user=user, partnership_pk=partnership_pk, action=PulseAction.ANSWER
        )
        data = PulseAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = pulse_answer(
            partnership=partnership,
            answers=data.validated_data["answers"],
            comment=data.validated_data["comment"],
            by=user,
        )
        answered = {"period_start": period.start, "period_end": period.end, "answered": True}
        return Response(PulseAnsweredSerializer(answered).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("partnerships/<id:partnership_pk>/pulse/", PulseView.as_view(), name="pulse"),
]
