"""The API's JSON parser: DRF's, with a nesting limit.

Python's JSON decoder recurses once per nesting level, so a small body of a few thousand
nested arrays raises ``RecursionError`` (a 500 before this parser). Here any body nested
deeper than ``max_depth`` is a 400 ``parse_error`` in the API's error format, whichever
endpoint it is sent to: the parser is the default of every API view
(``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: No request body of the API nests anywhere near this deep.
JSON_MAX_DEPTH = 32


def nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists or objects more than ``limit`` levels deep (iterative,
    so that checking cannot recurse either)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    max_depth = JSON_MAX_DEPTH

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        too_deep = _("The JSON is nested more than %(depth)d levels deep.") % {
            "depth": self.max_depth
        }
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(too_deep) from exc
        if nesting_exceeds(data, self.max_depth):
            raise ParseError(too_deep)
        return data
