"""What a page depends on: recorded while it is drawn, and checked before drawing it again.

A page's bytes are a function of its plan entry (url, template, view), the config, and whatever the
templates read from the site model. The plan entry is fingerprinted with the model objects in it
replaced by their keys; what the templates read is recorded as it happens (render/jinja.py), one
dependency per object and field group. If none of those values changed, drawing again would give the
same bytes.

A dependency names one input: a model object's field group by the object's kind and URL, a data file or
a template by its name.
Field groups keep a page from depending on more than it shows: a body edit touches the story's own
page (`body_html` is its own group), not the sidebars that show its headline; a section gaining a
story touches the pages that list the section, not every page whose navigation names it.
"""

from __future__ import annotations

import io
import operator
import pickle
import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from broadsheet.frozen import values_getter
from broadsheet.load.article import Article
from broadsheet.load.data import DataFiles, data_digest
from broadsheet.load.pages import StandalonePage
from broadsheet.model.site import Author, Paper, Section, Tag
from broadsheet.plan.page import Derived, Page, SiteView, View
from broadsheet.plan.pages import site_view
from broadsheet.stamps import digest

# Kinds of input.
STORY, SECTION, AUTHOR, TAG, SITE, DERIVED, TEMPLATE = (
    "story",
    "section",
    "author",
    "tag",
    "site",
    "derived",
    "template",
)
PAGE, DATA = "page", "data"  # a standalone page; a data file (by stem)
# Field groups of an object.
META = "meta"  # every field not in another group
BODY = "body"  # a story's body
LIST = "list"  # a section's, author's or tag's stories
NOW = "now"  # the exact instant of the build's clock (pages that show only the edition date don't read it)
DAY = "day"  # the edition date: the day of the clock in the site's time zone
YEAR = "year"  # its year (a footer's copyright)
BREAKING = "breaking"  # the stories whose banner shows
LATEST = "latest"  # the newest stories


class Dependency(NamedTuple):
    """One input of a page, as recorded when it is drawn."""

    kind: str  # STORY, SECTION, AUTHOR, TAG, SITE, PAGE, DATA or TEMPLATE
    key: str  # the object's URL; a data file's stem; a template's name; an edition's URL folder for SITE
    group: str = ""  # the field group read ("" for a template)


Key = tuple[str, str]  # (kind, key): a model object
_KEYS: dict[type, Callable[[Any], Key]] = {
    Article: lambda a: (STORY, a.url),
    Section: lambda s: (SECTION, s.url),  # a URL: two editions may each have a section of one slug
    Author: lambda a: (AUTHOR, a.url),
    Tag: lambda t: (TAG, t.url),
    SiteView: lambda v: (SITE, v.code),  # an edition's own view: its URL folder ("" for the site's language)
    StandalonePage: lambda p: (PAGE, p.url),
    DataFiles: lambda d: (DATA, ""),  # each file is an input of its own: see dependency_of
    Derived: lambda d: (DERIVED, d.kind),  # not a model object: its inputs are the page's (see `implied`)
}
_dependency = Dependency._make  # builds one from a tuple, in C: this runs for every attribute a template reads
_GROUPS: dict[type, dict[str, str]] = {
    Article: {"body_html": BODY},
    StandalonePage: {"body_html": BODY},
    Section: {"articles": LIST},
    Author: {"articles": LIST},
    Tag: {"articles": LIST},
    # What changes with the clock or with other stories is a group of its own: a page that reads none of it
    # (a story's page, whose live regions are included, not drawn in) never depends on it.
    SiteView: {"now": NOW, "day": DAY, "edition": DAY, "year": YEAR, "breaking": BREAKING, "latest": LATEST},
}
STORY_GROUPS = (META, BODY)
_MODEL = frozenset({Article, Section, Author, Tag, StandalonePage})
_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass -> field names; () for other types
_GROUP_FIELDS: dict[tuple[type, str], tuple[str, ...]] = {}
_ATOMS = frozenset({str, int, float, bool, type(None), bytes, datetime, date})


