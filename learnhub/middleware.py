"""Middleware of our own: refuse requests malformed in ways no view can be trusted to
survive, with a 400 and a plain JSON reason, before any view (ours, allauth's or the
admin's) reads them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from learnhub.inputs import MAX_JSON_DEPTH, json_too_deep

#: Bodies that no parser of ours or allauth's reads as JSON (the form parsers do not nest).
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _bad_request(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=400)


class MalformedRequestMiddleware:
    """Two rules, each a 400:

    - **No NUL character in the URL** (path or query string). PostgreSQL cannot store or
      compare text holding one, so psycopg raises on any lookup that carries it (a search,
      an invitation token, the admin's search box). Text fields of forms and serializers
      refuse it themselves (Django's and REST framework's ``ProhibitNullCharactersValidator``);
      ``learnhub.api.JSONParser`` refuses it anywhere in an API body.
    - **No body nested more than ``MAX_JSON_DEPTH`` levels deep.** Python's JSON parser
      raises ``RecursionError`` at about a thousand levels, and allauth's headless views
      parse every body as JSON whatever its content type, so every body but a form's is
      checked, without parsing it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _bad_request("The address may not contain a NUL character (%00).")
        content_type = (request.content_type or "").lower()
        has_body = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        if has_body and not content_type.startswith(_FORM_TYPES) and json_too_deep(request.body):
            return _bad_request(
                f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
            )
        return self.get_response(request)
