"""Every problem is reported at once as path:line: message, and nothing is written."""

from __future__ import annotations

from support import SITE_TOML, article, build, run, tree_snapshot, write_site

GOOD = {"content/good.md": article("Good story")}


def problems(capsys) -> list[str]:
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "problem" in err[-1] and "nothing was written" in err[-1]
    assert "Traceback" not in "\n".join(err)
    return err[:-1]


def test_all_content_problems_in_one_run_with_lines(site, capsys):
    write_site(
        site,
        {
            **GOOD,
            "content/yaml.md": "---\ntitle: ok\nsection: [National\nauthor: x\n---\nBody\n",
            "content/missing.md": "---\ntitle: No author\nsection: National\ndate: 2026-02-01\n---\nBody\n",
            "content/baddate.md": article("Bad date", date="2026-02-30"),
            "content/badstr.md": article("Bad date string", date="'next tuesday'"),
            "content/section.md": article("Typo", section="Natinal"),
            "content/latin1.md": "---\ntitle: Caf\xe9\n".encode("latin-1") + b"section: National\n---\n",
            "content/bool.md": "---\ntitle: no\nsection: National\nauthor: A\ndate: 2026-02-01\n---\n",
            "content/authordate.md": article("Author is a date", author="2024-01-01"),
            "content/noclose.md": "---\ntitle: x\nsection: National\n",
            "content/nofm.md": "Just text\n",
        },
    )
    assert build(site) == 1
    err = problems(capsys)
    text = "\n".join(err)
    assert (
        "content/yaml.md:4:7: invalid YAML in front matter: a list opened with '[' is not closed with ']' "
        "(it opens on line 3)" in text
    )
    assert "content/missing.md:1: missing required field 'author'" in text
    assert "content/baddate.md:5: 'date': impossible date '2026-02-30'" in text
    assert "content/badstr.md:5: 'date': cannot read 'next tuesday' as a date" in text
    assert (
        "content/section.md:3: unknown section 'Natinal' (did you mean 'National'?); "
        "the sections are: National, Sports, Arts & Culture" in text
    )
    assert "content/latin1.md:2: not valid UTF-8: byte 0xe9 at offset 14" in text
    assert "content/bool.md:2: 'title' must be text, not the yes/no value false" in text
    assert "content/authordate.md:4: 'author' must be a name or a list of names, not the date 2024-01-01" in text
    assert "content/noclose.md:1: front matter is not closed" in text
    assert "content/nofm.md:1: no front matter" in text
    assert len(err) == 10, err
    assert not (site / "public").exists()


def test_url_collision_names_both_files(site, capsys):
    write_site(
        site,
        {
            "content/one/story.md": article("One"),
            "content/two/story.md": article("Two"),
            "content/cafe.md": article("Cafe", slug="Café-x"),
            "content/café-x.md": article("Café"),
        },
    )
    assert build(site) == 1
    text = "\n".join(problems(capsys))
    assert "content/one/story.md: URL /national/story/ is wanted by 2 files:" in text
    assert text.count("content/one/story.md") >= 2 and "content/two/story.md" in text
    assert "/national/cafe-x/ is wanted by 2 files" in text


def test_template_errors_name_the_template_and_line(site, capsys):
    write_site(
        site,
        {
            **GOOD,
            "templates/section.html": "{% extends 'base.html' %}\n{% block main %}\n{{ section.nmae }}\n{% endblock %}\n",
            "templates/tag.html": "{% extends 'base.html' %}\n{% block main %}\n{% for x in %}\n{% endblock %}\n",
        },
    )
    assert build(site) == 1
    text = "\n".join(problems(capsys))
    assert "templates/tag.html:3: template syntax error" in text
    assert build(site) == 1  # the syntax error hides nothing else: fix it and the runtime error shows
    (site / "templates/tag.html").write_text("{% extends 'base.html' %}{% block main %}{% endblock %}")
    assert build(site) == 1
    text = "\n".join(problems(capsys))
    assert "templates/section.html:3: " in text and "nmae" in text


def test_config_problems_are_reported_together(site, capsys):
    write_site(
        site,
        {
            **GOOD,
            "site.toml": 'title = "X"\nbase_url = "ftp://x"\ntimezone = "Mars/Olympus"\n'
            'sections = ["National"]\nper_pgae = 3\n',
        },
    )
    assert build(site) == 1
    text = "\n".join(problems(capsys))
    assert "site.toml:2: 'base_url' must be an absolute http(s) URL" in text
    assert "site.toml:3: unknown time zone 'Mars/Olympus'" in text
    assert "site.toml:5: unknown key 'per_pgae' (did you mean 'per_page'?)" in text


def test_failed_build_leaves_previous_output_byte_for_byte(site, capsys):
    write_site(site, GOOD)
    assert build(site) == 0
    before = tree_snapshot(site / "public")
    (site / "content/broken.md").write_text("---\ntitle: [\n---\n")
    (site / "content/good.md").write_text(article("Changed headline"))
    assert build(site) == 1
    assert tree_snapshot(site / "public") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []


def test_output_folder_that_would_destroy_sources_is_refused(site, tmp_path, capsys):
    write_site(site, GOOD)
    sources = tree_snapshot(site)
    for out in (site, tmp_path, site / "content", site / "templates" / "x", site / "static", site / "content" / ".."):
        assert build(site, "--output", out) == 2
        assert "refusing" in capsys.readouterr().err
    assert tree_snapshot(site) == sources
    # A sibling folder whose name merely starts like a source folder is fine.
    assert build(site, "--output", site / "content-old") == 0


def test_existing_folder_not_made_by_us_needs_force(site, capsys):
    write_site(site, GOOD)
    (site / "public").mkdir()
    (site / "public/notes.txt").write_text("mine")
    assert build(site) == 2
    assert "not made by Broadsheet" in capsys.readouterr().err
    assert (site / "public/notes.txt").read_text() == "mine"
    assert build(site, "--force") == 0
    assert (site / "public/index.html").exists()
    assert build(site) == 0  # now it carries our marker


def test_check_reports_the_same_problems_and_writes_nothing(site, capsys):
    write_site(site, {**GOOD, "content/bad.md": article("Bad", section="Natinal")})
    assert run("check", "--site", site) == 1
    assert "content/bad.md:3: unknown section 'Natinal'" in capsys.readouterr().err
    (site / "content/bad.md").unlink()
    assert run("check", "--site", site) == 0
    assert "Checked" in capsys.readouterr().out
    assert not (site / "public").exists()


def test_usage_errors_exit_2(site, capsys):
    write_site(site, GOOD)
    assert run("build", "--site", site, "--now", "yesterday") == 2
    assert "--now" in capsys.readouterr().err
    assert run("nonsense") == 2
    assert run("build", "--site", site, "--no-such-flag") == 2


def test_missing_site_toml_is_one_clear_line(tmp_path, capsys):
    assert run("build", "--site", tmp_path) == 1
    assert "site.toml not found" in capsys.readouterr().err


def test_site_toml_with_a_default_missing_is_fine(site):
    write_site(site, {**GOOD, "site.toml": SITE_TOML.replace("per_page = 3\n", "")})
    assert build(site) == 0
