"""API v1 routes of the app; each module of ``partnerships.api`` owns its ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

from partnerships.api import organisations, partnerships

urlpatterns: list[URLPattern | URLResolver] = [
    *organisations.urlpatterns,
    *partnerships.urlpatterns,
]
