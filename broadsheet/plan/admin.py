"""The browser editor at /admin/: Decap CMS's page and a config.yml generated from the site (pure)."""

from __future__ import annotations

from typing import Any

import yaml

from broadsheet import urls
from broadsheet.model.site import Paper
from broadsheet.paths import CMS_MEDIA_FOLDER
from broadsheet.plan.page import Page
from broadsheet.plan.views import AdminConfigView, AdminView

# The pinned Decap CMS release the admin page loads, and the digest of its bundle (Subresource Integrity): a CDN
# that served other bytes would be refused by the browser. tests/test_cms_config.py checks the digest against
# the npm package of the same version.
DECAP_VERSION = "3.16.3"
DECAP_URL = f"https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/decap-cms.js"
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
MEDIA_FOLDER = CMS_MEDIA_FOLDER  # lead and body pictures, in a folder per year and month of the story
STORY_DATE_FORMAT = "YYYY-MM-DD HH:mm"  # stored without an offset: the build reads it in the site's time zone


def plan_admin(site: Paper) -> list[Page]:
    """Plan /admin/ and /admin/config.yml when site.toml has [cms]; nothing otherwise."""
    if site.config.cms is None:
        return []
    view = AdminView(
        decap={
            "url": DECAP_URL,
            "integrity": DECAP_INTEGRITY,
            "local_api": urls.cms_api(),
            "hosted": site.config.cms.repo is not None,
            "title": site.config.title,
        }
    )
    return [
        Page(urls.admin(), "admin", "admin.html", "Content manager", (), view),
        Page(
            urls.admin_config(),
            "admin-config",
            "admin-config.yml",
            "config.yml",
            (),
            AdminConfigView(config_yml=config_yml(site)),
        ),
    ]


def config_yml(site: Paper) -> str:
    """Return Decap CMS's config.yml for this site, as YAML (keys in a fixed order, so builds are identical)."""
    return yaml.safe_dump(decap_config(site), sort_keys=False, allow_unicode=True, width=120)