def dependency_of(obj: Any, attribute: Any) -> Dependency | None:
    """Return the dependency that reading obj.attribute creates, or None for plain values."""
    key = _KEYS.get(type(obj))
    if key is None:
        return None
    if type(obj) is DataFiles:  # site.data.results: the file data/results.*, present or not
        return Dependency(DATA, str(attribute), META)
    kind, name = key(obj)
    return _dependency((kind, name, _GROUPS[type(obj)].get(attribute, META) if isinstance(attribute, str) else META))


def template_dependency(name: str) -> Dependency:
    return Dependency(TEMPLATE, name)


def story_dependency(url: str, group: str) -> Dependency:
    return Dependency(STORY, url, group)


def site_dependency(group: str, folder: str = "") -> Dependency:
    """Return the dependency on a group of the site's view (an edition's, given its URL folder)."""
    return Dependency(SITE, folder, group)


def implied(page: Page) -> set[Dependency]:
    """What a page's derived values read: the metadata of the stories, sections and others in its view."""
    view = page.view
    held = _HELD.get(type(view)) or _holders(type(view))
    return {_dependency((*_KEYS[type(v)](v), META)) for v in held(view) if type(v) in _MODEL}


_HELD: dict[type, Callable[[View], tuple]] = {}  # a view class -> the values of its fields that may hold a model object


def _holders(cls: type) -> Callable[[View], tuple]:
    """Make, once per view class, a getter of the fields whose declared type may be a model object."""
    try:
        hints = typing.get_type_hints(cls)
    except NameError:  # a type not importable where its class is: every field may hold one
        hints = {}
    names = tuple(f.name for f in fields(cls) if _may_be_model(hints.get(f.name, Any)))
    getter = values_getter(names)
    _HELD[cls] = getter
    return getter


def _may_be_model(hint: Any) -> bool:
    if hint is Any or hint is object:
        return True
    union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
    return any(t in _MODEL or t is Any for t in (typing.get_args(hint) if union else (hint,)))


def describe_story(article: Article) -> dict[str, bytes]:
    """Fingerprint each field group of a story (done where it is parsed, so that workers share the work)."""
    return {group: group_value(article, group) for group in STORY_GROUPS}


def group_value(obj: Any, group: str) -> bytes:
    """Return the fingerprint of one field group of a model object."""
    names = _GROUP_FIELDS.get((type(obj), group))
    if names is None:
        groups = _GROUPS[type(obj)]
        names = tuple(f.name for f in fields(obj) if groups.get(f.name, META) == group)
        _GROUP_FIELDS[(type(obj), group)] = names
    return digest(encode(tuple(getattr(obj, name) for name in names)))


def _field_names(value: Any) -> tuple[str, ...]:
    t = type(value)
    names = _FIELDS.get(t)
    if names is None:
        is_data = is_dataclass(value) and not isinstance(value, type)
        names = _FIELDS[t] = tuple(f.name for f in fields(value)) if is_data else ()
    return names


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
    names = _field_names(value)
    if names:
        return (t.__name__, *(plain(getattr(value, n)) for n in names))
    return value


def alike(a: Any, b: Any) -> bool:
    """Tell whether two values encode alike (see `plain`): model objects by key, the rest by value, shared
    parts by identity, which is most of two plans of one site."""
    if a is b:
        return True
    t = type(a)
    if t is not type(b):
        return False
    if t in _ATOMS:
        return a == b
    key = _KEYS.get(t)
    if key is not None:
        return key(a) == key(b)
    if t is tuple or t is list:  # the same stories in both, most often: compared by identity first, in C
        return len(a) == len(b) and (all(map(operator.is_, a, b)) or all(map(alike, a, b)))
    if t is dict:
        return a.keys() == b.keys() and all(alike(v, b[k]) for k, v in a.items())
    same = _SAME.get(t)
    if same is None:
        same = _SAME[t] = _same_fields(t, _field_names(a))
    return same(a, b)


_SAME: dict[type, Callable[[Any, Any], bool]] = {}  # a class -> how alike compares two of its objects


