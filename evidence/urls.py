"""Web pages of the app, under the ``evidence`` namespace.

Each module of ``evidence.views`` owns its ``urlpatterns``; this list splices them in.
"""

from django.urls import URLPattern, URLResolver

from evidence.views import (
    briefs,
    coding,
    comments,
    items,
    learning_actions,
    library,
    plain_words,
    share_links,
)

app_name = "evidence"

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
