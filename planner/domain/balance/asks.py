"""Which of a member's items their "what would help" words name ("could you take bedtime?").

Matched leniently, as people write: any case, any punctuation, a plural "s" either way,
and an item's distinctive word on its own ("dinner" for Cooking dinner) when no other
item of theirs shares it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Words too common in requests or titles to name an item on their own.
_COMMON = frozenset(
    {"time", "week", "weekly", "take", "taking", "could", "would", "your", "with", "help"}
    | {"some", "more", "less", "this", "that", "them", "doing", "getting", "make", "making"}
)
_MIN_WORD = 4


def _words(text: str) -> list[str]:
    return [
        w.removesuffix("s") if len(w) > _MIN_WORD else w for w in re.findall(r"\w+", text.lower())
    ]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[k : k + n] == needle for k in range(len(haystack) - n + 1))


def items_named(text: str, titles: Mapping[int, str]) -> list[int]:
    """Ids of the items in `titles` (id: title) that `text` names, in `titles` order."""
    said = _words(text)
    if not said:
        return []
    words = {item_id: _words(title) for item_id, title in titles.items()}
    found = {item_id for item_id, w in words.items() if _contains(said, w)}
    # A distinctive word of a title names the item when it is that item's alone.
    owners: dict[str, set[int]] = {}
    for item_id, w in words.items():
        for word in w:
            if len(word) >= _MIN_WORD and word not in _COMMON:
                owners.setdefault(word, set()).add(item_id)
    for word in said:
        holders = owners.get(word, set())
        if len(holders) == 1:
            found |= holders
    return [item_id for item_id in titles if item_id in found]
