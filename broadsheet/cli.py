"""The command line: build, check, new, init, theme eject (and serve/watch)."""

from __future__ import annotations

import argparse
import functools
import gc
import os
import shutil
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from broadsheet.errors import BuildError, OutputChanged, UsageError, display_path, one_line
from broadsheet.guard import OutsideFolder

KIND_ORDER = (
    "home",
    "section",
    "article",
    "page",
    "author",
    "authors",
    "tag",
    "tags",
    "archive",
    "archives",
    "search",
    "404",
    "feed",
    "sitemap",
    "news-sitemap",
    "robots",
    "redirect",
    "redirects",
    "updates",
    "fragment",
)


# The clock must leave room for the date arithmetic a build does (feeds, schedules) on either side.
EARLIEST, LATEST = datetime(1000, 1, 1, tzinfo=UTC), datetime(9998, 12, 31, tzinfo=UTC)


def parse_now(text: str | None) -> datetime:
    """Return the build's clock: --now, else SOURCE_DATE_EPOCH, else the real time."""
    if text:
        try:
            now = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise UsageError(f"--now: cannot read {text!r}; use ISO 8601, e.g. 2026-02-12T09:00:00-08:00") from None
        return within_calendar(now, f"--now {text!r}")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            now = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds between "
                f"{int(EARLIEST.timestamp())} and {int(LATEST.timestamp())}, not {epoch!r}"
            ) from None
        return within_calendar(now, f"SOURCE_DATE_EPOCH={epoch!r}")
    return datetime.now(UTC)


def within_calendar(now: datetime, what: str) -> datetime:
    """Refuse a clock so near the ends of the calendar that shifting it to UTC or by days would overflow."""
    try:
        ok = EARLIEST <= (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC) <= LATEST
    except (OverflowError, ValueError):
        ok = False
    if not ok:
        raise UsageError(f"{one_line(what)}: the clock must be between the years {EARLIEST.year} and {LATEST.year}")
    return now


@functools.cache  # one parser, made once: it holds no state of a run (every parse makes its own namespace)
def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="broadsheet", description="Build a news site from Markdown.")
    parser.add_argument("--version", action="version", version=f"broadsheet {version()}")
    sub = parser.add_subparsers(dest="command", metavar="{build,check,new,move,init,theme,serve,watch}")

    def site_options(p: argparse.ArgumentParser, output: bool = True) -> None:
        p.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: .)")
        if output:
            p.add_argument("--output", type=Path, help="where to write (default: <site>/public)")
            p.add_argument("--force", action="store_true", help="replace an output folder Broadsheet did not make")
        p.add_argument("--now", help="the build's clock, ISO 8601 (default: SOURCE_DATE_EPOCH or now)")
        p.add_argument("--drafts", action="store_true", help="include drafts")
        p.add_argument("--future", action="store_true", help="include stories dated after --now")
        p.add_argument("--base-url", help="override base_url from site.toml")

    build = sub.add_parser("build", help="build the site into the output folder")
    site_options(build)
    build.add_argument(
        "--changed",
        type=Path,
        metavar="FILE",
        help="list the changed URLs here (default: <site>/.broadsheet-cache/changed-urls.txt)",
    )
    build.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    build.add_argument("--no-cache", action="store_true", help="neither read nor write <site>/.broadsheet-cache")
    check = sub.add_parser("check", help="check config, content and templates; write nothing")
    site_options(check, output=False)
    check.add_argument(
        "--missing-profiles", action="store_true", help="list the bylines that have no profile in data/authors.toml"
    )
    new = sub.add_parser("new", help="start a new article")
    new.add_argument("headline")
    new.add_argument("--section", required=True)
    new.add_argument("--author", action="append", help="a byline name; repeat it for each writer (default: Staff)")
    new.add_argument("--lang", help="the edition's language, a [languages.<code>] of site.toml (default: the site's)")
    new.add_argument("--translation-key", help="links the story to its versions in other editions")
    new.add_argument("--site", type=Path, default=Path("."))
    new.add_argument("--now", help=argparse.SUPPRESS)
    add_init(sub)
    theme = sub.add_parser("theme", help="the theme Broadsheet ships")
    eject = theme.add_subparsers(dest="theme_command", required=True).add_parser(
        "eject", help="copy one theme file into the site to edit it (check tells when the theme's one changes)"
    )
    eject.add_argument("path", help="e.g. partials/byline.html, templates/article.html or static/css/site.css")
    eject.add_argument("--site", type=Path, default=Path("."))
    move = sub.add_parser("move", help="give a story a new slug or section; its old URL redirects to the new one")
    move.add_argument("file", type=Path, help="the story's Markdown file")
    move.add_argument("--slug", help="the new slug")
    move.add_argument("--section", help="the new section")
    move.add_argument("--site", type=Path, default=Path("."))
    serve = sub.add_parser("serve", help="preview the site in a browser; rebuild and reload on every save")
    site_options(serve, output=False)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--open", action="store_true", help="open the preview in your web browser")
    site_options(sub.add_parser("watch", help="rebuild the output folder on every save, without serving it"))
    return parser


def add_init(sub: argparse._SubParsersAction) -> None:
    """Add the `init` command and its options."""
    init = sub.add_parser("init", help="start a new paper in DIR (default: .); never overwrites a file")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    init.add_argument("--title", help="the paper's name (default: from the folder's name)")
    init.add_argument("--timezone", help="IANA time zone, e.g. America/Vancouver (default: UTC)")
    init.add_argument("--sections", help="section names separated by commas (default: News, Sport, Opinion)")
    init.add_argument("--language", help="the paper's language tag, e.g. en, fr, pa (default: en)")
    init.add_argument(
        "--install",
        metavar="SOURCE",
        help="where the publishing workflow installs Broadsheet from: a Git URL pinned to a tag or "
        "commit (git+https://…/broadsheet@v1.0) or a release archive's URL (default: where "
        "this Broadsheet was installed from, when pip recorded a URL)",
    )
    init.add_argument("--now", help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must not fail a report line
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed usage (2) or help (0)
        return int(e.code or 0)
    try:
        return run_command(args)
    except (UsageError, OutsideFolder) as e:  # OutsideFolder: a command asked to write outside its folder
        print(one_line(f"broadsheet: error: {e}"), file=sys.stderr)
        return 2
    except BuildError as e:
        for problem in e.problems:
            print(problem.format(), file=sys.stderr)
        n = len(e.problems)
        print(f"broadsheet: {n} problem{'s' if n != 1 else ''} found; nothing was written", file=sys.stderr)
        return 1
    except OutputChanged as e:  # the new output is in place; only a later step (the changed-URL list) failed
        cause = e.cause
        what = (
            f"{cause.strerror or cause}{f' ({cause.filename})' if getattr(cause, 'filename', None) else ''}"
            if isinstance(cause, OSError)
            else f"{type(cause).__name__}: {cause}"
        )
        print(
            one_line(
                f"broadsheet: error: {what}; the output folder was already updated "
                f"({e.changed} files changed), but the steps after it did not finish"
            ),
            file=sys.stderr,
        )
        return 1
    except OSError as e:  # a full disk, a read-only folder: the write was abandoned and rolled back
        where = f" ({e.filename})" if e.filename else ""
        print(
            one_line(f"broadsheet: error: {e.strerror or e}{where}; the previous output was left as it was"),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM: the stage is dropped, or a patch under way is finished
        how = "terminated" if isinstance(e, Terminated) else "interrupted"
        print(
            f"broadsheet: {how}; the output folder was left whole: the previous build, or this one "
            "if it was already being put in place",
            file=sys.stderr,
        )
        return 128 + signal.SIGTERM if isinstance(e, Terminated) else 130


def run_command(args: argparse.Namespace) -> int:
    """Run one parsed command; errors propagate to main(), which words them."""
    if args.command in ("build", "check"):
        return cmd_build(args, write=args.command == "build")
    if args.command == "new":
        from broadsheet.scaffold import new_article

        path = new_article(
            args.site,
            args.headline,
            args.section,
            args.author or ["Staff"],
            parse_now(args.now),
            args.lang,
            args.translation_key,
        )
        print(one_line(f"Created {display_path(path)}"))
        return 0
    if args.command == "init":
        return cmd_init(args)
    if args.command == "theme":
        from broadsheet.paper import EJECTED, eject
        from broadsheet.paths import default_theme

        record = args.site / EJECTED
        new = not record.exists()
        print(f"Copied the theme's file to {display_path(eject(args.site, default_theme(), args.path))}")
        print(
            f"{'Created' if new else 'Updated'} {display_path(record)}: it remembers the theme's original, so "
            f"that `broadsheet check` tells you when an upgrade changes it (commit it with the copy)"
        )
        return 0
    if args.command == "move":
        return cmd_move(args)
    if args.command in ("serve", "watch"):
        return cmd_preview(args)
    raise UsageError(f"'{args.command}' is not available yet")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the build is, so that it unwinds as from Ctrl-C and leaves no temporary folder."""


def terminate_as_interrupt(signum: int, frame: object) -> None:
    raise Terminated


def cmd_build(args: argparse.Namespace, write: bool) -> int:
    from broadsheet.options import BuildOptions
    from broadsheet.run import build_with_cache

    out_dir = (args.output or args.site / "public") if write else None
    opts = BuildOptions(
        site_dir=args.site,
        out_dir=out_dir,
        now=parse_now(args.now),
        drafts=args.drafts,
        future=args.future,
        base_url=args.base_url,
        force=getattr(args, "force", False),
        jobs=getattr(args, "jobs", None),
        changed_file=getattr(args, "changed", None),
        cache=not getattr(args, "no_cache", False),
    )
    # The last build's memory lives as long as this process: keep the collector from walking it again and again.
    on_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate_as_interrupt) if on_main else None
    try:
        result = build_with_cache(opts, on_load=gc.freeze)
    finally:
        if on_main:
            signal.signal(signal.SIGTERM, previous)
    for warning in result.warnings:
        print(warning.format(), file=sys.stderr)
    if not write:
        from broadsheet.paper import ejected_warnings

        for warning in ejected_warnings(opts.site_dir, opts.theme):
            print(warning.format(), file=sys.stderr)
    kinds = ", ".join(f"{result.pages_by_kind[k]} {k}" for k in KIND_ORDER if k in result.pages_by_kind)
    total = sum(result.pages_by_kind.values())
    verb = f"Built {total} pages" if write else f"Checked {total} pages"
    where = f" into {display_path(Path(os.path.abspath(out_dir)))}" if out_dir else ""
    print(one_line(f"{verb} ({kinds}) and {result.static_files} static files{where} in {result.seconds:.2f} s"))
    if write:
        print(f"Rendered {result.pages_rendered} pages; {result.pages_written} files changed")
    if (note := result.next_change_note()) is not None:
        print(one_line(note))
    if getattr(args, "missing_profiles", False):
        names = ", ".join(result.unprofiled) or "none"
        print(one_line(f"Bylines without a profile in data/authors.toml: {names}"))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from broadsheet.paper import DEFAULT_SECTIONS, DEFAULT_TIMEZONE, crontab_line, default_title, init_paper, settings
    from broadsheet.workflow import install_source

    if sys.stdin.isatty():  # ask only someone who can answer; a script gets the defaults
        if args.title is None:
            args.title = ask("The paper's name", default_title(args.dir))
        if args.timezone is None:
            args.timezone = ask("Its time zone", DEFAULT_TIMEZONE)
        if args.sections is None:
            args.sections = ask("Its sections, separated by commas", ", ".join(DEFAULT_SECTIONS))
    source = install_source(args.install)
    paper = settings(args.dir, args.title, args.timezone, args.sections, args.language, source)
    written = init_paper(args.dir, paper, parse_now(args.now))
    for path in written:
        print(f"Created {display_path(path)}")
    if source:
        print(f"The publishing workflow installs Broadsheet from {source}")
    else:
        print(
            "Before publishing with GitHub Actions: set BROADSHEET in .github/workflows/publish.yml to where pip "
            "installs Broadsheet from (a Git URL pinned to a tag or commit), or run init with --install; this "
            "Broadsheet was not installed from a URL a runner can reach"
        )
    folder = display_path(Path(os.path.abspath(args.dir)))
    print(f"\nNext: cd {folder} && broadsheet serve   (then edit site.toml's base_url before publishing)")
    print("To publish on a schedule from your own server, add this line with `crontab -e`:")
    print(f"  {crontab_line(Path(os.path.abspath(args.dir)), shutil.which('broadsheet') or 'broadsheet')}")
    return 0


def ask(question: str, default: str) -> str:
    """Ask on the terminal; an empty answer takes the default."""
    answer = input(f"{question} [{default}]: ").strip()
    return answer or default


def cmd_move(args: argparse.Namespace) -> int:
    from broadsheet.scaffold import move_article

    if not args.slug and not args.section:
        raise UsageError("move: give a new --slug, a new --section, or both")
    old, new = move_article(args.site, args.file, args.slug, args.section)
    print(f"Moved {display_path(args.file)} from {old} to {new}; {old} redirects to it")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from broadsheet.options import BuildOptions

    opts = BuildOptions(
        site_dir=args.site,
        out_dir=getattr(args, "output", None) or args.site / "public",
        now=parse_now(args.now),
        drafts=args.drafts,
        future=args.future,
        base_url=args.base_url,
        force=getattr(args, "force", False),
    )
    # Without a fixed clock (--now, SOURCE_DATE_EPOCH), each build reads the time: scheduled changes happen by themselves.
    clock = None if args.now or os.environ.get("SOURCE_DATE_EPOCH") else lambda: datetime.now(UTC)
    try:
        if args.command == "watch":
            from broadsheet.preview.watch import run_watch

            return run_watch(opts, clock=clock)
        from broadsheet.preview.serve import run_serve

        return run_serve(opts, args.host, args.port, args.open, clock=clock)
    except KeyboardInterrupt:  # Ctrl-C while starting up, before the commands handle it themselves
        return 130


def version() -> str:
    """Return the installed Broadsheet's version."""
    from importlib import metadata

    try:
        return metadata.version("broadsheet")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
