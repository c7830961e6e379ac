"""What a page depends on: recorded while it renders, and checked before rendering it again.

A page's bytes are a function of its plan entry (url, template, view), the config, and whatever the
templates read from the site model. The plan entry is fingerprinted with the model objects in it
replaced by their keys; what the templates read is recorded as it happens (Jinja routes every
`x.y`, `x["y"]` and template load through the environment), one dependency per object and field
group. If none of those values changed, rendering again would give the same bytes.

Field groups keep a page from depending on more than it shows: a body edit touches the story's own
page (`body_html` is its own group), not the sidebars that show its headline; a section gaining a
story touches the pages that list the section, not every page whose navigation names it.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any

from .cache import digest
from .content import Article
from .pages import Derived, SiteView
from .site import Author, Section, Site, Tag

# type -> (key of an object, {field: group}); fields not listed are in group "m" (metadata).
_KEYS: dict[type, Callable[[Any], tuple]] = {
    Article: lambda a: ("a", a.url),
    Section: lambda s: ("s", s.slug),
    Author: lambda a: ("u", a.slug),
    Tag: lambda t: ("g", t.slug),
    SiteView: lambda v: ("site",),
    Derived: lambda d: ("derived", d.kind),  # not a model object: its inputs are the page's (see view_deps)
}
_GROUPS: dict[type, dict[str, str]] = {
    Article: {"body_html": "b"},
    Section: {"articles": "l"},
    Author: {"articles": "l"},
    Tag: {"articles": "l"},
    SiteView: {"now": "now"},  # the exact instant; pages that show only the edition date don't depend on it
}


def dep_of(obj: Any, attribute: Any) -> tuple | None:
    """Return the dependency that reading obj.attribute creates, or None for plain values."""
    key = _KEYS.get(type(obj))
    if key is None:
        return None
    return (*key(obj), _GROUPS[type(obj)].get(attribute, "m") if isinstance(attribute, str) else "m")


def plain(value: Any) -> Any:
    """Return value with model objects replaced by their keys, through tuples, lists and dataclasses.

    Anything else is left for pickle, which serialises it in full: never less than the page can see.
    """
    t = type(value)
    if t in _ATOMS:
        return value
    key = _KEYS.get(t)
    if key is not None:
        return key(value)
    if t is tuple:
        return tuple(plain(v) for v in value)
    if t is list:
        return [plain(v) for v in value]
    if t is dict:
        return {k: plain(v) for k, v in value.items()}
    names = _FIELDS.get(t)
    if names is None:
        is_data = is_dataclass(value) and not isinstance(value, type)
        names = _FIELDS[t] = tuple(f.name for f in fields(value)) if is_data else ()
    if names:
        return (t.__name__, *(plain(getattr(value, n)) for n in names))
    return value


def encode(value: Any) -> bytes:
    """Serialise a value for fingerprinting, model objects as keys.

    Without pickle's memo, the bytes depend on values only, never on which objects happen to be shared
    (a title read from the cache and one parsed just now encode alike).
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(plain(value))
    return buffer.getvalue()


_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass -> field names; () for other types
_ATOMS = frozenset({str, int, float, bool, type(None), bytes, datetime, date})


