from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """A person's own notifications, newest first."""
    queryset = Notification.objects.filter(recipient=user).select_related("partnership")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset
