"""The audit log as sentences a person reads: "Alice Thompson (admin) changed Ben Carter's
role from Employee to Manager". One entry per action, keyed by the action name that
services record (``audit_log_record(action=...)``): a short label for the filter and a
function that writes the sentence from the entry's data and the names around it.

``describe_entries`` loads those names for a whole page at once (the actors' roles, the
members, documents and items the entries point at): a constant number of queries however
many entries. Sentences are translated when they are rendered, with placeholders, and
every value in them is escaped; an action without an entry here still reads sensibly
("Alice Thompson (admin): thing #4") and shows its raw name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import AuditLogEntry, Membership, Organization, Role
from .networks import Network

# --- What a sentence is made of ---------------------------------------------------------


@dataclass
class Names:
    """Names an entry's sentence may need, loaded once per page."""

    actor_roles: dict[int, str] = field(default_factory=dict)  # user id -> role
    members: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (name, user id)
    documents: dict[str, str] = field(default_factory=dict)  # document id -> title
    items: dict[str, str] = field(default_factory=dict)  # content item id -> title


def _fmt(template: str, **params: Any) -> SafeString:
    """``template % params`` with the template and every value escaped (values already
    marked safe, such as an actor's rendered name, are kept)."""
    escaped = {k: conditional_escape("" if v is None else v) for k, v in params.items()}
    return mark_safe(conditional_escape(template) % escaped)  # noqa: S308 -- all escaped


def _person(user: Any) -> str:
    return (getattr(user, "name", "") or getattr(user, "email", "")) if user else ""


def _role(value: Any) -> str:
    return str(dict(Role.choices).get(value, value or ""))


def _actor(entry: AuditLogEntry, names: Names) -> SafeString | str:
    if entry.actor_id is None:
        return _("The system")
    name = _person(entry.actor)
    role = names.actor_roles.get(entry.actor_id)
    if not role:
        return name
    return _fmt(_("%(name)s (%(role)s)"), name=name, role=_role(role).lower())


def _member(entry: AuditLogEntry, names: Names) -> str:
    """The member an entry is about: their name now, else the e-mail it recorded."""
    known = names.members.get(entry.target_id)
    return known[0] if known else entry.data.get("email") or f"#{entry.target_id}"


def _document(entry: AuditLogEntry, names: Names, key: str = "document_id") -> str:
    data = entry.data
    if entry.target_type == "policydocument":
        return names.documents.get(entry.target_id) or data.get("title") or f"#{entry.target_id}"
    document_id = str(data.get(key, ""))
    return names.documents.get(document_id) or data.get("title") or f"#{document_id}"


def _item(entry: AuditLogEntry, names: Names) -> str:
    return names.items.get(entry.target_id) or entry.data.get("title") or f"#{entry.target_id}"


def _value(field_name: str, value: Any) -> str:
    """A member field's value as a person reads it."""
    if value in (None, ""):
        return _("none")
    if field_name == "role":
        return _role(value)
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("id") or "")
    return str(value)


MEMBER_FIELDS: dict[str, Promise] = {
    "role": gettext_lazy("role"),
    "department": gettext_lazy("department"),
    "location": gettext_lazy("location"),
    "language": gettext_lazy("content language"),
    "job_title": gettext_lazy("job title"),
    "external_id": gettext_lazy("employee ID"),
}


def _rule(entry: AuditLogEntry) -> str:
    data = entry.data
    kinds: dict[str, Any] = {}
    if apps.is_installed("guidelines"):
        # GuidelineRule.kind is a CharField with flat choices.
        kind_field = apps.get_model("guidelines", "GuidelineRule")._meta.get_field("kind")
        kinds = dict(cast("list[tuple[str, Any]]", kind_field.choices))
    kind = str(kinds.get(data.get("kind"), data.get("kind") or ""))
    subject = data.get("pattern") or data.get("max_length") or ""
    return f"{kind} “{subject}”" if subject else kind


# --- The sentences ------------------------------------------------------------------------

Sentence = Callable[[AuditLogEntry, Any, Names], SafeString]


