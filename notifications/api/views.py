from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.identity import request_user
from learnhub.inputs import IdField
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ("id", "kind", "subject", "body", "url", "partnership", "created_at", "read_at")


class MarkReadSerializer(serializers.Serializer[None]):
    ids = serializers.ListField(child=IdField(), required=False)


class NotificationList(generics.ListAPIView[Notification]):
    """My notifications, newest first. `?unread=true` for unread only."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the caller

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return notifications_for(user=request_user(self.request), unread_only=unread)


class NotificationMarkRead(APIView):
    @extend_schema(
        request=MarkReadSerializer,
        responses={
            200: {"type": "object", "properties": {"marked": {"type": "integer"}}},
            400: None,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notification_mark_read(
            recipient=request_user(request),
            ids=serializer.validated_data.get("ids"),
        )
        return Response({"marked": marked})


urlpatterns = [
    path("notifications/", NotificationList.as_view(), name="notification-list"),
    path("notifications/read/", NotificationMarkRead.as_view(), name="notification-mark-read"),
]
