"""API v1 routes of the app; each module of ``partnerships.api`` owns its ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
