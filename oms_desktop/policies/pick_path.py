"""Walk order for picking: each bin's walk sequence first, then bins without one in natural
order ("A2" before "A10"), which is how people read shelf labels."""

from __future__ import annotations

import re
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
_CHUNKS = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """'A-10-2' -> ('a-', 10, '-', 2, ''): digit runs compare as numbers."""
    parts = _CHUNKS.split(code.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def walk_key(code: str, walk_sequence: int | None) -> tuple:
    """Bins with a walk sequence come first, in that sequence; the rest in natural order."""
    if walk_sequence is None:
        return (1, 0, natural_key(code))
    return (0, walk_sequence, natural_key(code))


def in_walk_order(items: Iterable[T], *, code: Callable[[T], str],
                  sequence: Callable[[T], int | None]) -> list[T]:
    return sorted(items, key=lambda item: walk_key(code(item), sequence(item)))
