"""Form helpers shared by every app's web views."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(
    form: forms.Form,
    error: ValidationError,
    where: Callable[[str], str | None] | None = None,
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
