"""A mapping that cannot change once made: the dicts that frozen data holds (front matter's unknown keys, a
paper's versions of each story) are read by many pages and must stay as the build found them."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NoReturn


class FrozenDict(dict):
    """A dict whose items are fixed when it is made. Reading is a dict's (fast, in C); every change raises."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot change once made")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple:
        return type(self), (dict(self),)  # unpickled whole, never item by item

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        return self


def values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """Return a function giving an object's values of these attributes as a tuple, in C for two or more
    (operator.attrgetter gives a bare value, not a tuple, for one name)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, n) for n in names)


class Elsewhere:
    """A field's value held somewhere else until it is first read (the cache keeps story bodies apart): a field
    declared with `held_elsewhere` may hold one, and reading the field gives `get()`, never the placeholder."""

    __slots__ = ()

    def get(self) -> Any:
        raise NotImplementedError


class _HeldElsewhere:
    """The descriptor of such a field: its slot's value, or the value of the Elsewhere the slot holds."""

    __slots__ = ("slot",)

    def __init__(self, slot: Any):
        self.slot = slot  # the class's own member descriptor

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, cls)
        return value.get() if isinstance(value, Elsewhere) else value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)


def held_elsewhere(cls: type, *names: str) -> None:
    """Let these slot fields of cls hold an Elsewhere in place of their value (read through it)."""
    for name in names:
        setattr(cls, name, _HeldElsewhere(cls.__dict__[name]))


def stored_getter(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """Like values_getter, but giving what a field held elsewhere holds (its Elsewhere, until it is read) rather
    than reading it: what saving an object needs."""
    slots = {i: d.slot for i, n in enumerate(names) if isinstance(d := cls.__dict__.get(n), _HeldElsewhere)}
    if not slots:
        return values_getter(names)
    get = values_getter(tuple(n for i, n in enumerate(names) if i not in slots))

    def getter(obj: Any) -> tuple:
        values = list(get(obj))
        for i, slot in slots.items():
            values.insert(i, slot.__get__(obj))
        return tuple(values)

    return getter


def set_stored(obj: Any, name: str, value: Any) -> None:
    """Put an equal value, or an Elsewhere standing for it, into a field held elsewhere (see `held_elsewhere`)."""
    type(obj).__dict__[name].slot.__set__(obj, value)
