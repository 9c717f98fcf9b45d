"""The `inbox-agent` command: thin commands, each one call into pipeline."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path

import click

from inbox_agent import pipeline, queries
from inbox_agent.config import Config, load_config
from inbox_agent.errors import InboxAgentError
from inbox_agent.models import DraftStatus


class Group(click.Group):
    """Turns InboxAgentError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InboxAgentError as err:
            click.echo(f"inbox-agent: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("inbox-agent: interrupted; rerun to continue where it stopped", err=True)
            ctx.exit(130)


class Progress:
    """Progress on stderr: a rewritten line on a terminal, a few plain lines otherwise."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        percent = done * 100 // total
        if self.tty:
            end = "\n" if done >= total else ""
            click.echo(f"\r{stage}: {done}/{total} ({percent}%)", err=True, nl=False)
            if end:
                click.echo("", err=True)
            return
        step = percent // 25
        if (stage, step) != self.last or done == total:
            if done == total or (stage, step) != self.last:
                click.echo(f"{stage}: {done}/{total}", err=True)
            self.last = (stage, step)


def config_of(ctx: click.Context) -> Config:
    obj = ctx.find_root().obj
    if "config" not in obj:
        obj["config"] = load_config(obj["config_path"])
    return obj["config"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="config.toml to use (default: $INBOX_AGENT_CONFIG, "
                   "$INBOX_AGENT_HOME/config.toml, ./config.toml).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="inbox-agent")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """inbox-agent: draft replies to your newsletter readers, grounded in your archive.

    Pull replies (IMAP, Maildir or mbox), set aside auto-replies, bounces and
    unsubscribes, find the past issues that answer each reader, and write a draft
    for you to review. Nothing is ever sent without your approval.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(message)s")
    ctx.obj = {"config_path": config_path}


@main.command()
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=0, show_default=True,
              metavar="SECONDS", help="Wait this long for another running inbox-agent.")
@click.pass_context
def run(ctx: click.Context, quiet: bool, wait: float) -> None:
    """One pass: pull new mail, triage it, draft the replies."""
    report = pipeline.run_once(config_of(ctx), progress=Progress(quiet), lock_wait=wait)
    click.echo(report.summary())
    for error in report.errors[:10]:
        click.echo(f"  ! {error}", err=True)


@main.group()
def drafts() -> None:
    """List, read and decide on drafts."""


