"""Pickling the many small frozen records the cache holds (stories, pages, stamps) as plain tuples.

dataclasses' own __getstate__/__setstate__ for slots classes call fields() for every object, a large
share of the time it takes to save the cache. The records themselves know nothing of this:
`register` teaches pickle (through copyreg) to save each as its class followed by its field values, in one
tuple: the pickler keeps every tuple it saves until the dump ends, so a second tuple per object (its values
apart from its class) held 250 MB more while a memory of 100,000 stories was written.
"""

from __future__ import annotations

import copyreg
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from broadsheet.frozen import stored_getter


def register(*classes: type) -> None:
    """Pickle each slots dataclass as its class and its field values (a field held elsewhere, as what it holds:
    its placeholder until it is read)."""
    for cls in classes:
        names = tuple(f.name for f in fields(cls))
        get = stored_getter(cls, names)
        copyreg.pickle(cls, lambda obj, get=get, cls=cls: (rebuild, (cls, *get(obj))))


def rebuild(cls: type, *values: object) -> object:
    """Make an object of a registered class from its field values, without calling __init__."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = _maker(cls)
    return make(values)


_MAKERS: dict[type, Callable[[tuple], object]] = {}


def _maker(cls: type) -> Callable[[tuple], object]:
    """Compile the function that makes an object of cls from its field values: the values unpacked at once
    (too many or too few: ValueError) and each put straight into its slot through the slot's own descriptor,
    with no loop and no lookup by name. A large cache holds half a million such objects; a loop over
    object.__setattr__ took 4 microseconds each, most of reading it back."""
    names = tuple(f.name for f in fields(cls))
    scope: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    lines = ["def make(values):", "    obj = new(cls)"]
    if names:
        lines.append(f"    ({', '.join(f'v{i}' for i in range(len(names)))},) = values")
    else:
        lines.append("    () = values")
    for i, name in enumerate(names):
        scope[f"set{i}"] = _descriptor(cls, name).__set__  # a slot's, or a field held elsewhere (frozen.py)
        lines.append(f"    set{i}(obj, v{i})")
    lines.append("    return obj")
    exec("\n".join(lines), scope)  # noqa: S102 (our own field names, as dataclasses itself compiles __init__)
    return scope["make"]


def _descriptor(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise TypeError(f"{cls.__qualname__}.{name} is not a slot")
