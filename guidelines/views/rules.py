"""Caption rules (admins): list, create, edit, switch on and off, delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.networks import MAX_CAPTION_LENGTH, Network

from .. import selectors, services
from ..forms import RuleForm
from ..models import GuidelineRule
from .base import MANAGE, GuidelinesPageView


class RuleListView(GuidelinesPageView):
    capability = MANAGE

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        rules = list(selectors.guideline_rules(organization=self.organization))
        return render(
            request,
            "guidelines/rule_list.html",
            self.get_context_data(
                rules=rules,
                limits=[(Network(n).label, limit) for n, limit in MAX_CAPTION_LENGTH.items()],
            ),
        )


def _rule_fields(form: Form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "networks": list(data["networks"]),
        "pattern": data["pattern"],
        "replacement": data["replacement"],
        "max_length": data["max_length"],
        "severity": data["severity"],
        "message": data["message"],
    }


class _RuleFormView(GuidelinesPageView):
    """The rule form: shown, and on a valid post saved by ``_save`` and back to the list."""

    capability = MANAGE

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                saved = self._save(_rule_fields(form))
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, saved)
                return redirect("guidelines_rules", org_slug=self.organization.slug)
        return self._render(form, status=400)

    def _save(self, fields: dict[str, Any]) -> str:
        """Save the rule; the message that says so."""
        raise NotImplementedError

    def _rule(self) -> GuidelineRule | None:
        return None

    def _render(self, form: Form, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "guidelines/rule_form.html",
            self.get_context_data(form=form, rule=self._rule()),
            status=status,
        )


class RuleCreateView(_RuleFormView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(RuleForm(initial={"kind": request.GET.get("kind", "")}))

    def _save(self, fields: dict[str, Any]) -> str:
        services.guideline_rule_create(actor=self.membership, **fields)
        return _("Rule added.")


class RuleEditView(_RuleFormView):
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(RuleForm.for_rule(self.object))

    def _save(self, fields: dict[str, Any]) -> str:
        services.guideline_rule_update(rule=self.object, actor=self.membership, **fields)
        return _("Rule saved.")

    def _rule(self) -> GuidelineRule | None:
        return self.object


class RuleToggleView(GuidelinesPageView):
    capability = MANAGE
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        rule = services.guideline_rule_set_active(
            rule=self.object, actor=self.membership, is_active=not self.object.is_active
        )
        messages.success(request, _("Rule turned on.") if rule.is_active else _("Rule turned off."))
        return redirect("guidelines_rules", org_slug=self.organization.slug)


class RuleDeleteView(GuidelinesPageView):
    capability = MANAGE
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "guidelines/rule_confirm_delete.html",
            self.get_context_data(rule=self.object),
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        services.guideline_rule_delete(rule=self.object, actor=self.membership)
        messages.success(request, _("Rule deleted."))
        return redirect("guidelines_rules", org_slug=self.organization.slug)
