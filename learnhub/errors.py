"""The project's small error vocabulary, on top of Django's ValidationError/PermissionDenied.

Services raise these; ``learnhub.api.exception_handler`` maps them for the API and the
web views show their message. An outsider never sees ``Forbidden``: gateways raise
``Http404`` for them instead.
"""


class LearnHubError(Exception):
    """Base class: ``message`` is plain English, safe to show to the person acting."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        #: Fields the API adds beside ``detail`` (e.g. ``waiting_for`` of a refused publish).
        self.extra: dict[str, object] = {}


class Conflict(LearnHubError):
    """The request conflicts with the object's current state (HTTP 409)."""

    status_code = 409


class Forbidden(LearnHubError):
    """A party may see the object but not do this; the message says why (HTTP 403)."""

    status_code = 403
