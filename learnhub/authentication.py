"""How API callers prove who they are: allauth headless session tokens (apps) or the
session cookie (browsers). Kept apart from ``learnhub.api`` because DRF imports
authentication classes while ``rest_framework.views`` is still loading."""

from typing import Any

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's ``X-Session-Token`` authentication, answering 401 (not 403) when no
    credentials are given, as the API contract says: DRF sends 401 only when the first
    authentication class names a ``WWW-Authenticate`` challenge."""

    def authenticate_header(self, request: Any) -> str:
        return 'Session-Token header="X-Session-Token"'


# drf-spectacular's extension registry (__init_subclass__) is untyped.
class SessionTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the ``X-Session-Token`` header in the OpenAPI schema."""

    target_class = "learnhub.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
