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
