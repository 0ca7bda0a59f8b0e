from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import notifications_for


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header link; queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: notifications_for(user=user, unread_only=True).count()
        )
    }
