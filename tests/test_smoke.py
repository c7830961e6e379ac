from support import article, build, read, write_site


def test_builds_an_article_page_with_headline_and_sidebar(site):
    write_site(
        site,
        {
            "content/a.md": article("First story", date="2026-02-01 09:00"),
            "content/b.md": article("Second story", date="2026-02-02 09:00"),
        },
    )
    assert build(site) == 0
    page = read(site, "/national/b/")
    assert "<h1>Second story</h1>" in page
    assert "More from National" in page and "First story" in page  # the story published before it
