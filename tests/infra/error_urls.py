"""The project's URLs, its error handlers, and views that fail on purpose: the error pages
are tested through the real handlers, as a request that went wrong would reach them."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from learnhub import urls as project_urls
from learnhub.urls import handler400, handler403, handler404, handler500


def _refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered")


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("failing/refused/", _refused),
    path("failing/suspicious/", _suspicious),
    path("failing/broken/", _broken),
    path("api/v1/failing/broken/", _broken),
    *project_urls.urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
