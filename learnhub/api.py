"""Shared REST framework pieces: pagination, the one exception handler, and the error
answers every API module documents in the OpenAPI schema."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from learnhub.errors import LearnHubError


class DetailSerializer(serializers.Serializer[Any]):
    """The body of every 401/403/404/409 (and some 400) answer, for the OpenAPI schema."""

    detail = serializers.CharField(help_text="What went wrong, in plain words.")


def refusal(description: str, serializer: Any = DetailSerializer) -> OpenApiResponse:
    """An error answer (401/403/404/409) for the schema: ``{"detail": ...}`` described by
    ``description``, what it means for that endpoint."""
    return OpenApiResponse(serializer, description=description)


#: 400: the fields that were wrong, each with its messages.
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="{field: [messages]}")
#: 403: a party may see the object but not do this.
FORBIDDEN = refusal("You may see this but not do it.")
#: 409: the object's state does not allow it now.
CONFLICT = refusal("Not possible in the current state.")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _validation_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): [str(m) for e in errors for m in e]
            for field, errors in error.error_dict.items()
        }
    return {"detail": " ".join(str(m) for m in error.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map service errors to the contract's status codes; never let bad input become a 500."""
    if isinstance(exc, LearnHubError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or "You do not have permission to do this."
        exc = exceptions.PermissionDenied(message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    return drf_exception_handler(exc, context)


def document_pagination_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a paginated list answers 404 for a page past
    the end (DRF's "Invalid page."), so every operation with a ``page`` parameter says so."""
    not_found = {
        "description": "No such page.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                }
            }
        },
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page" in names:
                operation.setdefault("responses", {}).setdefault("404", not_found)
    return result
