"""What counts as a hashtag in a caption: the one pattern every part of Chorus uses.

A hashtag is ``#`` followed by 1-100 letters, marks, digits or underscores, starting a word
(not ``a#b``, not ``##x``) and ending one (a longer run is not a hashtag at all). LinkedIn's
commentary turns these into live hashtags, Facebook's share dialog takes the first one, and
the post we send carries the first one for networks that want it apart.
"""

from __future__ import annotations

import regex

_WORD = r"[\p{L}\p{M}\p{N}_]"
#: Group 1 is the tag without its ``#``.
HASHTAG = regex.compile(rf"(?<!{_WORD}|#)#({_WORD}{{1,100}})(?!{_WORD})")


def hashtags(text: str) -> list[str]:
    """Every hashtag of ``text``, without ``#``, in order."""
    return [match[1] for match in HASHTAG.finditer(text or "")]


def first_hashtag(text: str) -> str:
    """The first hashtag of ``text`` without its ``#`` (``""`` when there is none)."""
    match = HASHTAG.search(text or "")
    return match[1] if match else ""