class Model:
    """The current values of every dependency a page can have, computed on demand and memoised."""

    def __init__(self, site: Site, view: SiteView, templates: dict[str, bytes], extra: bytes,
                 previous: Model | None = None, known: dict[int, tuple[Any, dict[str, bytes]]] | None = None):
        self.site = site
        self.view = view
        self.templates = templates
        self.extra = extra  # config and build options: they reach pages through filters
        self.objects: dict[tuple, Any] = {("site",): view}
        for a in site.articles:
            self.objects[("a", a.url)] = a
        for kind, items in (("s", site.sections), ("u", site.authors), ("g", site.tags)):
            for item in items:
                self.objects[(kind, item.slug)] = item
        self._memo: dict[tuple, bytes | None] = {}
        # Values computed for the very same (unchanged, immutable) objects by the previous build.
        # (`known`: the same for objects whose values were computed when they were parsed.)
        self._carried: dict[int, tuple[Any, dict[str, bytes]]] = previous._by_object if previous else known or {}
        self._by_object: dict[int, tuple[Any, dict[str, bytes]]] = {}

    def value(self, dep: tuple) -> bytes | None:
        """Return the current value of a dependency (None: it no longer exists)."""
        try:
            return self._memo[dep]
        except KeyError:
            pass
        if dep[0] == "t":
            v = self.templates.get(dep[1])
        else:
            obj = self.objects.get(dep[:-1])
            v = None if obj is None else self._object_value(obj, dep[-1])
        self._memo[dep] = v
        return v

    def _object_value(self, obj: Any, group: str) -> bytes:
        entry = self._by_object.get(id(obj))
        if entry is None or entry[0] is not obj:
            carried = self._carried.get(id(obj))
            entry = (obj, dict(carried[1]) if carried is not None and carried[0] is obj else {})
            self._by_object[id(obj)] = entry  # holding obj keeps its id from being reused
        values = entry[1]
        if group not in values:
            values[group] = _group_value(obj, group)
        return values[group]

    def static_part(self, page: Any) -> bytes:
        """Fingerprint what the plan says about a page (its url, template, title and view)."""
        return digest(self.extra + encode(page))

    def fingerprint(self, static: bytes, deps: tuple) -> bytes | None:
        """Combine a page's static part with the current values of its dependencies."""
        memo = self._memo
        try:
            values = [memo[dep] for dep in deps]
        except KeyError:
            values = [self.value(dep) for dep in deps]
        if None in values:
            return None
        return digest(static + b"".join(values))


def _group_value(obj: Any, group: str) -> bytes:
    names = _GROUP_FIELDS.get((type(obj), group))
    if names is None:
        groups = _GROUPS[type(obj)]
        names = tuple(f.name for f in fields(obj) if groups.get(f.name, "m") == group)
        _GROUP_FIELDS[(type(obj), group)] = names
    return digest(encode(tuple(getattr(obj, name) for name in names)))


_GROUP_FIELDS: dict[tuple[type, str], tuple[str, ...]] = {}


def swap_articles(site: Site, new: dict[int, Article]) -> Site:
    """Return the site with articles swapped by identity (id of the old -> the new), sharing what did not change.

    Every list is searched by identity in C (ids, not dataclass equality): a few milliseconds at
    10,000 stories, where walking the lists in Python took 60 ms of each edit in place.
    """
    if not new:
        return site

    def swapped(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        ids = list(map(id, articles))
        out = None
        for old, article in new.items():
            if old in ids:
                out = out or list(articles)
                out[ids.index(old)] = article
        return articles if out is None else tuple(out)

    def each(groups: tuple) -> tuple:
        out = tuple(g if (a := swapped(g.articles)) is g.articles else replace(g, articles=a) for g in groups)
        return groups if all(a is b for a, b in zip(out, groups)) else out

    changes = {name: v for name in ("sections", "authors", "tags") if (v := each(getattr(site, name))) is not getattr(site, name)}
    if (articles := swapped(site.articles)) is not site.articles:
        changes["articles"] = articles
    if site.next_scheduled is not None and id(site.next_scheduled) in new:
        changes["next_scheduled"] = new[id(site.next_scheduled)]
    return replace(site, **changes) if changes else site


def group_value(obj: Any, group: str) -> bytes:
    """Return the fingerprint of one field group of a model object."""
    return _group_value(obj, group)


def refresh(value: Any, objects: dict[tuple, Any]) -> Any:
    """Return value (a Page, or part of one) with each model object replaced by the current one of its key.

    Goes through tuples, lists, dicts and dataclasses; shares whatever did not change.
    """
    t = type(value)
    if t in _ATOMS:
        return value
    key = _KEYS.get(t)
    if key is not None:
        return objects.get(key(value), value)
    if t is tuple or t is list:
        items = [refresh(v, objects) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else t(items)
    if t is dict:
        items = {k: refresh(v, objects) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    names = _FIELDS.get(t)
    if names is None:
        is_data = is_dataclass(value) and not isinstance(value, type)
        names = _FIELDS[t] = tuple(f.name for f in fields(value)) if is_data else ()
    changes = {n: v for n in names if (v := refresh(getattr(value, n), objects)) is not getattr(value, n)}
    return replace(value, **changes) if changes else value


def view_deps(page: Any) -> set[tuple]:
    """What a page's derived values read: the metadata of the stories, sections and others in its view."""
    return {(*_KEYS[type(v)](v), "m") for v in page.view.values() if type(v) in _MODEL}


_MODEL = frozenset({Article, Section, Author, Tag})
