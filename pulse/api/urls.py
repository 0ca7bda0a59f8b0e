"""API v1 routes of the pulse app (mounted under /api/v1/ with the ``api`` namespace)."""

from django.urls import URLPattern, URLResolver

from pulse.api import views

urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
