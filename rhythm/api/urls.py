"""API v1 routes of learning sessions."""

from django.urls import URLPattern, URLResolver

from rhythm.api import sessions

urlpatterns: list[URLPattern | URLResolver] = [*sessions.urlpatterns]
