"""What changed between two versions of a document, over the Markdown source: lines are
matched first, then the words of each changed pair of lines, so a fixed typo shows as one
word and not as a removed and an added paragraph. The result is plain data; the template
``guidelines/_diff.html`` renders it with autoescaping (``<del>``/``<ins>``), so nothing of
the text is ever trusted as HTML."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

#: Words and the whitespace between them are separate tokens; joining tokens gives the text.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class DiffLine:
    op: str  # "equal", "insert", "delete" or "replace" (a changed line, word by word)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class DocumentDiff:
    lines: list[DiffLine]
    inserted: int  # words added
    deleted: int  # words removed

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)


def _words(tokens: list[str]) -> int:
    return sum(1 for t in tokens if not t.isspace())


def _line_diff(old: str, new: str) -> tuple[list[Segment], int, int]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []
    inserted = deleted = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(a[i1:i2])))
            deleted += _words(a[i1:i2])
        if j2 > j1:
            segments.append(Segment("insert", "".join(b[j1:j2])))
            inserted += _words(b[j1:j2])
    return segments, inserted, deleted


def document_diff(old: str, new: str) -> DocumentDiff:
    """The changes from ``old`` to ``new`` (Markdown sources), line by line; lines that
    replace each other one for one are compared word by word."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    inserted = deleted = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", [Segment("equal", line)]) for line in a[i1:i2])
            continue
        old_lines, new_lines = a[i1:i2], b[j1:j2]
        paired = min(len(old_lines), len(new_lines)) if tag == "replace" else 0
        for old_line, new_line in zip(old_lines[:paired], new_lines[:paired], strict=True):
            segments, ins, dels = _line_diff(old_line, new_line)
            lines.append(DiffLine("replace", segments))
            inserted, deleted = inserted + ins, deleted + dels
        for line in old_lines[paired:]:
            lines.append(DiffLine("delete", [Segment("delete", line)]))
            deleted += _words(_TOKENS.findall(line))
        for line in new_lines[paired:]:
            lines.append(DiffLine("insert", [Segment("insert", line)]))
            inserted += _words(_TOKENS.findall(line))
    return DocumentDiff(lines=lines, inserted=inserted, deleted=deleted)
