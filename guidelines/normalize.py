"""Text folding for caption rules: case- and diacritic-insensitive, with a map back to the
original characters so that findings point at what the employee typed.

"Žąsis" folds to "zasis", Estonian "õun" to "oun", Russian "ЁЛКА" to "елка". The Russian
"й" stays itself: it is a letter of its own, and folding it to "и" would confuse words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_KEEP = {"й": "й"}  # after casefold; see the module docstring
_CHAR_MEMO: dict[str, str] = {}
_MEMO_LIMIT = 20_000


def fold_char(ch: str) -> str:
    """The folded form of one character (possibly empty, or several characters)."""
    folded = _CHAR_MEMO.get(ch)
    if folded is not None:
        return folded
    lowered = ch.casefold()
    if lowered in _KEEP:
        folded = _KEEP[lowered]
    else:
        decomposed = unicodedata.normalize("NFKD", lowered)
        folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    if len(_CHAR_MEMO) < _MEMO_LIMIT:
        _CHAR_MEMO[ch] = folded
    return folded


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each folded character, the index of the original character
    it came from."""

    text: str
    origin: Sequence[int]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded ``[start, end)`` back to the original text. The end extends over
        characters that folded to nothing (combining marks of the last letter)."""
        if start >= len(self.text):
            return self.original_length, self.original_length
        orig_start = self.origin[start]
        if end >= len(self.text):
            return orig_start, self.original_length
        orig_end = self.origin[end]
        if end > 0 and orig_end == self.origin[end - 1]:
            # The match ends inside the expansion of one character (ß -> ss): include it.
            nxt = end
            while nxt < len(self.text) and self.origin[nxt] == orig_end:
                nxt += 1
            orig_end = self.origin[nxt] if nxt < len(self.text) else self.original_length
        return orig_start, max(orig_end, orig_start)


_TABLE: dict[int, str] = {}


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text.lower(), range(len(text)), len(text))
    # Fast path: translate in C with a table of the characters seen so far; the index map
    # is the identity unless a character folds to nothing or to several characters.
    identity = True
    for ch in set(text):
        code = ord(ch)
        folded_ch = _TABLE.get(code)
        if folded_ch is None:
            folded_ch = fold_char(ch)
            if len(_TABLE) >= _MEMO_LIMIT:
                identity = False  # table full: take the slow path for this text
            else:
                _TABLE[code] = folded_ch
        if len(folded_ch) != 1:
            identity = False
    if identity:
        return Folded(text.translate(_TABLE), range(len(text)), len(text))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = fold_char(ch)
        if not piece:
            continue
        out.append(piece)
        if len(piece) == 1:
            origin.append(i)
        else:
            origin.extend([i] * len(piece))
    return Folded("".join(out), origin, len(text))


def fold_term(term: str) -> str:
    """A rule's term folded like the text, with runs of whitespace collapsed to one space."""
    return " ".join(fold(term).text.split())
