"""Caption rules: create, change, switch on and off, delete. Admin writes, audit-logged;
every change invalidates the organization's compiled rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.services import audit_log_record

from ..checker import rules_changed
from ..models import GuidelineRule, RuleKind, Severity
from .access import require_capability

RULE_FIELDS = ("kind", "networks", "pattern", "replacement", "max_length", "severity", "message")


def _rule_apply(rule: GuidelineRule, data: dict[str, Any]) -> None:
    unknown = set(data) - set(RULE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"Unknown rule fields: {sorted(unknown)}")
    for name, value in data.items():
        if name in ("pattern", "replacement", "message") and isinstance(value, str):
            value = value.strip()
        if name == "networks":
            value = sorted(set(value or []))
        setattr(rule, name, value)
    if rule.kind != RuleKind.MAX_LENGTH:
        rule.max_length = None
    if rule.kind == RuleKind.MAX_LENGTH:
        rule.pattern = ""
    if rule.kind not in (RuleKind.BRAND_SPELLING, RuleKind.BANNED_TERM):
        rule.replacement = ""
    if rule.severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose block or warn.")]})
    rule.full_clean(exclude=["organization", "created_by"])


@transaction.atomic
def guideline_rule_create(*, actor: Membership, **fields: Any) -> GuidelineRule:
    """Fields: kind, networks, pattern, replacement, max_length, severity, message."""
    organization = actor.organization
    require_capability(actor, organization)
    rule = GuidelineRule(organization=organization, created_by=actor.user)
    _rule_apply(rule, fields)
    rule.save()
    rules_changed(organization)
    _rule_audit_record(actor, rule, "guideline_rule.created")
    return rule


@transaction.atomic
def guideline_rule_update(
    *, actor: Membership, rule: GuidelineRule, **fields: Any
) -> GuidelineRule:
    require_capability(actor, rule.organization_id)
    _rule_apply(rule, fields)
    rule.save()
    rules_changed(rule.organization)
    _rule_audit_record(actor, rule, "guideline_rule.updated")
    return rule


@transaction.atomic
def guideline_rule_set_active(
    *, actor: Membership, rule: GuidelineRule, is_active: bool
) -> GuidelineRule:
    require_capability(actor, rule.organization_id)
    rule.is_active = is_active
    rule.save(update_fields=["is_active", "updated_at"])
    rules_changed(rule.organization)
    _rule_audit_record(
        actor, rule, "guideline_rule.activated" if is_active else "guideline_rule.deactivated"
    )
    return rule


@transaction.atomic
def guideline_rule_delete(*, actor: Membership, rule: GuidelineRule) -> None:
    require_capability(actor, rule.organization_id)
    organization = rule.organization
    _rule_audit_record(actor, rule, "guideline_rule.deleted")
    rule.delete()
    rules_changed(organization)


def _rule_audit(rule: GuidelineRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "networks": rule.networks,
        "pattern": rule.pattern,
        "replacement": rule.replacement,
        "max_length": rule.max_length,
        "severity": rule.severity,
        "is_active": rule.is_active,
    }


def _rule_audit_record(actor: Membership, rule: GuidelineRule, action: str) -> None:
    audit_log_record(
        organization=rule.organization,
        actor=actor.user,
        action=action,
        target=rule,
        data=_rule_audit(rule),
    )
