"""Query filters of the API's lists, read one way everywhere.

* ``choice_filters``: an enumerated filter (``?status=``, ``?role=``, ``?kind=``…) holds one
  of its allowed values or nothing; any other value is a 400 in the API's error format whose
  message names the allowed values (never an empty 200 that looks like "no rows").
* ``text_filters``: a free-text filter may hold anything but a NUL character, which
  PostgreSQL refuses in a string (a 500 otherwise).
* ``ChoiceFilterField``: the same rule and message for a filter serializer's field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

#: The values a boolean filter accepts (``?campaign_ready=true``).
BOOLEAN_VALUES = ("true", "false", "1", "0")


def not_allowed_message(allowed: Iterable[str]) -> str:
    return _("Not an allowed value. Allowed: %(values)s.") % {
        "values": ", ".join(str(v) for v in allowed)
    }


def text_filters(params: Any, names: Iterable[str]) -> dict[str, str]:
    """The named query parameters as text ("" when absent); ``ValidationError`` naming
    each one that holds a NUL character."""
    values, errors = {}, {}
    for name in names:
        value = str(params.get(name) or "")
        if "\x00" in value:
            errors[name] = [_("This contains a character that is not allowed.")]
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


def choice_filters(params: Any, allowed: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Each named filter's value ("" when absent or empty); ``ValidationError`` naming the
    allowed values of each filter that holds another value."""
    values, errors = {}, {}
    for name, choices in allowed.items():
        choices = [str(c) for c in choices]
        value = str(params.get(name) or "")
        if value and value not in choices:
            errors[name] = [not_allowed_message(choices)]
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


def whole_number_filters(params: Any, names: Iterable[str]) -> dict[str, int | None]:
    """Each named filter as a whole number (``None`` when absent); a 400 otherwise."""
    values: dict[str, int | None] = {}
    errors = {}
    for name in names:
        raw = str(params.get(name) or "")
        try:
            values[name] = int(raw) if raw else None
        except ValueError:
            errors[name] = [_("A whole number.")]
    if errors:
        raise ValidationError(errors)
    return values


class ChoiceFilterField(serializers.ChoiceField):
    """A filter serializer's enumerated filter: an unknown value names the allowed ones."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        if str(data) not in self.choice_strings_to_values:
            raise serializers.ValidationError(
                not_allowed_message(c for c in self.choices if c != "")
            )
        return super().to_internal_value(data)
