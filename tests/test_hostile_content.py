"""Bad and hostile content files: each one a clear `path:line: message`, exit 1, and no file changed anywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_support import built, fingerprint, refused
from support import article, build, write_site

GOOD = {"content/national/a.md": article("First story"), "content/sports/b.md": article("Match report", "Sports")}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A site already built once (so there is a previous output to protect), plus a bystander folder."""
    write_site(tmp_path / "site", GOOD)
    (tmp_path / "bystander").mkdir()
    (tmp_path / "bystander" / "secret.md").write_text(article("TOP SECRET payroll"))
    assert build(tmp_path / "site") == 0
    return tmp_path


def add(world: Path, rel: str, data: str | bytes) -> Path:
    path = world / "site" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def refuse(world: Path, capsys, rel: str, data: str | bytes | None = None) -> str:
    """Add a bad file, build, and return the problems; the build must fail and change nothing."""
    if data is not None:
        add(world, rel, data)
    return refused(world, capsys, "--site", world / "site", code=1)


def where(world: Path, rel: str, line: int | None = None) -> str:
    path = str(world / "site" / rel)
    return f"{path}:{line}:" if line else f"{path}:"


def reports(err: str, prefix: str, message: str) -> bool:
    """Tell whether one reported line starts at prefix (path:line:) and carries message."""
    return any(line.startswith(prefix) and message in line for line in err.splitlines())


def fm(text: str, body: str = "Body.") -> str:
    return f"---\n{text}\n---\n{body}\n"


VALID = "section: National\nauthor: Ann\ndate: 2026-02-01"


# --- YAML -----------------------------------------------------------------------------------------------


def test_broken_yaml_gives_path_line_and_column(world, capsys):
    err = refuse(world, capsys, "content/national/x.md", fm(f"{VALID}\ntitle: [unclosed\nsummary: x"))
    assert where(world, "content/national/x.md", 6) in err and "invalid YAML" in err
    assert f"{world / 'site/content/national/x.md'}:6:8: invalid YAML" in err


@pytest.mark.parametrize(
    "payload",
    [
        "title: !!python/object/apply:os.system ['touch {pwned}']",
        "title: !!python/object/new:os.system ['touch {pwned}']",
        "title: !!python/name:os.system",
        "title: x\nextra: !!python/object/apply:subprocess.call [['touch', '{pwned}']]",
        "!!python/object/apply:os.system\nargs: ['touch {pwned}']",
    ],
)
def test_python_tags_are_a_yaml_error_and_no_code_runs(world, capsys, payload):
    pwned = world / "pwned"
    err = refuse(world, capsys, "content/national/x.md", fm(payload.format(pwned=pwned) + "\n" + VALID))
    assert where(world, "content/national/x.md") in err and "invalid YAML" in err and "python/" in err
    assert not pwned.exists()


def test_alias_bomb_is_refused_before_it_is_built(world, capsys):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        ref = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([ref] * 9)}]")
    err = refuse(world, capsys, "content/national/x.md", fm("\n".join(lines) + "\ntitle: Laughs\n" + VALID))
    assert where(world, "content/national/x.md", 1) in err and "more than 5000 values" in err


@pytest.mark.slow
@pytest.mark.parametrize(("depth", "message"), [(30, "nested more than 20 levels"), (20000, "nested too deeply")])
def test_deep_nesting_is_refused(world, capsys, depth, message):
    err = refuse(world, capsys, "content/national/x.md", fm(f"title: {'[' * depth}{']' * depth}\n{VALID}"))
    assert where(world, "content/national/x.md", 1) in err and message in err


def test_huge_front_matter_is_refused_unparsed(world, capsys):
    err = refuse(world, capsys, "content/national/x.md", fm(f"title: x\n{VALID}\nsummary: '{'x' * 70_000}'"))
    assert "front matter is 68 KB; the limit is 64 KB" in err


def test_a_50_mb_file_is_refused_without_being_read(world, capsys):
    path = world / "site/content/national/dump.md"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB to stat, nothing to read
    err = refuse(world, capsys, "content/national/dump.md")
    assert f"{path}: file is 50.0 MB, more than max_file_size (2.0 MB)" in err


def test_max_file_size_is_configurable(world, capsys):
    toml = world / "site/site.toml"
    toml.write_text(toml.read_text() + "max_file_size = 4096\n")
    err = refuse(world, capsys, "content/national/long.md", article("Long read", body="word " * 1000))
    assert "file is 5 KB, more than max_file_size (4 KB)" in err


def test_a_fifo_named_like_markdown_is_refused_without_hanging(world, capsys):
    os.mkfifo(world / "site/content/national/pipe.md")
    err = refuse(world, capsys, "content/national/pipe.md")
    assert "not a regular file" in err


