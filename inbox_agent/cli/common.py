"""What the `inbox-agent` commands share: error handling, progress output, the config."""

from __future__ import annotations

import json
import re
import sys

import click

from inbox_agent.config import Config, load_config
from inbox_agent.errors import InboxAgentError
from inbox_agent.review.queries import resolve_id


class Group(click.Group):
    """Turns InboxAgentError into one line on stderr, its hint on the next, and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InboxAgentError as err:
            click.echo(f"inbox-agent: {err}", err=True)
            if err.hint:
                click.echo(f"  hint: {err.hint}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("inbox-agent: interrupted; rerun to continue where it stopped", err=True)
            ctx.exit(130)


class ProgressBar:
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


def echo_json(value: object) -> None:
    """Print JSON as the --json options do: readable, non-ASCII kept."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def config_of(ctx: click.Context) -> Config:
    """The configuration, loaded once per command line (also for a group used on its own)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, dict):
        obj = ctx.find_root().obj = {}
    if "config" not in obj:
        obj["config"] = load_config(obj.get("config_path"))
    return obj["config"]


def format_draft(d: dict) -> str:
    lines = [
        f"Draft {d['id']} (message {d['reply_id']}; {d['status']}, {d['language']}, "
        f"{d['drafter']})",
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


class Ref(click.ParamType):
    """A reader message or its draft: a number (of the kind the command names), or d12 for
    draft 12, m9 for message 9, so every command takes the ids every other one prints."""

    name = "ID"
    PATTERN = re.compile(r"(?:(d|draft|m|msg|message|r|reply)[:#]?)?\s*(\d+)", re.IGNORECASE)

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        found = self.PATTERN.fullmatch(str(value).strip())
        if not found:
            self.fail(f"{value!r} is not an id: a number, d12 (draft 12) or m9 (message 9)",
                      param, ctx)
        prefix = (found.group(1) or "").lower()
        kind = {"d": "draft", "m": "message", "r": "message"}.get(prefix[:1])
        return kind, int(found.group(2))


def draft_of(ctx: click.Context, ref: tuple[str | None, int]) -> int:
    return resolve_id(config_of(ctx), ref[0], ref[1], "draft")


def message_of(ctx: click.Context, ref: tuple[str | None, int]) -> int:
    return resolve_id(config_of(ctx), ref[0], ref[1], "message")
