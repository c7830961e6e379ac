"""Pickling the many small frozen records the cache holds (stories, pages, stamps) as plain tuples.

dataclasses' own __getstate__/__setstate__ for slots classes call fields() for every object, a large
share of the time it takes to save the cache. The records themselves know nothing of this:
`register` teaches pickle (through copyreg) to save each as the tuple of its field values.
"""

from __future__ import annotations

import copyreg
from dataclasses import fields

from broadsheet.frozen import stored_getter

_set_field = object.__setattr__  # frozen classes refuse plain assignment


def register(*classes: type) -> None:
    """Pickle each slots dataclass as its class and the tuple of its field values (a field held elsewhere, as
    what it holds: its placeholder until it is read)."""
    for cls in classes:
        names = tuple(f.name for f in fields(cls))
        get = stored_getter(cls, names)
        copyreg.pickle(cls, lambda obj, get=get, cls=cls: (rebuild, (cls, get(obj))))


def rebuild(cls: type, values: tuple) -> object:
    """Make an object of a registered class from its field values, without calling __init__."""
    obj = cls.__new__(cls)
    for name, value in zip(_names(cls), values, strict=True):
        _set_field(obj, name, value)
    return obj


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names
