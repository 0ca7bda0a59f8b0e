"""API v1 routes of the app; each module of ``evidence.api`` owns its ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

from evidence.api import (
    briefs,
    coding,
    comments,
    items,
    learning_actions,
    library,
    plain_words,
    share_links,
)

urlpatterns: list[URLPattern | URLResolver] = [
    *items.urlpatterns,
    *briefs.urlpatterns,
    *comments.urlpatterns,
    *learning_actions.urlpatterns,
    *coding.urlpatterns,
    *share_links.urlpatterns,
    *library.urlpatterns,
    *plain_words.urlpatterns,
]
