"""What the `inbox-agent` commands share: error handling, progress output, the config and
the author's language."""

from __future__ import annotations

import dataclasses
import json
import re
import sys

import click

from inbox_agent.config import Config, load_config
from inbox_agent.errors import InboxAgentError
from inbox_agent.i18n import notes, words
from inbox_agent.i18n.language import FALLBACK, N_, AuthorLanguage, environment_language
from inbox_agent.review.queries import resolve_id

# What a progress line names, by the first word of the stage (a folder name may follow).
STAGES = {"embedding": N_("indexing"), "drafting": N_("drafting"), "reading": N_("reading")}


class Group(click.Group):
    """Turns InboxAgentError into one line on stderr, its hint on the next, and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InboxAgentError as err:
            lang = lang_of(ctx)
            click.echo(f"inbox-agent: {notes.said(str(err), lang)}", err=True)
            if err.hint:
                click.echo(lang.gettext("  hint: %(hint)s", hint=notes.said(err.hint, lang)),
                           err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo(lang_of(ctx).gettext(
                "inbox-agent: interrupted; rerun to continue where it stopped"), err=True)
            ctx.exit(130)


class ProgressBar:
    """Progress on stderr, in the author's language: a rewritten line on a terminal, a few
    plain lines otherwise."""

    def __init__(self, quiet: bool = False, lang: AuthorLanguage | None = None):
        self.quiet = quiet
        self.lang = lang or AuthorLanguage.for_code(FALLBACK)
        self.tty = sys.stderr.isatty()
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        line = self.lang.gettext("%(stage)s: %(done)s/%(total)s", stage=self.named(stage),
                                 done=done, total=total)
        if self.tty:
            click.echo(f"\r{line} ({self.lang.percent(min(done, total) / total)})", err=True,
                       nl=False)
            if done >= total:
                click.echo("", err=True)
            return
        step = done * 4 // total
        if (stage, step) != self.last or done == total:
            click.echo(line, err=True)
            self.last = (stage, step)

    def named(self, stage: str) -> str:
        """"reading INBOX" as "lecture INBOX": the stage's first word is its code."""
        first, space, rest = stage.partition(" ")
        return self.lang.gettext(STAGES[first]) + space + rest if first in STAGES else stage


def echo_json(value: object) -> None:
    """Print JSON as the --json options do: readable, non-ASCII kept."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def root_obj(ctx: click.Context) -> dict:
    """What the command line keeps for all its commands (also for a group used on its own)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, dict):
        obj = ctx.find_root().obj = {}
    return obj


def config_of(ctx: click.Context) -> Config:
    """The configuration, loaded once per command line, with --lang as its `web.language`."""
    obj = root_obj(ctx)
    if "config" not in obj:
        obj["config"] = with_language(ctx, load_config(obj.get("config_path")))
    return obj["config"]


def with_language(ctx: click.Context, config: Config) -> Config:
    """`config` speaking --lang (or $INBOX_AGENT_LANG) when given: the command line and the
    page it serves follow `web.language`, else `author.default_language`."""
    lang = root_obj(ctx).get("lang")
    if not lang:
        return config
    return dataclasses.replace(config, web=dataclasses.replace(config.web, language=lang))


def lang_of(ctx: click.Context, *, read_config: bool = True) -> AuthorLanguage:
    """The language the command line speaks: the config's (see `with_language`); without a
    config (`init`, a config error), --lang or the environment's locale, else English."""
    obj = root_obj(ctx)
    if "speech" not in obj:
        config = None
        if read_config:
            try:
                config = config_of(ctx)
            except InboxAgentError:
                config = None  # the command says what is wrong, in the locale's language
        obj["speech"] = (AuthorLanguage.for_config(config) if config is not None else
                         AuthorLanguage.for_code(obj.get("lang") or environment_language()))
    return obj["speech"]


def format_draft(d: dict, lang: AuthorLanguage) -> str:
    """A draft with the reader's message, as `drafts show` prints it."""
    header = lang.gettext(
        "Draft %(id)s (message %(message)s; %(status)s, %(language)s, %(drafter)s)",
        id=d["id"], message=d["reply_id"], status=words.label(words.STATUSES, d["status"], lang),
        language=lang.language_name(d["language"]), drafter=words.drafter(d["drafter"], lang))
    fields = aligned([(lang.gettext("From:"), f"{d['reader_name']} <{d['reader_email']}>"),
                      (lang.gettext("Subject:"), d["subject"])])
    lines = [
        header,
        *fields,
        "",
        lang.gettext("The reader wrote:"),
        *("  | " + line for line in d["reply_text"].splitlines()),
        "",
        lang.gettext("Draft:"),
        *("  " + line for line in d["draft_text"].splitlines()),
    ]
    for flag in d["flags"]:
        lines.append(f"  ! {notes.said(flag, lang)}")
    if d["error"]:
        lines.append("  ! " + lang.gettext("Drafting failed: %(error)s",
                                           error=notes.said(d["error"], lang)))
    return "\n".join(lines)


def check_line(check: tuple[bool, str, str, str], lang: AuthorLanguage) -> str:
    """One check of `doctor` (ok, part, what was found, what to do) as "ok   mail source:
    …", "ERR" when it failed, in the author's language."""
    ok, part, detail, hint = check
    said = notes.said(detail, lang) + (f" ({notes.said(hint, lang)})" if hint else "")
    return f"{'ok ' if ok else 'ERR'}  " + lang.gettext(
        "%(part)s: %(detail)s", part=words.label(words.CHECKS, part, lang), detail=said)


def aligned(rows: list[tuple[str, str]]) -> list[str]:
    """"label value" lines with the values in one column, whatever the labels' language."""
    width = max(len(label) for label, _ in rows) + 1
    return [f"{label:<{width}}{value}".rstrip() for label, value in rows]


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
