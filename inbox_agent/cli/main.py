"""The `inbox-agent` command: thin commands, each one call into pipeline.

The command groups live in drafts.py, archive.py, insights.py, reader.py and sent.py; they
are registered on `main` at the end of this module. Every command speaks the author's
language (common.lang_of); --help stays in English.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import click

from inbox_agent import pipeline
from inbox_agent.cli.archive import archive, eval_group, parse_cmd
from inbox_agent.cli.common import (
    Group,
    ProgressBar,
    check_line,
    config_of,
    echo_json,
    format_draft,
    lang_of,
    with_language,
)
from inbox_agent.cli.drafts import drafts
from inbox_agent.cli.init import init_cmd
from inbox_agent.cli.insights import quote_cmd, tags_group, topics_cmd
from inbox_agent.cli.reader import reader
from inbox_agent.cli.sent import sent, stats_cmd
from inbox_agent.cli.summaries import run_summary, status_lines
from inbox_agent.i18n import notes, words
from inbox_agent.i18n.language import SPOKEN, AuthorLanguage
from inbox_agent.review import queries
from inbox_agent.text.language import LANGUAGES


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(),
              help="config.toml to use (default: $INBOX_AGENT_CONFIG, "
                   "$INBOX_AGENT_HOME/config.toml, ./config.toml).")
@click.option("--lang", type=click.Choice(LANGUAGES, case_sensitive=False),
              envvar="INBOX_AGENT_LANG",
              help=f"Language of the output and of the review page: {', '.join(SPOKEN)} "
                   "(others give English). Default: [web] language, else "
                   "[author] default_language; without a config, the locale ($LANG).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="inbox-agent")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, lang: str | None, verbose: int) -> None:
    """inbox-agent: draft replies to your newsletter readers, grounded in your archive.

    Pull replies (IMAP, Maildir or mbox), set aside auto-replies, bounces and
    unsubscribes, find the past issues that answer each reader, and write a draft
    for you to review. Nothing is ever sent without your approval.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(message)s")
    ctx.obj = {"config_path": config_path, "lang": lang.lower() if lang else None}


@main.command()
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=0, show_default=True,
              metavar="SECONDS", help="Wait this long for another running inbox-agent.")
@click.pass_context
def run(ctx: click.Context, quiet: bool, wait: float) -> None:
    """One pass: bring the archive index up to date, pull new mail, triage it, draft the
    replies."""
    lang = lang_of(ctx)
    report = pipeline.run_once(config_of(ctx), progress=ProgressBar(quiet, lang),
                               lock_wait=wait)
    click.echo(run_summary(report, lang))
    for notice in report.notices:
        click.echo(lang.gettext("Note: %(notice)s", notice=notes.said(notice, lang)), err=True)
    for error in report.errors[:10]:
        click.echo(f"  ! {notes.said(error, lang)}", err=True)


