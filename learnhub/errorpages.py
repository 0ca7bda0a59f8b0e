"""The answers for errors no view handled: ``handler400/403/404/500`` in ``learnhub.urls``
and ``CSRF_FAILURE_VIEW``.

Under ``/api/`` they answer JSON like the rest of the API (``{"detail": ...}``); elsewhere a
LearnHub page that says what happened and what to do next (templates ``400.html``,
``403.html``, ``404.html``, ``500.html``, ``403_csrf.html``). The 500 page is drawn
without the request's context processors, so that a failing database or session cannot make
it fail too.
"""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

API_DETAIL = {
    400: "The request could not be understood.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "Something went wrong on our side. Nothing was changed; try again later.",
}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _site() -> dict[str, Any]:
    return {
        "site_name": settings.LEARNHUB_SITE_NAME,
        "support_email": settings.LEARNHUB_SUPPORT_EMAIL,
    }


def _page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": API_DETAIL[status]}, status=status)
    response = TemplateResponse(request, template, _site(), status=status)
    return response.render()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 403, "403.html")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Under /api/ a URL that matches nothing (an id out of range included) answers like
    a missing row does, ``{"detail": "Not found."}``; elsewhere, LearnHub's page."""
    return _page(request, 404, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn from settings alone, never from the request's context processors (they may
    be what failed); the reference lets support find the failure in the logs."""
    if _is_api(request):
        return JsonResponse({"detail": API_DETAIL[500]}, status=500)
    reference = uuid.uuid4().hex[:8].upper()
    # Next to the traceback Django has just logged, so support can find it by reference.
    logger.error("Server error page shown for %s, reference %s", request.path, reference)
    context = {**_site(), "reference": reference}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: nothing was saved; say how to send it again."""
    if _is_api(request):
        return JsonResponse({"detail": f"CSRF failed: {reason}"}, status=403)
    return _page(request, 403, "403_csrf.html")
