"""The operators' admin shows history and consented data read-only: one mixin for it."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Put first in an admin or inline's bases: nothing can be added, changed or deleted
    there (rows are history, derived from it, or written only by the services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