@drafts.command("list")
@click.option("--status", type=click.Choice([s.value for s in DraftStatus]),
              help="Only drafts with this status.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def drafts_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """All drafts, newest last."""
    items = queries.list_drafts(config_of(ctx), status)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("No drafts yet: run `inbox-agent run` first.")
    for d in items:
        cited = ", ".join(f"#{c['number']}" for c in d["cited_issues"] if c["number"])
        name = d["reader_name"] or d["reader_email"]
        click.echo(f"{d['id']:>4}  {d['status']:<8} {d['language']:<2}  {name[:28]:<28} "
                   f"{d['subject'][:40]:<40} {cited}")


@drafts.command("show")
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def drafts_show(ctx: click.Context, draft_id: int, as_json: bool) -> None:
    """One draft with the reader's message."""
    d = queries.get_draft(config_of(ctx), draft_id)
    if as_json:
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    click.echo(format_draft(d))


def format_draft(d: dict) -> str:
    lines = [
        f"Draft {d['id']} ({d['status']}, {d['language']}, {d['drafter']})",
        f"From:    {d['reader_name']} <{d['reader_email']}>",
        f"Subject: {d['subject']}",
        "",
        "Reader wrote:",
        *("  | " + line for line in d["reply_text"].splitlines()),
        "",
        "Draft:",
        *("  " + line for line in d["draft_text"].splitlines()),
    ]
    for flag in d["flags"]:
        lines.append(f"  ! {flag}")
    if d["error"]:
        lines.append(f"  ! drafting failed: {d['error']}")
    return "\n".join(lines)


@drafts.command("approve")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_approve(ctx: click.Context, draft_id: int) -> None:
    """Approve a draft: the threaded reply goes to your Drafts folder (or SMTP)."""
    from inbox_agent import review

    done = review.approve(config_of(ctx), draft_id)
    click.echo(f"Draft {draft_id} approved: {done.destination}.")


@drafts.command("skip")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_skip(ctx: click.Context, draft_id: int) -> None:
    """Skip a draft: no answer for this reply."""
    from inbox_agent import review

    review.skip(config_of(ctx), draft_id)
    click.echo(f"Draft {draft_id} skipped.")


@drafts.command("edit")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_edit(ctx: click.Context, draft_id: int) -> None:
    """Edit a draft in $EDITOR; approve it afterwards with `drafts approve ID`."""
    from inbox_agent import review

    config = config_of(ctx)
    current = queries.get_draft(config, draft_id)["draft_text"]
    edited = click.edit(current, extension=".txt", require_save=True)
    if edited is None or edited == current:
        click.echo(f"Draft {draft_id} unchanged.")
        return
    review.save_edit(config, draft_id, edited)
    click.echo(f"Draft {draft_id} saved; approve it with `inbox-agent drafts approve {draft_id}`.")


@drafts.command("regenerate")
@click.argument("draft_id", type=int)
@click.option("--say", "instruction", required=True,
              help='What to change, e.g. "plus court", "tutoie-le", "mentionne le numéro 41".')
@click.pass_context
def drafts_regenerate(ctx: click.Context, draft_id: int, instruction: str) -> None:
    """Draft again following an instruction; approved drafts are left alone."""
    click.echo(format_draft(pipeline.regenerate_draft(config_of(ctx), draft_id, instruction)))


@main.command("other")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def other_mail(ctx: click.Context, as_json: bool) -> None:
    """Mail set apart: auto-replies, bounces, unsubscribe requests."""
    items = queries.set_apart(config_of(ctx))
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        click.echo(f"{item['id']:>4}  {item['kind']:<12} {item['from'][:32]:<32} {item['reason']}")


@main.group()
def archive() -> None:
    """Import and search the newsletter archive."""


@archive.command("import")
@click.argument("source", required=False)
@click.option("--kind", type=click.Choice(["markdown", "substack", "rss", "imap"]),
              help="Format of SOURCE (detected when omitted).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def archive_import(ctx: click.Context, source: str | None, kind: str | None, quiet: bool) -> None:
    """Import SOURCE (default: archive.path from config) into the index."""
    report = pipeline.import_archive(config_of(ctx), source, kind, progress=Progress(quiet))
    click.echo(f"{report.issues} issues: {report.added} chunks added, {report.updated} updated, "
               f"{report.unchanged} unchanged, {report.removed} removed.")


@archive.command("search")
@click.argument("text")
@click.option("-k", default=5, show_default=True, help="How many issues.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def archive_search(ctx: click.Context, text: str, k: int, as_json: bool) -> None:
    """Issues of the archive related to TEXT."""
    results = pipeline.make_index(config_of(ctx)).search(text, k=k)
    if as_json:
        from dataclasses import asdict

        click.echo(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2))
        return
    for r in results:
        click.echo(f"{r.score:.3f}  {r.title}  {r.url}")
        for passage in r.passages[:1]:
            click.echo(f"        {passage[:160]}")


@archive.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def archive_list(ctx: click.Context, as_json: bool) -> None:
    """The imported issues."""
    issues = queries.archive_issues(config_of(ctx))
    if as_json:
        click.echo(json.dumps(issues, ensure_ascii=False, indent=2))
        return
    if not issues:
        click.echo("The archive is empty: run `inbox-agent archive import`.")
    for i in issues:
        number = f"#{i['number']}" if i["number"] is not None else "-"
        click.echo(f"{number:>5}  {i['date']:<10}  {i['title'][:60]:<60}  {i['url']}")


@archive.command("reindex")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def archive_reindex(ctx: click.Context, quiet: bool) -> None:
    """Rebuild the index from scratch (after changing the embeddings)."""
    report = pipeline.reindex_archive(config_of(ctx), progress=Progress(quiet))
    click.echo(f"{report.issues} issues re-indexed ({report.added} chunks).")


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def parse_cmd(ctx: click.Context, files: tuple[str, ...], as_json: bool) -> None:
    """Parse and triage mail files, to see what inbox-agent understands of them."""
    failures = 0
    for file in files:
        try:
            item = queries.parse_file(file, ctx.find_root().obj["config_path"])
        except InboxAgentError as err:
            failures += 1
            click.echo(f"inbox-agent: {err}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
        else:
            click.echo(f"== {file}")
            for key, value in item.items():
                if key not in {"file", "reply_text"}:
                    click.echo(f"{key:>9}: {value}")
            reply = "\n".join("      " + x for x in item["reply_text"].splitlines())
            click.echo("    reply:\n" + reply)
    if failures:
        ctx.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Recent runs, the draft counts and the next scheduled passes."""
    from inbox_agent.worker import schedule_status

    info = queries.status(config_of(ctx))
    info.update(schedule_status(config_of(ctx)))
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    counts = ", ".join(f"{n} {s}" for s, n in info["drafts"].items()) or "none"
    click.echo(f"Drafts: {counts}")
    for run in info["runs"]:
        state = run["status"]
        if state == "running" and not info["running"]:
            state = "interrupted"  # its process died; the next pass resumes the work
        click.echo(f"Run {run['id']} {run.get('kind', 'run')} {run['started_at']} -> "
                   f"{run['ended_at'] or '-'} {state}: {run['counts']}")
    if info["running"]:
        click.echo(f"Running now: pid {info['running'].get('pid')} "
                   f"(`{info['running'].get('command', '')}`)")
    click.echo("Next passes: " + ", ".join(info["next_runs"]))
    click.echo("Next archive re-import: " + ", ".join(info["next_reindex"]))


@main.command("worker")
@click.option("--now", "run_now", is_flag=True, help="Run one pass at start, then follow the "
              "schedule.")
@click.pass_context
def worker_cmd(ctx: click.Context, run_now: bool) -> None:
    """Run passes on the [schedule] of the config until stopped (SIGTERM or Ctrl-C).

    Missed passes (machine off) run once at start; a stop lets the current message finish.
    """
    from inbox_agent.worker import serve

    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger("inbox_agent").setLevel(logging.INFO)  # one line per pass
    serve(config_of(ctx), run_now=run_now)


@main.group("eval")
def eval_group() -> None:
    """Measure quality on your own data."""


@eval_group.command("retrieval")
@click.option("--posts", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of Markdown posts (the file name is the id).")
@click.option("--queries", required=True, type=click.Path(exists=True, dir_okay=False),
              help='JSON lines: {"post": "<file name>", "text": "..."}.')
@click.option("--method", type=click.Choice(["hybrid", "vector", "keyword"]), default="hybrid",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def eval_retrieval(posts: str, queries: str, method: str, as_json: bool) -> None:
    """Recall@1/3/5 and MRR of the archive search on a throwaway index."""
    from inbox_agent.evaluate import evaluate_retrieval

    result = evaluate_retrieval(Path(posts), Path(queries), method=method,
                                progress=lambda d, t: Progress()("embedding", d, t))
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in result.items()))


@main.command("topics")
@click.option("--since", metavar="DATE", help="Only replies from this date on (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md",
              show_default=True, help="Output format.")
@click.pass_context
def topics_cmd(ctx: click.Context, since: str | None, fmt: str) -> None:
    """Topics your readers raise, ranked as ideas for future issues (most asked, least
    covered by the archive first), with the quotes they allowed."""
    from inbox_agent import insights_use

    result = insights_use.topics_report(config_of(ctx), since)
    if fmt == "json":
        click.echo(json.dumps(insights_use.topics_json(result), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(insights_use.topics_csv(result), nl=False)
    else:
        click.echo(insights_use.topics_markdown(result), nl=False)


@main.group("tags")
def tags_group() -> None:
    """Tags of a reply: intents and topics."""


@tags_group.command("show")
@click.argument("reply_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def tags_show(ctx: click.Context, reply_id: int, as_json: bool) -> None:
    """The tags of reply REPLY_ID and whether it may be quoted."""
    from inbox_agent import insights_use

    info = insights_use.reply_tags(config_of(ctx), reply_id)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"Reply {reply_id}{' (edited)' if info['edited'] else ''}")
    click.echo(f"  intents: {', '.join(info['intents']) or '-'}")
    click.echo(f"  topics:  {', '.join(info['topics']) or '-'}")
    click.echo(f"  quote:   {info['quote'].replace('_', '-')}")


@tags_group.command("set")
@click.argument("reply_id", type=int)
@click.option("--add", "add", multiple=True, metavar="TAG", help="Tag to add (repeatable).")
@click.option("--remove", "remove", multiple=True, metavar="TAG",
              help="Tag to remove (repeatable).")
@click.pass_context
def tags_set(ctx: click.Context, reply_id: int, add: tuple[str, ...],
             remove: tuple[str, ...]) -> None:
    """Add or remove tags of reply REPLY_ID (an intent name such as `question` is an intent,
    anything else a topic); your tags are never overwritten."""
    from inbox_agent import insights_use

    if not add and not remove:
        raise click.UsageError("give --add TAG or --remove TAG")
    info = insights_use.set_tags(config_of(ctx), reply_id, list(add), list(remove))
    click.echo(f"Reply {reply_id}: intents {', '.join(info['intents']) or '-'}; "
               f"topics {', '.join(info['topics']) or '-'}")


@main.command("quote")
@click.argument("reply_id", type=int)
@click.argument("permission", type=click.Choice(["with-name", "anonymous", "no"]))
@click.pass_context
def quote_cmd(ctx: click.Context, reply_id: int, permission: str) -> None:
    """Whether insights may quote reply REPLY_ID: with the reader's name, anonymously, or no."""
    from inbox_agent import insights_use

    insights_use.set_quote(config_of(ctx), reply_id, permission)
    click.echo(f"Reply {reply_id}: quote {permission}.")


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the configuration, the mailbox, the index and the model settings."""
    from inbox_agent.doctor import run_checks

    problems = 0
    for ok, label, detail in run_checks(ctx.find_root().obj["config_path"]):
        problems += not ok
        click.echo(f"{'ok ' if ok else 'ERR'}  {label}: {detail}")
    if problems:
        ctx.exit(1)


@main.command()
@click.option("--home", type=click.Path(file_okay=False),
              help="Folder for the demo's data (default: a new temporary folder).")
@click.option("--serve/--no-serve", default=True, help="Serve the review page at the end.")
@click.pass_context
def demo(ctx: click.Context, home: str | None, serve: bool) -> None:
    """Import the sample archive, read the sample replies, draft them, show the drafts."""
    from inbox_agent.demo import demo_config

    folder = Path(home or tempfile.mkdtemp(prefix="inbox-agent-demo-"))
    config = demo_config(folder)
    click.echo(f"Demo data in {folder}")
    progress = Progress()
    report = pipeline.import_archive(config, progress=progress)
    click.echo(f"Archive: {report.issues} issues indexed.")
    run_report = pipeline.run_once(config, progress=progress)
    click.echo(run_report.summary())
    for d in queries.list_drafts(config):
        click.echo("\n" + "=" * 72 + "\n" + format_draft(d))
    click.echo(f"\nSet apart: {len(queries.set_apart(config))} messages "
               f"(`inbox-agent --config {folder / 'config.toml'} other`).")
    if serve:
        from inbox_agent.web import serve as serve_page

        serve_page(config, echo=click.echo)


@main.command("serve")
@click.option("--host", help="Address to listen on (default: web.host, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: web.port).")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the review page (only on this machine unless --host says otherwise)."""
    from inbox_agent.web import serve as serve_page

    serve_page(config_of(ctx), host, port, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    main()