def _simple(template: Promise, **extract: Callable[[AuditLogEntry, Names], Any]) -> Sentence:
    """A sentence whose placeholders are the actor and values taken from the entry."""

    def render(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
        params = {name: get(entry, names) for name, get in extract.items()}
        return _fmt(str(template), actor=actor, **params)

    return render


def _data(key: str) -> Callable[[AuditLogEntry, Names], Any]:
    return lambda entry, names: entry.data.get(key) or ""


def _membership_created(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    role = _role(entry.data.get("role"))
    member = names.members.get(entry.target_id)
    if entry.data.get("via") == "invitation" or (
        member is not None
        and member[1] == entry.actor_id
        and entry.action != "organization.created"
    ):
        return _fmt(_("%(actor)s joined as %(role)s"), actor=actor, role=role)
    return _fmt(
        _("%(actor)s added %(member)s as %(role)s"),
        actor=actor,
        member=_member(entry, names),
        role=role,
    )


def _membership_updated(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    member = _member(entry, names)
    changes = entry.data.get("changes") or {}
    parts = []
    for name, change in changes.items():
        old, new = [*change, None, None][:2] if isinstance(change, list | tuple) else (None, change)
        label = MEMBER_FIELDS.get(name, name)
        parts.append(
            _fmt(
                _("%(actor)s changed %(member)s's %(field)s from %(old)s to %(new)s"),
                actor=actor,
                member=member,
                field=str(label),
                old=_value(name, old),
                new=_value(name, new),
            )
        )
    if not parts:
        return _fmt(_("%(actor)s changed %(member)s's profile"), actor=actor, member=member)
    return mark_safe("; ".join(parts))  # noqa: S308 -- each part is escaped


def _membership_reactivated(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    if entry.data.get("via") == "invitation":
        return _fmt(
            _("%(actor)s came back through an invitation as %(role)s"),
            actor=actor,
            role=_role(entry.data.get("role")),
        )
    return _fmt(_("%(actor)s reactivated %(member)s"), actor=actor, member=_member(entry, names))


def _department_deleted(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    members = int(entry.data.get("members") or 0)
    return _fmt(
        ngettext(
            "%(actor)s deleted the department %(name)s (%(n)s member had it)",
            "%(actor)s deleted the department %(name)s (%(n)s members had it)",
            members,
        )
        if members
        else _("%(actor)s deleted the department %(name)s"),
        actor=actor,
        name=entry.data.get("name") or "",
        n=members,
    )


def _version_published(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    template = (
        _("%(actor)s published version %(number)s of %(title)s; everyone must accept it again")
        if entry.data.get("requires_reacknowledgement")
        else _("%(actor)s published version %(number)s of %(title)s")
    )
    return _fmt(
        template, actor=actor, number=entry.data.get("number"), title=_document(entry, names)
    )


def _reminders_sent(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    count = int(entry.data.get("count") or 0)
    return _fmt(
        ngettext(
            "%(actor)s reminded %(count)s member to accept version %(number)s of %(title)s",
            "%(actor)s reminded %(count)s members to accept version %(number)s of %(title)s",
            count,
        ),
        actor=actor,
        count=count,
        number=entry.data.get("number"),
        title=_document(entry, names),
    )


def _rule_sentence(template: Promise) -> Sentence:
    def render(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
        return _fmt(str(template), actor=actor, rule=_rule(entry))

    return render


def _network_policy(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    after = entry.data.get("after") or {}
    network = str(dict(Network.choices).get(entry.data.get("network"), entry.data.get("network")))
    if after.get("required"):
        template = _("%(actor)s made %(network)s required for members")
    elif after.get("allowed", True):
        template = _("%(actor)s allowed %(network)s, not required")
    else:
        template = _("%(actor)s did not allow %(network)s any more")
    return _fmt(template, actor=actor, network=network)


def _item_sentence(template: Promise) -> Sentence:
    def render(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
        return _fmt(str(template), actor=actor, title=_item(entry, names))

    return render


def _settings_changed(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    if entry.data.get("reapproval_on_edit"):
        return _fmt(_("%(actor)s required a new approval after every edit"), actor=actor)
    return _fmt(_("%(actor)s stopped requiring a new approval after edits"), actor=actor)


def _points_rule_changed(entry: AuditLogEntry, actor: Any, names: Names) -> SafeString:
    action = str(entry.data.get("action") or "")
    try:  # the labels of campaigns' actions, without importing the app built on the core
        field = apps.get_model("campaigns", "PointsRule")._meta.get_field("action")
        label = str(dict(field.choices or ()).get(action, action))
    except LookupError:
        label = action
    points = entry.data.get("points") or [None, None]
    return _fmt(
        _("%(actor)s set the points for “%(action)s” to %(points)s from then on"),
        actor=actor,
        action=label,
        points=points[-1] if isinstance(points, list) and points else points,
    )


@dataclass(frozen=True)
class AuditAction:
    label: Promise  # short, for the filter's list
    sentence: Sentence


#: Labels and sentence templates are lazy: translated when a page renders them.
ACTIONS: dict[str, AuditAction] = {
    # Organization and members
    "organization.created": AuditAction(
        gettext_lazy("Organization created"),
        _simple(gettext_lazy("%(actor)s created the organization %(name)s"), name=_data("name")),
    ),
    "membership.created": AuditAction(gettext_lazy("Member added"), _membership_created),
    "membership.updated": AuditAction(gettext_lazy("Member changed"), _membership_updated),
    "membership.deactivated": AuditAction(
        gettext_lazy("Member deactivated"),
        _simple(gettext_lazy("%(actor)s deactivated %(member)s"), member=_member),
    ),
    "membership.reactivated": AuditAction(
        gettext_lazy("Member reactivated"), _membership_reactivated
    ),
    # Invitations
    "invitation.created": AuditAction(
        gettext_lazy("Invitation sent"),
        _simple(
            gettext_lazy("%(actor)s invited %(email)s as %(role)s"),
            email=_data("email"),
            role=lambda e, n: _role(e.data.get("role")),
        ),
    ),
    "invitation.resent": AuditAction(
        gettext_lazy("Invitation sent again"),
        _simple(
            gettext_lazy("%(actor)s sent the invitation to %(email)s again"), email=_data("email")
        ),
    ),
    "invitation.revoked": AuditAction(
        gettext_lazy("Invitation withdrawn"),
        _simple(
            gettext_lazy("%(actor)s withdrew the invitation to %(email)s"), email=_data("email")
        ),
    ),
    "invitation.accepted": AuditAction(
        gettext_lazy("Invitation accepted"),
        _simple(
            gettext_lazy("%(actor)s accepted the invitation sent to %(email)s"),
            email=_data("email"),
        ),
    ),
    "invitation.expired": AuditAction(
        gettext_lazy("Invitation expired"),
        _simple(gettext_lazy("The invitation to %(email)s expired"), email=_data("email")),
    ),
    # Departments
    "department.created": AuditAction(
        gettext_lazy("Department created"),
        _simple(gettext_lazy("%(actor)s created the department %(name)s"), name=_data("name")),
    ),
    "department.renamed": AuditAction(
        gettext_lazy("Department renamed"),
        _simple(
            gettext_lazy("%(actor)s renamed the department %(old)s to %(new)s"),
            old=_data("from"),
            new=_data("to"),
        ),
    ),
    "department.deleted": AuditAction(gettext_lazy("Department deleted"), _department_deleted),
    # Guidelines
    "policy_document.created": AuditAction(
        gettext_lazy("Document created"),
        _simple(gettext_lazy("%(actor)s created the document %(title)s"), title=_document),
    ),
    "policy_document.updated": AuditAction(
        gettext_lazy("Document details changed"),
        _simple(gettext_lazy("%(actor)s changed the details of %(title)s"), title=_document),
    ),
    "policy_version.published": AuditAction(
        gettext_lazy("Document version published"), _version_published
    ),
    "policy_image.uploaded": AuditAction(
        gettext_lazy("Document image uploaded"),
        _simple(gettext_lazy("%(actor)s uploaded an image to %(title)s"), title=_document),
    ),
    "policy_image.deleted": AuditAction(
        gettext_lazy("Document image deleted"),
        _simple(gettext_lazy("%(actor)s deleted an image of %(title)s"), title=_document),
    ),
    "policy_reminders.sent": AuditAction(gettext_lazy("Policy reminders sent"), _reminders_sent),
    "guideline_rule.created": AuditAction(
        gettext_lazy("Caption rule added"),
        _rule_sentence(gettext_lazy("%(actor)s added the caption rule %(rule)s")),
    ),
    "guideline_rule.updated": AuditAction(
        gettext_lazy("Caption rule changed"),
        _rule_sentence(gettext_lazy("%(actor)s changed the caption rule %(rule)s")),
    ),
    "guideline_rule.activated": AuditAction(
        gettext_lazy("Caption rule turned on"),
        _rule_sentence(gettext_lazy("%(actor)s turned on the caption rule %(rule)s")),
    ),
    "guideline_rule.deactivated": AuditAction(
        gettext_lazy("Caption rule turned off"),
        _rule_sentence(gettext_lazy("%(actor)s turned off the caption rule %(rule)s")),
    ),
    "guideline_rule.deleted": AuditAction(
        gettext_lazy("Caption rule deleted"),
        _rule_sentence(gettext_lazy("%(actor)s deleted the caption rule %(rule)s")),
    ),
    # Raffles (campaigns/services/raffles.py)
    "raffle.created": AuditAction(
        gettext_lazy("Raffle created"),
        _simple(gettext_lazy("%(actor)s created the raffle %(title)s"), title=_data("title")),
    ),
    "raffle.closed": AuditAction(
        gettext_lazy("Raffle closed"),
        _simple(
            gettext_lazy("%(actor)s closed the raffle %(title)s and froze its entries"),
            title=_data("title"),
        ),
    ),
    "raffle.drawn": AuditAction(
        gettext_lazy("Raffle drawn"),
        _simple(gettext_lazy("%(actor)s drew the raffle %(title)s"), title=_data("title")),
    ),
    # Networks
    "network_policy.update": AuditAction(gettext_lazy("Network rules changed"), _network_policy),
    # Company pages and amplification (campaigns/services/amplification.py)
    "company_page.connected": AuditAction(
        gettext_lazy("Company page connected"),
        _simple(gettext_lazy("%(actor)s connected the company page %(name)s"), name=_data("name")),
    ),
    "company_page.disconnected": AuditAction(
        gettext_lazy("Company page disconnected"),
        _simple(
            gettext_lazy("%(actor)s disconnected the company page %(name)s"), name=_data("name")
        ),
    ),
    "amplification.created": AuditAction(
        gettext_lazy("Post re-shared from a company page"),
        _simple(
            gettext_lazy("%(actor)s re-shared an employee's post from %(name)s"),
            name=_data("page"),
        ),
    ),
    "instagram_business.connected": AuditAction(
        gettext_lazy("Instagram business account connected"),
        _simple(
            gettext_lazy("%(actor)s connected the Instagram business account %(account)s"),
            account=_data("account"),
        ),
    ),
    "instagram_business.disconnected": AuditAction(
        gettext_lazy("Instagram business account disconnected"),
        _simple(
            gettext_lazy("%(actor)s disconnected the Instagram business account %(account)s"),
            account=_data("account"),
        ),
    ),
    # Content library
    "content_item.created": AuditAction(
        gettext_lazy("Content created"), _item_sentence(gettext_lazy("%(actor)s created %(title)s"))
    ),
    "content_item.edited": AuditAction(
        gettext_lazy("Content edited"), _item_sentence(gettext_lazy("%(actor)s edited %(title)s"))
    ),
    "content_item.submitted": AuditAction(
        gettext_lazy("Content submitted for review"),
        _item_sentence(gettext_lazy("%(actor)s submitted %(title)s for review")),
    ),
    "content_item.approved": AuditAction(
        gettext_lazy("Content approved"),
        _item_sentence(gettext_lazy("%(actor)s approved %(title)s")),
    ),
    "content_item.returned": AuditAction(
        gettext_lazy("Content returned to its author"),
        _item_sentence(gettext_lazy("%(actor)s returned %(title)s to its author")),
    ),
    "content_item.rejected": AuditAction(
        gettext_lazy("Content rejected"),
        _item_sentence(gettext_lazy("%(actor)s rejected %(title)s")),
    ),
    "content_item.archived": AuditAction(
        gettext_lazy("Content archived"),
        _item_sentence(gettext_lazy("%(actor)s archived %(title)s")),
    ),
    "content_item.restored": AuditAction(
        gettext_lazy("Content restored"),
        _item_sentence(gettext_lazy("%(actor)s restored %(title)s")),
    ),
    "topic.created": AuditAction(
        gettext_lazy("Topic created"),
        _simple(gettext_lazy("%(actor)s created the topic %(name)s"), name=_data("name")),
    ),
    "topic.deleted": AuditAction(
        gettext_lazy("Topic deleted"),
        _simple(gettext_lazy("%(actor)s deleted the topic %(name)s"), name=_data("name")),
    ),
    "content_settings.changed": AuditAction(
        gettext_lazy("Library settings changed"), _settings_changed
    ),
    # Notifications
    "notification_settings.updated": AuditAction(
        gettext_lazy("Notification defaults changed"),
        _simple(gettext_lazy("%(actor)s changed the organization's notification defaults")),
    ),
    "chat_channel.added": AuditAction(
        gettext_lazy("Chat channel added"),
        _simple(gettext_lazy("%(actor)s added the chat channel %(name)s"), name=_data("name")),
    ),
    "chat_channel.removed": AuditAction(
        gettext_lazy("Chat channel removed"),
        _simple(gettext_lazy("%(actor)s removed the chat channel %(name)s"), name=_data("name")),
    ),
    "content_suggestion.submitted": AuditAction(
        gettext_lazy("Content suggested"), _simple(gettext_lazy("%(actor)s suggested content"))
    ),
    "content_suggestion.accepted": AuditAction(
        gettext_lazy("Suggestion accepted"),
        _simple(gettext_lazy("%(actor)s accepted a suggestion")),
    ),
    "content_suggestion.declined": AuditAction(
        gettext_lazy("Suggestion declined"),
        _simple(gettext_lazy("%(actor)s declined a suggestion")),
    ),
    "points_rule.changed": AuditAction(gettext_lazy("Points rule changed"), _points_rule_changed),
    "feed_source.created": AuditAction(
        gettext_lazy("Feed added"),
        _simple(gettext_lazy("%(actor)s added the feed %(url)s"), url=_data("url")),
    ),
    "feed_source.changed": AuditAction(
        gettext_lazy("Feed changed"), _simple(gettext_lazy("%(actor)s changed a feed"))
    ),
    "feed_source.deleted": AuditAction(
        gettext_lazy("Feed removed"),
        _simple(gettext_lazy("%(actor)s removed the feed %(url)s"), url=_data("url")),
    ),
    "campaign.created": AuditAction(
        gettext_lazy("Campaign created"),
        _simple(gettext_lazy("%(actor)s created the campaign %(name)s"), name=_data("name")),
    ),
    "campaign.updated": AuditAction(
        gettext_lazy("Campaign changed"),
        _simple(gettext_lazy("%(actor)s changed the campaign %(name)s"), name=_data("name")),
    ),
    "campaign.launched": AuditAction(
        gettext_lazy("Campaign launched"),
        _simple(gettext_lazy("%(actor)s launched the campaign %(name)s"), name=_data("name")),
    ),
    "campaign.went_live": AuditAction(
        gettext_lazy("Campaign started"),
        _simple(gettext_lazy("The campaign %(name)s started"), name=_data("name")),
    ),
    "campaign.ended": AuditAction(
        gettext_lazy("Campaign ended"),
        _simple(gettext_lazy("%(actor)s ended the campaign %(name)s"), name=_data("name")),
    ),
    "campaign.archived": AuditAction(
        gettext_lazy("Campaign archived"),
        _simple(gettext_lazy("%(actor)s archived the campaign %(name)s"), name=_data("name")),
    ),
    # Leaderboards (campaigns/services/boards.py)
    "recognition.boards_public_changed": AuditAction(
        gettext_lazy("Leaderboard visibility changed"),
        _simple(
            gettext_lazy("%(actor)s set who sees the leaderboards: %(who)s"),
            who=lambda e, n: (
                gettext_lazy("every member")
                if e.data.get("public")
                else gettext_lazy("managers only")
            ),
        ),
    ),
    # Rewards (campaigns/services/rewards.py)
    "reward.created": AuditAction(
        gettext_lazy("Reward added"),
        _simple(gettext_lazy("%(actor)s added the reward %(name)s"), name=_data("name")),
    ),
    "reward.edited": AuditAction(
        gettext_lazy("Reward edited"),
        _simple(gettext_lazy("%(actor)s edited the reward %(name)s"), name=_data("name")),
    ),
    "reward.deactivated": AuditAction(
        gettext_lazy("Reward withdrawn"),
        _simple(
            gettext_lazy("%(actor)s took the reward %(name)s off the catalogue"),
            name=_data("name"),
        ),
    ),
    "reward.activated": AuditAction(
        gettext_lazy("Reward offered again"),
        _simple(gettext_lazy("%(actor)s offered the reward %(name)s again"), name=_data("name")),
    ),
    "redemption.requested": AuditAction(
        gettext_lazy("Reward requested"),
        _simple(gettext_lazy("%(actor)s asked for %(reward)s"), reward=_data("reward")),
    ),
    "redemption.approved": AuditAction(
        gettext_lazy("Reward request approved"),
        _simple(
            gettext_lazy("%(actor)s approved %(member)s's request for %(reward)s"),
            member=_data("member"),
            reward=_data("reward"),
        ),
    ),
    "redemption.rejected": AuditAction(
        gettext_lazy("Reward request rejected"),
        _simple(
            gettext_lazy("%(actor)s rejected %(member)s's request for %(reward)s"),
            member=_data("member"),
            reward=_data("reward"),
        ),
    ),
    "redemption.fulfilled": AuditAction(
        gettext_lazy("Reward handed over"),
        _simple(
            gettext_lazy("%(actor)s handed %(reward)s over to %(member)s"),
            member=_data("member"),
            reward=_data("reward"),
        ),
    ),
    "redemption.cancelled": AuditAction(
        gettext_lazy("Reward request withdrawn"),
        _simple(
            gettext_lazy("%(actor)s withdrew their request for %(reward)s"),
            reward=_data("reward"),
        ),
    ),
}


def action_choices() -> list[tuple[str, str]]:
    """The known actions as ``(action, translated label)``, sorted by label."""
    return sorted(((key, str(a.label)) for key, a in ACTIONS.items()), key=lambda c: c[1])


def action_label(action: str) -> str:
    known = ACTIONS.get(action)
    return str(known.label) if known is not None else ""


# --- Rendering a page ---------------------------------------------------------------------


def _load_names(entries: list[AuditLogEntry], organization: Organization) -> Names:
    names = Names()
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    if actor_ids:
        names.actor_roles = dict(
            Membership.objects.for_org(organization)
            .filter(user_id__in=actor_ids)
            .values_list("user_id", "role")
        )
    member_ids = {e.target_id for e in entries if e.target_type == "membership" and e.target_id}
    if member_ids:
        names.members = {
            str(pk): (name or email, user_id)
            for pk, name, email, user_id in Membership.objects.for_org(organization)
            .filter(pk__in=[int(i) for i in member_ids if i.isdigit()])
            .values_list("pk", "user__name", "user__email", "user_id")
        }
    document_ids = {
        e.target_id for e in entries if e.target_type == "policydocument" and e.target_id
    } | {
        str(e.data.get("document_id"))
        for e in entries
        if e.action.startswith(("policy_version.", "policy_image.")) and e.data.get("document_id")
    }
    if document_ids and apps.is_installed("guidelines"):
        document_model = apps.get_model("guidelines", "PolicyDocument")
        names.documents = {
            str(pk): title
            for pk, title in document_model.objects.for_org(organization)
            .filter(pk__in=[int(i) for i in document_ids if i.isdigit()])
            .values_list("pk", "title")
        }
    item_ids = {e.target_id for e in entries if e.target_type == "contentitem" and e.target_id}
    if item_ids and apps.is_installed("content_library"):
        item_model = apps.get_model("content_library", "ContentItem")
        names.items = {
            str(pk): title
            for pk, title in item_model.objects.for_org(organization)
            .filter(pk__in=[int(i) for i in item_ids if i.isdigit()])
            .values_list("pk", "title")
        }
    return names


def _unknown(entry: AuditLogEntry, actor: Any) -> SafeString:
    target = f"{entry.target_type} #{entry.target_id}" if entry.target_type else ""
    details = "; ".join(f"{k}: {v}" for k, v in (entry.data or {}).items())
    sentence = _fmt("%(actor)s: %(target)s", actor=actor, target=target) if target else actor
    if details:
        return format_html('{} <span class="muted">({})</span>', sentence, details)
    return conditional_escape(sentence)


def describe(entry: AuditLogEntry, names: Names) -> SafeString:
    """One entry as a sentence (HTML-safe)."""
    actor = _actor(entry, names)
    known = ACTIONS.get(entry.action)
    if known is None:
        return _unknown(entry, actor)
    try:
        return known.sentence(entry, actor, names)
    except (KeyError, TypeError, ValueError, AttributeError):
        # Data recorded in an older shape: still show what happened, never a 500.
        return _unknown(entry, actor)


def describe_entries(
    entries: Iterable[AuditLogEntry], *, organization: Organization
) -> list[AuditLogEntry]:
    """Set ``sentence`` and ``action_label`` on every entry of a page (entries need their
    ``actor`` selected). A few queries per page, however many entries."""
    entries = list(entries)
    names = _load_names(entries, organization)
    for entry in entries:
        entry.sentence = describe(entry, names)
        entry.action_label = action_label(entry.action)
    return entries
