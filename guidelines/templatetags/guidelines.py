"""Template helpers of the guidelines components."""

from django import template

from advocacy.networks import Network

register = template.Library()


@register.simple_tag
def network_choices() -> list[tuple[str, str]]:
    """The networks, as (value, label) pairs, for the caption checker's menu."""
    return list(Network.choices)
