"""[cms] in site.toml: the /admin/ page and the config.yml generated from the site, checked against Sveltia CMS's
published JSON schema; readers' pages never reference the editor."""

from __future__ import annotations

import base64
import hashlib
import json

import jsonschema
import pytest
import yaml
from browser import NODE_MODULES, need_node_tool
from support import NOW, SITE_TOML, article, build, jpeg, read, run, write_site

from broadsheet.plan.admin import DECAP_INTEGRITY, DECAP_URL, DECAP_VERSION

SVELTIA_SCHEMA = NODE_MODULES / "@sveltia" / "cms" / "schema" / "sveltia-cms.json"
BILINGUAL = (
    SITE_TOML.replace('sections = ["National", "Sports", "Arts & Culture"]', 'sections = ["National", "Punjab"]')
    + """
[languages.pa]
sections = ["ਪੰਜਾਬ", "ਕੈਨੇਡਾ"]
"""
)
AUTHORS = '["Ann Writer"]\nrole = "Reporter"\n\n["Bo Reporter"]\nnames = ["ਬੋ ਰਿਪੋਰਟਰ"]\n'


def schema_errors(config: dict) -> list[str]:
    schema = json.loads(need_node_tool(SVELTIA_SCHEMA).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(config)]


def built_config(site) -> dict:
    assert build(site) == 0
    return yaml.safe_load(read(site, "/admin/config.yml"))


@pytest.fixture
def bilingual(site):
    return write_site(
        site,
        {
            "site.toml": BILINGUAL + '\n[cms]\nrepo = "valley/voice"\nbranch = "live"\n',
            "data/authors.toml": AUTHORS,
            "content/national/a.md": article("A story"),
            "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
        },
    )


def test_config_yml_validates_against_sveltias_published_schema(bilingual):
    config = built_config(bilingual)
    assert schema_errors(config) == []
    broken = {**config, "collections": [{**config["collections"][0], "widgets": []}]}
    assert schema_errors(broken) != []  # the validator does reject what the schema forbids


def test_one_collection_per_section_and_edition_in_the_folders_new_writes(bilingual):
    config = built_config(bilingual)
    assert config["backend"] == {"name": "github", "repo": "valley/voice", "branch": "live"}
    folders = {c["name"]: c.get("folder") for c in config["collections"]}
    assert folders == {
        "national": "content/national",
        "punjab": "content/punjab",
        "pa-ਪੰਜਾਬ": "content/pa/ਪੰਜਾਬ",
        "pa-ਕੈਨੇਡਾ": "content/pa/ਕੈਨੇਡਾ",
        "pages": "content/pages",
    }
    assert run("new", "Bridge reopens", "--section", "ਕੈਨੇਡਾ", "--lang", "pa", "--site", bilingual) == 0
    assert [p.parent.relative_to(bilingual).as_posix() for p in (bilingual / "content/pa").rglob("*.md")] == [
        "content/pa/ਕੈਨੇਡਾ"
    ]
    punjabi = next(c for c in config["collections"] if c["name"] == "pa-ਕੈਨੇਡਾ")
    fields = {f["name"]: f for f in punjabi["fields"]}
    assert fields["section"]["options"] == ["ਪੰਜਾਬ", "ਕੈਨੇਡਾ"] and fields["section"]["default"] == "ਕੈਨੇਡਾ"
    assert fields["lang"] == {"label": "Language", "name": "lang", "widget": "hidden", "default": "pa"}
    assert fields["author"]["options"] == ["Ann Writer", "Bo Reporter"] and fields["author"]["multiple"]
    assert fields["date"]["widget"] == "datetime" and "America/Vancouver" in fields["date"]["hint"]
    assert "required" not in fields["title"] and "required" not in fields["section"]
    assert [f["name"] for f in fields["corrections"]["fields"]] == ["date", "text"]
    assert punjabi["media_folder"] == "/static/images/{{year}}/{{month}}"
    assert punjabi["public_folder"] == "/images/{{year}}/{{month}}"
    pages = next(c for c in config["collections"] if c["name"] == "pages")
    assert [f["name"] for f in pages["fields"]] == ["title", "slug", "summary", "body"]


