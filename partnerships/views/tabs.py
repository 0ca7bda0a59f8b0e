"""What every page of one partnership shares: its page decorator, its template folder,
and the rendering of a tab with the partnership's header and what the person may do."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.identity import request_user
from learnhub.pages import refusal_page
from partnerships.models import Partnership, Party
from partnerships.navigation import TABS
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import partnership_permissions_for

T = "partnerships/partnership/"

ROLE_PHRASES: dict[str, str] = {
    Party.Role.FUNDER: "a co-funder",
    Party.Role.GRANTEE: "a grantee",
    Party.Role.LEARNING_PARTNER: "a learning partner",
}


#: Sign-in required; a refusal (``Forbidden``) becomes a 403 page that says why.
partnership_page = refusal_page(f"{T}forbidden.html")


def posted(request: HttpRequest) -> Any:
    """The submitted data for a form, or None on GET (an empty POST still shows errors)."""
    return request.POST if request.method == "POST" else None


def choices(field: forms.BoundField, hints: dict[str, str]) -> list[dict[str, object]]:
    return [{"radio": radio, "hint": hints.get(str(radio.data["value"]), "")} for radio in field]


def render_tab(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    tab: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A page of one partnership, with its header, tabs and what the person may do."""
    user = request_user(request)
    perms = partnership_permissions_for(user=user, partnership=partnership)
    page: dict[str, Any] = {
        "partnership": partnership,
        "tab": tab,
        "tabs": TABS,
        "can": {
            "manage": PartnershipPermission.MANAGE in perms,
            "contribute": PartnershipPermission.CONTRIBUTE in perms,
            "lead_discovery": PartnershipPermission.LEAD_DISCOVERY in perms,
            "agree_discovery": PartnershipPermission.AGREE_DISCOVERY in perms,
        },
    }
    page.update(context or {})
    return render(request, f"{T}{template}", page, status=status)
