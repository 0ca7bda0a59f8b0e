"""The notifications page: what LearnHub told me, newest first."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from notifications.selectors import notifications_for
from notifications.services import notification_mark_read

app_name = "notifications"


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=cast(User, request.user)), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(recipient=cast(User, request.user))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:notification-list")


urlpatterns = [
    path("", notification_list, name="notification-list"),
    path("read/", notification_mark_all_read, name="notification-mark-read"),
]
