"""The pages of learning sessions (namespace ``rhythm``)."""

from rhythm.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