def decap_config(site: Paper) -> dict[str, Any]:
    """Return the CMS configuration: the backend, the media folder, and a collection per section and edition."""
    config, cms = site.config, site.config.cms
    assert cms is not None
    backend: dict[str, Any] = (
        {"name": "github", "repo": cms.repo, "branch": cms.branch} if cms.repo else {"name": "test-repo"}
    )  # only `serve`'s local backend is used: the admin page says so elsewhere
    if cms.repo and cms.auth_url:
        backend["base_url"] = cms.auth_url
    out: dict[str, Any] = {"backend": backend}
    if cms.workflow:
        out["publish_mode"] = "editorial_workflow"
    out |= {
        "site_url": config.base_url + "/",
        "media_folder": MEDIA_FOLDER,
        "public_folder": "/images",
        "slug": {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"},
        "collections": [*story_collections(site), pages_collection()],
    }
    return out


def story_collections(site: Paper) -> list[dict[str, Any]]:
    """One collection per section of each edition, in the folder `broadsheet new` writes its stories to."""
    names = sorted({p.name for p in site.profiles.by_slug.values()})
    collections = []
    for edition in site.editions:
        config, code = edition.config, edition.folder
        several = len(site.editions) > 1
        for section in config.sections:
            folder = f"content/{code}/{section.slug}" if code else f"content/{section.slug}"
            collections.append(
                {
                    "name": f"{code}-{section.slug}" if code else section.slug,
                    "label": f"{section.name} ({config.language})" if several else section.name,
                    "label_singular": "story",
                    "folder": folder,
                    "create": True,
                    "extension": "md",
                    "format": "frontmatter",
                    "slug": "{{slug}}",
                    "summary": "{{title}}",
                    "sortable_fields": ["date", "title"],
                    "media_folder": f"/{MEDIA_FOLDER}/{{{{year}}}}/{{{{month}}}}",
                    "public_folder": "/images/{{year}}/{{month}}",
                    "fields": story_fields(edition, section.name, names, config.language if several else None),
                }
            )
    return collections


def story_fields(edition: Paper, section: str, authors: list[str], lang: str | None) -> list[dict[str, Any]]:
    """The front-matter fields of a story (the README's rules), with the widgets that fit them."""
    zone = edition.config.timezone.key
    sections = [s.name for s in edition.config.sections]
    fields: list[dict[str, Any]] = [
        field("Headline", "title", "string", required=None),
        field("Section", "section", "select", required=None, default=section, options=sections),
        field(
            "By",
            "author",
            "select",
            multiple=True,
            options=authors,
            hint="Bylines with a profile in data/authors.toml; leave empty for wire copy with a source",
        )
        if authors
        else field("By", "author", "list", hint="One name per entry; leave empty for wire copy with a source"),
        when(
            "Date",
            "date",
            required=True,
            default="{{now}}",
            hint=f"In the paper's time zone ({zone}). A time still to come schedules the story: it goes live "
            "with the first build after it.",
        ),
        field("Summary", "summary", "text", hint="One or two sentences; without one, the first paragraph"),
        field("Topics", "tags", "list"),
        field("Picture", "image", "image"),
        field("Picture caption", "image_caption", "string"),
        field(
            "Picture description (alt text)",
            "image_alt",
            "string",
            hint="Required with a picture: what it shows, for readers who cannot see it",
        ),
        field("Picture credit", "image_credit", "string"),
        field("Source (wire agency)", "source", "string"),
        field("Draft", "draft", "boolean", default=False),
        field("Featured (may lead the front page)", "featured", "boolean", default=False),
        field(
            "Priority on the front page",
            "priority",
            "number",
            value_type="int",
            hint="0 is ordinary; higher stays among the top stories, negative sinks",
        ),
        when("Breaking-news banner until", "breaking"),
        when("Take down at", "expires"),
        field("Free to read", "free", "boolean", default=True),
        field("Live blog", "live", "boolean", default=False),
        when("Live blog ends", "live_until"),
        field(
            "Corrections",
            "corrections",
            "list",
            default=[],
            label_singular="correction",
            summary="{{fields.date}}: {{fields.text}}",
            fields=[
                when("When", "date", required=True, default="{{now}}"),
                field("What was wrong, and what is right", "text", "text", required=None),
            ],
        ),
        field("Old addresses (redirected here)", "aliases", "list"),
        field("Related stories (slugs)", "related", "list"),
    ]
    if lang is not None:
        fields += [
            field("Language", "lang", "hidden", required=None, default=lang),
            field(
                "Translation key",
                "translation_key",
                "string",
                hint="The same key on each edition's version of a story links them (e.g. the English story's slug)",
            ),
        ]
    return [*fields, field("Story", "body", "markdown", required=None)]


def field(label: str, name: str, widget: str, required: bool | None = False, **more: Any) -> dict[str, Any]:
    """One field of a Decap collection (`required` None: left to Decap's default, required)."""
    return {
        "label": label,
        "name": name,
        "widget": widget,
        **({} if required is None else {"required": required}),
        **more,
    }


def when(label: str, name: str, **more: Any) -> dict[str, Any]:
    """A date and time field, written as stories write them."""
    return field(label, name, "datetime", format=STORY_DATE_FORMAT, **more)


def pages_collection() -> dict[str, Any]:
    """Standalone pages (content/pages/: About, Contact, policies) as a collection of their own."""
    return {
        "name": "pages",
        "label": "Standalone pages",
        "label_singular": "page",
        "folder": "content/pages",
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "fields": [
            {"label": "Title", "name": "title", "widget": "string"},
            {
                "label": "Address (slug)",
                "name": "slug",
                "widget": "string",
                "required": False,
                "hint": "The page is at /<slug>/; without one, the file name",
            },
            {"label": "Summary", "name": "summary", "widget": "text", "required": False},
            {"label": "Page", "name": "body", "widget": "markdown"},
        ],
    }
