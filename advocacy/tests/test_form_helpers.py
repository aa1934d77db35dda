"""The shared helpers of pages: a service's errors onto a form, a safe ``next`` URL."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from advocacy.forms.service_errors import form_add_service_errors, service_error_messages
from advocacy.redirects import next_url_or, safe_next_url


class _NameForm(forms.Form):
    name = forms.CharField()


def test_field_errors_land_on_their_field_and_the_rest_on_top():
    form = _NameForm({"name": "x"})
    assert form.is_valid()
    form_add_service_errors(form, ValidationError({"name": ["Taken."], "other": ["Odd."]}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]


def test_an_error_without_a_field_lands_on_top():
    form = _NameForm({"name": "x"})
    form.is_valid()
    form_add_service_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def test_service_error_messages_flatten_in_order():
    assert service_error_messages(ValidationError({"a": ["1"], "b": ["2"]})) == ["1", "2"]
    assert service_error_messages(ValidationError("3")) == ["3"]


@pytest.mark.parametrize(
    "candidate,expected",
    [
        ("/o/acme/", "/o/acme/"),
        ("http://testserver/o/acme/", "http://testserver/o/acme/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
        (["/o/acme/"], None),
    ],
)
def test_safe_next_url_only_follows_this_site(candidate, expected):
    request = RequestFactory().get("/")
    assert safe_next_url(request, candidate) == expected
    assert next_url_or(request, candidate, "/home/") == (expected or "/home/")