@main.command("other")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def other_mail(ctx: click.Context, as_json: bool) -> None:
    """Mail set apart: auto-replies, bounces, unsubscribe requests."""
    items = queries.set_apart(config_of(ctx))
    if as_json:
        echo_json(items)
        return
    lang = lang_of(ctx)
    if not items:
        click.echo(lang.gettext("Nothing set apart."))
    kinds = [words.label(words.KINDS, item["kind"], lang) for item in items]
    width = max(map(len, kinds), default=0)
    for item, kind in zip(items, kinds, strict=True):
        click.echo(f"{item['id']:>4}  {kind:<{width}} {item['from'][:32]:<32} "
                   f"{notes.said(item['reason'], lang)}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Recent runs, the draft counts and the next scheduled passes."""
    from inbox_agent.worker import schedule_status

    info = queries.status(config_of(ctx))
    info.update(schedule_status(config_of(ctx)))
    if as_json:
        echo_json(info)
        return
    for line in status_lines(info, lang_of(ctx)):
        click.echo(line)


@main.command("worker")
@click.option("--now", "run_now", is_flag=True, help="Run one pass at start, then follow the "
              "schedule.")
@click.pass_context
def worker_cmd(ctx: click.Context, run_now: bool) -> None:
    """Run passes on the [schedule] of the config until stopped (SIGTERM or Ctrl-C).

    Missed passes (machine off) run once at start; a stop lets the work in hand finish.
    """
    from inbox_agent.worker import serve

    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger("inbox_agent").setLevel(logging.INFO)  # one line per pass
    serve(config_of(ctx), run_now=run_now)


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the configuration, the mailbox, the index and the model settings."""
    from inbox_agent.doctor import run_checks

    problems = 0
    lang = lang_of(ctx)
    for check in run_checks(ctx.find_root().obj["config_path"]):
        problems += not check.ok
        click.echo(check_line(check, lang))
        if check.label == "config" and not check.ok:
            ctx.exit(2)  # as every command does on a config error
    if problems:
        ctx.exit(1)


@main.command()
@click.option("--home", type=click.Path(file_okay=False),
              help="Folder for the demo's data, kept afterwards (default: a temporary folder, "
                   "removed when the demo stops).")
@click.option("--serve/--no-serve", default=True, help="Serve the review page at the end.")
@click.pass_context
def demo(ctx: click.Context, home: str | None, serve: bool) -> None:
    """Import the sample archive, read the sample replies, draft them, serve the page."""
    folder = Path(home) if home else Path(tempfile.mkdtemp(prefix="inbox-agent-demo-"))
    try:
        _demo(ctx, folder, serve, kept=bool(home))
    finally:
        if not home:
            shutil.rmtree(folder, ignore_errors=True)


def _demo(ctx: click.Context, folder: Path, serve: bool, *, kept: bool) -> None:
    from inbox_agent.demo import demo_config

    config = with_language(ctx, demo_config(folder))
    lang = AuthorLanguage.for_config(config)
    progress = ProgressBar(lang=lang)
    report = pipeline.import_archive(config, progress=progress)
    run_report = pipeline.run_once(config, progress=progress)
    drafts = queries.list_drafts(config)
    click.echo(lang.ngettext("Archive: %(num)s issue indexed. Replies: %(summary)s.",
                             "Archive: %(num)s issues indexed. Replies: %(summary)s.",
                             report.issues, summary=run_summary(run_report, lang)))
    for d in sample_drafts(drafts):
        click.echo("\n" + "=" * 72 + "\n" + format_draft(d, lang))
    where = f"--config {folder / 'config.toml'}"
    click.echo("\n" + "=" * 72)
    if kept or serve:
        click.echo(lang.ngettext(
            "%(num)s draft in all: `inbox-agent %(where)s drafts list`; mail set apart: "
            "`inbox-agent %(where)s other`.",
            "%(num)s drafts in all: `inbox-agent %(where)s drafts list`; mail set apart: "
            "`inbox-agent %(where)s other`.", len(drafts), where=where))
    click.echo(lang.gettext("Demo data in %(folder)s", folder=folder) if kept else
               lang.ngettext("%(num)s draft in all. The demo's data is removed when it stops: "
                             "pass --home DIR to keep it.",
                             "%(num)s drafts in all. The demo's data is removed when it stops: "
                             "pass --home DIR to keep it.", len(drafts)))
    if serve:
        from inbox_agent.web import serve as serve_page

        serve_page(config, echo=click.echo)


def sample_drafts(drafts: list[dict], n: int = 3) -> list[dict]:
    """A few drafts that show different things: languages first, then intents."""
    chosen: list[dict] = []
    for key in ("language", "intent"):
        for d in drafts:
            if len(chosen) < n and d not in chosen and all(d.get(key) != c.get(key)
                                                            for c in chosen):
                chosen.append(d)
    return chosen + [d for d in drafts if d not in chosen][: n - len(chosen)]


@main.command("serve")
@click.option("--host", help="Address to listen on (default: web.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: web.port).")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the review page (only on this machine unless --host says otherwise)."""
    from inbox_agent.web import serve as serve_page

    serve_page(config_of(ctx), host, port, echo=click.echo)


main.add_command(init_cmd)
main.add_command(drafts)
main.add_command(archive)
main.add_command(parse_cmd)
main.add_command(eval_group)
main.add_command(topics_cmd)
main.add_command(tags_group)
main.add_command(quote_cmd)
main.add_command(reader)
main.add_command(sent)
main.add_command(stats_cmd)


if __name__ == "__main__":  # pragma: no cover
    main()