def test_the_admin_page_loads_the_pinned_release_with_its_digest(site):
    write_site(site, {"site.toml": SITE_TOML + "\n[cms]\n", "content/national/a.md": article("A story")})
    assert build(site) == 0
    page = read(site, "/admin/")
    assert f'src="{DECAP_URL}" integrity="{DECAP_INTEGRITY}" crossorigin="anonymous"' in page
    bundle = need_node_tool(NODE_MODULES / "decap-cms" / "dist" / "decap-cms.js").read_bytes()
    assert DECAP_INTEGRITY == "sha384-" + base64.b64encode(hashlib.sha384(bundle).digest()).decode()
    installed = json.loads((NODE_MODULES / "decap-cms" / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == DECAP_VERSION
    assert '<meta name="robots" content="noindex, nofollow">' in page
    config = yaml.safe_load(read(site, "/admin/config.yml"))
    assert config["backend"] == {"name": "test-repo"}  # no repo: only `serve`'s local backend edits
    assert schema_errors(config) == []


def test_readers_pages_never_reference_the_editor_and_robots_keeps_crawlers_out(site):
    write_site(
        site,
        {
            "site.toml": SITE_TOML + "\n[cms]\n",
            "content/national/a.md": article("A story", image="/images/a.jpg", image_alt="A"),
            "static/images/a.jpg": jpeg(),
        },
    )
    assert build(site) == 0
    public = site / "public"
    for path in public.rglob("*"):
        if path.is_file() and "admin" not in path.relative_to(public).parts and path.suffix != ".jpg":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "/admin/" not in text or path.name == "robots.txt", path
            assert "decap" not in text.lower(), path
    assert "Disallow: /admin/" in read(site, "/robots.txt").splitlines()


def test_robots_disallows_the_admin_under_the_sites_path_and_allows_all_without_cms(site):
    write_site(
        site,
        {
            "site.toml": SITE_TOML.replace("https://gazette.example", "https://you.github.io/paper/") + "\n[cms]\n",
            "content/national/a.md": article("A story"),
        },
    )
    assert build(site) == 0
    assert "Disallow: /paper/admin/" in read(site, "/robots.txt").splitlines()
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    assert build(site) == 0
    assert "Disallow:" in read(site, "/robots.txt").splitlines()
    assert not (site / "public/admin").exists()


@pytest.mark.parametrize(
    "table, message",
    [
        ('repo = "valley"', "site.toml:9: [cms]: 'repo' must be the repository as \"owner/name\""),
        ('workflow = "yes"', "site.toml:9: [cms]: 'workflow' must be true or false"),
        ('branh = "main"', "site.toml:9: [cms]: unknown key 'branh' (did you mean 'branch'?)"),
        ('auth_url = "http://auth.example"', "site.toml:9: [cms]: 'auth_url' must be the https:// address"),
    ],
)
def test_bad_cms_keys_are_reported_at_their_line(site, capsys, table, message):
    write_site(site, {"site.toml": SITE_TOML + f"\n[cms]\n{table}\n", "content/national/a.md": article("A")})
    assert build(site) == 1
    assert message in capsys.readouterr().err


def test_init_writes_cms_commented(tmp_path):
    assert run("init", tmp_path / "paper", "--title", "P", "--timezone", "UTC", "--sections", "Local") == 0
    text = (tmp_path / "paper/site.toml").read_text(encoding="utf-8")
    assert "\n# [cms]\n" in text and '# repo = "owner/name"' in text
    assert run("build", "--site", tmp_path / "paper", "--now", NOW) == 0
    assert not (tmp_path / "paper/public/admin").exists()
