"""Form helpers shared by every app's web views."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from learnhub.errors import Conflict

FieldMap = Callable[[str], str | None]


def form_add_service_errors(
    form: forms.Form,
    error: ValidationError,
    where: FieldMap | None = None,
) -> None:
    """Show a service's ``ValidationError`` on ``form``, so it reaches the error summary.

    Messages go on the field the service names when the form has it (``where`` maps a
    service field name to a form field name, or None for the form as a whole); anything
    else, and errors without a field, go on the form itself.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_messages in error.message_dict.items():
        target = where(name) if where is not None else (name if name in form.fields else None)
        form.add_error(target, field_messages)


@dataclass
class ServiceCall:
    """How a service called for a form went: ``status`` is the page's status when the
    form is shown again (400 for bad input, the conflict's own code, usually 409)."""

    status: int = 200

    @property
    def failed(self) -> bool:
        return self.status != 200


@contextmanager
def service_errors_to(form: forms.Form, *, where: FieldMap | None = None) -> Iterator[ServiceCall]:
    """Call a service inside ``with service_errors_to(form) as call:``; its
    ``ValidationError`` lands on the form's fields and its ``Conflict`` on the form as a
    whole, and ``call.failed`` / ``call.status`` say how to answer. Anything else (a
    ``Forbidden`` for the page's 403, a bug) goes on up.
    """
    call = ServiceCall()
    try:
        yield call
    except ValidationError as error:
        form_add_service_errors(form, error, where)
        call.status = 400
    except Conflict as conflict:
        form.add_error(None, conflict.message)
        call.status = conflict.status_code
