from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from learnhub import site_views
from learnhub.views import healthz

api_v1 = [
    path("", include("partnerships.api.urls")),
    path("", include("notifications.api.views")),
    path("", include("consent.api.urls")),
    path("", include("rhythm.api.urls")),
    path("", include("evidence.api.urls")),
    path("", include("pulse.api.urls")),
    path("", include("grants.api.views")),
]

# Ids in every app's URLs use the `id` converter (`<id:pk>`, learnhub.inputs.IdConverter):
# a number no row can have matches nothing, and so answers 404 like a missing row.
handler400 = "learnhub.errorpages.bad_request"
handler403 = "learnhub.errorpages.permission_denied"
handler404 = "learnhub.errorpages.not_found"
handler500 = "learnhub.errorpages.server_error"

urlpatterns = [
    path("", include("partnerships.views.dashboard")),
    path("", include("partnerships.urls")),
    path("", include("consent.views")),
    path("", include("rhythm.urls")),
    path("", include("evidence.urls")),
    path("", include("pulse.views")),
    path("", include("grants.views")),
    path("notifications/", include("notifications.views")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("accounts.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("", include(site_views)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
]
