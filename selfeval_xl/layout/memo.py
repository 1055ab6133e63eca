"""Cache values derived from a Layout (plans of the generator and the reader).

Layouts come from build_layout's cache, so few exist; they are unhashable dataclasses, hence
the identity key (checked, so a recycled id never returns another layout's value).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from selfeval_xl.layout.types import Layout

T = TypeVar("T")


def per_layout(fn: Callable[[Layout], T]) -> Callable[[Layout], T]:
    cache: dict[int, tuple[Layout, T]] = {}

    @functools.wraps(fn)
    def cached(layout: Layout) -> T:
        hit = cache.get(id(layout))
        if hit is not None and hit[0] is layout:
            return hit[1]
        value = fn(layout)
        if len(cache) > 64:
            cache.clear()
        cache[id(layout)] = (layout, value)
        return value

    return cached
