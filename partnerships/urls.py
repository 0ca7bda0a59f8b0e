"""Web pages of the app, under the ``partnerships`` namespace.

Each module of ``partnerships.views`` owns its ``urlpatterns``; the home page and the
dashboard (``partnerships.views.dashboard``) sit at the root without a namespace.
"""

from partnerships.views import commissioning, organisations, partnerships

app_name = "partnerships"

urlpatterns = [
    *organisations.urlpatterns,
    *partnerships.urlpatterns,
    *commissioning.urlpatterns,
]
