"""The criterion types a rubric may use, by name."""

from __future__ import annotations

from .address import Address
from .avoid import Avoid
from .base import Criterion, Doc, TypeExample
from .coherence import Coherence
from .count import Count
from .facts import Facts
from .length import Length
from .move import Move
from .order import Order
from .readability import Readability
from .voice import Voice

CRITERION_TYPES: dict[str, type[Criterion]] = {
    cls.type_name: cls
    for cls in (
        Avoid,
        Move,
        Order,
        Length,
        Count,
        Address,
        Voice,
        Readability,
        Coherence,
        Facts,
    )
}

__all__ = ["CRITERION_TYPES", "Criterion", "Doc", "TypeExample"]
