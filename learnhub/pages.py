"""What every signed-in web page shares: sign-in first, and a refusal shown as a page.

Each app's pages call one gateway (``<app>.access``) first: an outsider gets a 404 from it,
and a party that may see the object but not do this gets ``Forbidden``. ``refusal_page``
makes the decorator that turns that ``Forbidden`` into a 403 page saying why, with a way
back. Every app's page decorator is one line built from it. A part of a page that htmx
asks for again (a brief's drafting status) while the person is signed out gets
``HX-Refresh`` instead of the sign-in page, so the whole page reloads and asks them to
sign in, rather than the sign-in form landing inside the page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRefresh

from learnhub.errors import Forbidden

View = Callable[..., HttpResponseBase]
RefusalContext = Callable[[Forbidden], dict[str, Any]]


def refusal_page(template: str, *, context: RefusalContext | None = None) -> Callable[[View], View]:
    """A decorator for pages: sign-in required, and ``Forbidden`` becomes ``template``
    rendered with status 403 and ``reason`` (the refusal's message), ``partnership_pk``
    (from the URL, when it has one) and whatever ``context`` adds for the refusal."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except Forbidden as refusal:
                shown: dict[str, Any] = {
                    "reason": refusal.message,
                    "partnership_pk": kwargs.get("partnership_pk"),
                }
                if context is not None:
                    shown.update(context(refusal))
                return render(request, template, shown, status=403)

        @wraps(view)
        def signed_in_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if getattr(request, "htmx", False) and not request.user.is_authenticated:
                return HttpResponseClientRefresh()
            return page(request, *args, **kwargs)

        return signed_in_page

    return decorate