# --- Shape and types of the front matter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- a\n- b", 2, "front matter must be a mapping"),
        ("just a sentence", 2, "front matter must be a mapping"),
        ("", 1, "front matter is empty"),
        (f"title: no\n{VALID}", 2, "'title' must be text, not the yes/no value false; put it in quotes"),
        (f"title: 1984\n{VALID}", 2, "'title' must be text, not int 1984"),
        (
            "title: T\nsection: National\nauthor: 2024-01-01\ndate: 2026-02-01",
            4,
            "'author' must be a name or a list of names, not the date 2024-01-01",
        ),
        (f"title: T\n{VALID}\ntags: [a, [b]]", 6, "'tags' must be a name or a list of names"),
        (f"title: T\n{VALID}\ndraft: maybe", 6, "'draft' must be true or false"),
        (f"title: T\n{VALID}\nsummary: {{a: 1}}", 6, "'summary' must be text, not a mapping"),
        ("title: T\nsection: National\nauthor: Ann\ndate: yesterday", 5, "'date': cannot read 'yesterday' as a date"),
        ("title: T\nsection: National\nauthor: Ann\ndate: 2026-02-30", 5, "'date': impossible date '2026-02-30'"),
        ("title: T\nsection: National\nauthor: Ann\ndate: 9999-12-31 23:59:59", 5, "is out of range"),
        (f"title: T\n{VALID}\n1: one", 6, "field names must be text"),
        (f"title: T\n{VALID}\ntitle: Again", 6, "'title' is given twice"),
        (
            f"title: T\n{VALID}\nwordcount: !!int",
            6,
            "invalid YAML in 'wordcount': cannot read value '': its tag needs a value",
        ),
        (f'title: "half \\ud800"\n{VALID}', 2, "'title' contains U+D800, half of a character"),
        (f"title: T\n{VALID}\nimage: 'javascript:alert(1)'", 6, "'image' must be a path on the site"),
        (f"title: T\n{VALID}\nimage: 'data:text/html,<script>'", 6, "'image' must be a path on the site"),
        (f'title: T\n{VALID}\nextra_field: ["\\udfff"]', 6, "'extra_field' contains U+DFFF"),
    ],
)
def test_wrong_shapes_and_types_name_the_field_and_line(world, capsys, text, line, message):
    err = refuse(world, capsys, "content/national/x.md", fm(text))
    assert reports(err, where(world, "content/national/x.md", line), message), err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: T\nsection: National\n", "front matter is not closed"),
        ("Just a story with no front matter.\n", "no front matter"),
    ],
)
def test_missing_front_matter_lines_are_named(world, capsys, text, message):
    err = refuse(world, capsys, "content/national/x.md", text)
    assert reports(err, where(world, "content/national/x.md", 1), message)


def test_a_boolean_title_never_reaches_a_page(world, capsys):
    refuse(world, capsys, "content/national/x.md", fm(f"title: yes\n{VALID}"))
    assert "True" not in (world / "site/public/index.html").read_text()


# --- Encodings --------------------------------------------------------------------------------------------


def test_bom_and_crlf_give_the_same_output_as_clean_utf8(tmp_path, capsys):
    text = article("Café crème: the “best” in town", tags="[Food, Cafés]", body="First line.\n\nSecond — para.")
    clean = write_site(tmp_path / "clean", {"content/national/cafe.md": text})
    messy = write_site(
        tmp_path / "messy", {"content/national/cafe.md": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")}
    )
    assert build(clean) == 0 and build(messy) == 0
    assert fingerprint(clean / "public") == fingerprint(messy / "public")


def test_latin1_file_is_an_error_with_the_byte_offset(world, capsys):
    data = article("Café society").encode("latin-1")
    err = refuse(world, capsys, "content/national/latin.md", data)
    offset = data.index(b"\xe9")
    assert f"{where(world, 'content/national/latin.md', 2)} not valid UTF-8: byte 0xe9 at offset {offset}" in err


# --- Files that are not content ---------------------------------------------------------------------------


def test_editor_and_os_junk_is_ignored(tmp_path, capsys):
    plain = write_site(tmp_path / "plain", GOOD)
    junk = write_site(
        tmp_path / "junk",
        {
            **GOOD,
            "content/national/._a.md": b"\x00\x05\x16\x07Mac OS X resource fork \xff\xfe",
            "content/national/.#a.md": "ann@laptop.1234:1700000000",
            "content/national/a.md~": "---\ntitle: [broken backup\n",
            "content/national/.a.md.swp": b"b0VIM 9.0\x00\x00\xff",
            "content/national/4913": "",
            "content/.DS_Store": b"\x00\x00\x00\x01Bud1\x00",
            "content/national/Thumbs.db": b"\xd0\xcf\x11\xe0",
        },
    )
    assert build(plain) == 0 and build(junk) == 0
    assert fingerprint(plain / "public") == fingerprint(junk / "public")


# --- URLs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("content/national/story.md", article("One")), ("content/national/Story.md", article("Two"))),
        (("content/national/cafe.md", article("One")), ("content/national/café.md", article("Two"))),
        (
            ("content/national/one.md", article("One", slug="Café")),
            ("content/national/two.md", article("Two", slug="cafe")),
        ),
        (("content/national/one.md", article("One", slug="same")), ("content/national/same.md", article("Two"))),
    ],
)
def test_url_collisions_list_both_files(world, capsys, first, second):
    add(world, *first)
    add(world, *second)
    err = refuse(world, capsys, first[0])
    a, b = (str(world / "site" / rel) for rel, _ in (first, second))
    assert reports(err, f"{a}: URL", b) and reports(err, f"{b}: URL", a)


