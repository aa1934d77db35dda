"""A service's ``ValidationError`` shown where the person will read it: on a form (field
errors on their field, everything else at the top), or as a flat list of messages for
pages that answer with a redirect and flash messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Field errors on the form's field of that name; errors keyed by a name the form does
    not have, and errors without a field, at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def service_error_messages(exc: ValidationError) -> list[str]:
    """Every message of the error, field-keyed or not, in order."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