def _same_fields(cls: type, names: tuple[str, ...]) -> Callable[[Any, Any], bool]:
    """Compile, once per dataclass, alike for two of its objects: field by field, each by identity first, with
    no call for a field both share (two plans of one site share most of them: 127,000 pages at 100,000
    stories, twenty fields each). Not a dataclass: compared by value."""
    if not names:
        return operator.eq
    tests = [f"((x := a.{n}) is (y := b.{n}) or alike(x, y))" for n in names]
    scope: dict[str, Any] = {"alike": alike}
    exec(f"def same(a, b):\n    return {' and '.join(tests)}", scope)  # noqa: S102 (dataclass field names)
    same = scope["same"]
    same.__qualname__ = f"alike[{cls.__qualname__}]"
    return same


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


# Values computed for an object, by its key: (the object, {group: value}), good only for that very object
# (an object is immutable; another of the same key, an edit, has values of its own).
Values = dict[Key, tuple[Any, dict[str, bytes]]]


class SiteInputs:
    """The current value of every input a page can have, computed on demand and memoised (render's Inputs)."""

    dependency_of = staticmethod(dependency_of)
    template_dependency = staticmethod(template_dependency)
    implied = staticmethod(implied)

    def __init__(self, paper: Paper, templates: dict[str, bytes], extra: bytes, carried: Values | None = None):
        self.paper = paper
        self.templates = templates
        self.extra = extra  # config and build options: they reach pages through filters
        self.objects: dict[Key, Any] = {}
        for edition in paper.editions:  # each edition's pages read its own view (plan/pages.py in_edition)
            view = site_view(edition, paper.config)
            self.objects[_KEYS[SiteView](view)] = view
        self.view = self.objects[(SITE, "")]  # the default edition's
        for a in paper.articles:
            self.objects[(STORY, a.url)] = a
        for kind, items in ((SECTION, paper.sections), (AUTHOR, paper.authors), (TAG, paper.tags), (PAGE, paper.pages)):
            for item in items:
                self.objects[(kind, item.url)] = item
        self._memo: dict[Dependency, bytes | None] = {}
        self._carried = carried or {}  # values computed for these very (immutable) objects by an earlier build
        self.values: Values = {}  # values computed for this build's objects: the next build carries them

    def value(self, dep: Dependency) -> bytes | None:
        """Return the current value of a dependency (None: it no longer exists)."""
        try:
            return self._memo[dep]
        except KeyError:
            pass
        kind, key, group = dep
        if kind == TEMPLATE:
            v = self.templates.get(key)
        elif kind == DATA:
            v = data_digest(self.paper.data, key)
        else:
            obj = self.objects.get((kind, key))
            v = None if obj is None else self._object_value(obj, group)
        self._memo[dep] = v
        return v

    def story_value(self, article: Article) -> bytes:
        """Return a story's fingerprint: every field of it, body and metadata."""
        return b"".join(self._object_value(article, group) for group in STORY_GROUPS)

    def _object_value(self, obj: Any, group: str) -> bytes:
        key = _KEYS[type(obj)](obj)
        entry = self.values.get(key)
        if entry is None or entry[0] is not obj:
            carried = self._carried.get(key)
            entry = carried if carried is not None and carried[0] is obj else (obj, {})
            self.values[key] = entry
        values = entry[1]
        if group not in values:  # copied, never changed in place: a carried entry may be shared
            values = {**values, group: group_value(obj, group)}
            self.values[key] = (obj, values)
        return values[group]

    same_entry = staticmethod(alike)

    @staticmethod
    def entry(page: Page) -> bytes:
        """Return the digest of what the plan says of a page (its model objects as keys)."""
        return digest(encode(page))

    def fingerprint(self, page: Page, deps: tuple[Dependency, ...], entry: bytes | None = None) -> bytes | None:
        """Combine what the plan says of a page (`entry`, when known to be unchanged) with the config and the
        current values of what it read (None: one is gone)."""
        memo = self._memo
        try:
            values = [memo[dep] for dep in deps]
        except KeyError:
            values = [self.value(dep) for dep in deps]
        if None in values:
            return None
        return digest(digest(self.extra + (entry or self.entry(page))) + b"".join(values))


def refresh(value: Any, objects: dict[Key, Any]) -> Any:
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
    names = _field_names(value)
    changes = {n: v for n in names if (v := refresh(getattr(value, n), objects)) is not getattr(value, n)}
    return replace(value, **changes) if changes else value