@pytest.mark.parametrize("slug", ["'../../etc'", "'%2e%2e%2f'", "'/etc/passwd'", "'a\\b'", '"a\\0b"', "'..'", "'a/b'"])
def test_slug_escaping_its_folder_is_rejected(world, capsys, slug):
    err = refuse(world, capsys, "content/national/x.md", article("Sneaky", slug=slug))
    assert reports(err, where(world, "content/national/x.md", 6), "'slug'")


# --- Symbolic links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel", ["content/national/leak.md", "content/leaked-folder", "templates/partials/ad.html", "static/secret.txt"]
)
def test_symlink_leading_outside_the_site_is_reported_and_not_followed(world, capsys, rel):
    target = world / "bystander" if rel.endswith("folder") else world / "bystander" / "secret.md"
    link = world / "site" / rel
    link.unlink(missing_ok=True)
    link.symlink_to(target)
    err = refuse(world, capsys, rel)
    assert f"{link}: symbolic link leads outside the site (to {target}); it is not followed" in err


def test_broken_symlink_is_reported(world, capsys):
    link = world / "site/content/national/gone.md"
    link.symlink_to(world / "nowhere.md")
    err = refuse(world, capsys, "content/national/gone.md")
    assert f"{link}: symbolic link to {world / 'nowhere.md'} leads nowhere" in err


def test_symlink_inside_the_site_is_followed_once(world, capsys):
    add(world, "shared/sports/derby.md", article("Derby day", "Sports"))
    (world / "site/content/sports/shared").symlink_to(world / "site/shared/sports")
    (world / "site/content/loop").symlink_to(world / "site/content")  # a cycle: must not recurse forever
    built(world, world / "site/public", capsys, "--site", world / "site")
    assert "Derby day" in (world / "site/public/sports/derby/index.html").read_text()


def test_secret_outside_the_site_never_reaches_the_output(world, capsys):
    (world / "site/content/national/leak.md").symlink_to(world / "bystander/secret.md")
    refuse(world, capsys, "content/national/leak.md")
    assert not any("TOP SECRET" in p.read_text(errors="replace") for p in (world / "site/public").rglob("*.html"))
    assert fingerprint(world / "bystander") == {"secret.md": fingerprint(world / "bystander")["secret.md"]}


def test_outside_link_inside_a_linked_folder_is_reported_too(world, capsys):
    add(world, "shared/sports/derby.md", article("Derby day", "Sports"))
    (world / "site/shared/sports/leak.md").symlink_to(world / "bystander/secret.md")
    (world / "site/content/sports/shared").symlink_to(world / "site/shared/sports")
    err = refuse(world, capsys, "content/sports/shared")
    leak = world / "site/content/sports/shared/leak.md"
    assert f"{leak}: symbolic link leads outside the site" in err


def test_invisible_control_characters_are_dropped_like_a_bom(tmp_path, capsys):
    text = article("Wire copy", body="Para one.\n\nPage break.", summary="'Sum mary'")
    dirty = (
        text.replace("Page break", "Page\x0c break\x00")
        .replace("Para", "Pa\x1bra")
        .replace("title: 'Wire copy'", 'title: "Wire\\a copy\x7f"')
    )
    clean = write_site(tmp_path / "clean", {"content/national/x.md": text})
    messy = write_site(tmp_path / "messy", {"content/national/x.md": dirty})
    assert build(clean) == 0 and build(messy) == 0
    assert fingerprint(clean / "public") == fingerprint(messy / "public")


@pytest.mark.parametrize("names", ["'!!!'", "['Ann', '…']"])
def test_author_or_tag_without_letters_is_reported(world, capsys, names):
    err = refuse(world, capsys, "content/national/x.md", article("Nameless", tags=names))
    assert reports(err, where(world, "content/national/x.md", 6), "has no letters or digits")


def test_content_that_is_a_file_is_reported(world, capsys):
    import shutil

    shutil.rmtree(world / "site/content")
    (world / "site/content").write_text("not a folder")
    err = refuse(world, capsys, "content")
    assert f"{world / 'site/content'}: content must be a folder of Markdown files" in err


def test_an_upper_case_extension_is_still_a_story(world, capsys):
    add(world, "content/national/Shout.MD", article("Saved on Windows"))
    built(world, world / "site/public", capsys, "--site", world / "site")
    assert "Saved on Windows" in (world / "site/public/national/shout/index.html").read_text()


@pytest.mark.parametrize(
    "image", ['"java\\tscript:alert(1)"', '"JAVASCRIPT:alert(1)"', "'vbscript:x'", "'data:image/svg+xml,<svg/>'"]
)
def test_image_with_a_script_scheme_in_any_spelling_is_refused(world, capsys, image):
    err = refuse(world, capsys, "content/national/x.md", article("Pic", image=image))
    assert reports(err, where(world, "content/national/x.md", 6), "'image' must be a path on the site")
