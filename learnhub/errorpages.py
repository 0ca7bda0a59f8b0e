"""Error answers for URLs that match no view (``handler404`` in ``learnhub.urls``)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Under /api/ a URL that matches nothing (an id out of range included) answers like
    a missing row does, ``{"detail": "Not found."}``; elsewhere, Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
