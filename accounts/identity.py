"""Who is asking: the signed-in person of a page or API request, typed."""

from typing import cast

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in person making ``request``.

    Only for views that require sign-in (pages behind ``login_required``, API views behind
    ``IsAuthenticated``), where ``request.user`` is always a ``User``.
    """
    return cast(User, request.user)
