"""`inbox-agent init`: a first config.toml written from a few answers (or flags), checked by
the doctor, then the first archive import, and where everything lives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from inbox_agent import pipeline
from inbox_agent.archive.kinds import detect_kind
from inbox_agent.cli.common import ProgressBar, check_line, lang_of
from inbox_agent.config import HOME_ENV, find_config, load_config
from inbox_agent.config.load import ADDRESS
from inbox_agent.errors import ArchiveError, ConfigError, InboxAgentError
from inbox_agent.i18n.language import N_, AuthorLanguage

DEFAULT_PATH = Path("~/.config/inbox-agent/config.toml")
SOURCE_KINDS = ("imap", "maildir", "mbox")
PROMPT_SUFFIX = N_(": ")  # after a question and its default: "Your name: "

TEMPLATE = """\
# inbox-agent configuration, written by `inbox-agent init`. Every key is optional unless
# said otherwise; the README's "Configuring your own mailbox" section and the comments of
# the project's own config.toml explain every key. Secrets are never written here.

[newsletter]
# The newsletter's name (drafts, review page) and public address (links to issues).
name = {newsletter}
base_url = {base_url}

[author]
# Your name and the address readers answer to (required).
name = {name}
email = {email}
# Closing every draft.
signature = {signature}
# Language of a draft when the reader's is uncertain: fr, en, es, de, it, pt or nl.
default_language = {language}

[source]
# Where reader replies come from: maildir | mbox | imap.
kind = {source_kind}
{source_path}
[imap]
# Used when source.kind = "imap".
host = {imap_host}
# 993 with security = "tls", 143 with "starttls".
port = {imap_port}
security = {imap_security}
username = {imap_user}
# The password comes from this environment variable, or from password_command's output
# (e.g. "pass show mail/imap"), or from the system keyring (keyring = true).
password_env = {password_env}
password_command = {password_command}

[archive]
# Your past issues: a Substack export (.zip), an RSS/Atom feed file, a folder of Markdown
# or HTML files (kind = substack | rss | markdown), or an IMAP folder of sent issues (imap).
path = {archive_path}
kind = {archive_kind}
"""


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def config_path(explicit: str | None) -> Path:
    """Where the config goes: --config, else $INBOX_AGENT_HOME/config.toml, else the default
    place the README names (found without --config afterwards)."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser() / "config.toml"
    return DEFAULT_PATH.expanduser()


def archive_kind(path: str) -> str:
    try:
        return detect_kind(Path(path).expanduser())
    except ArchiveError as err:
        raise click.BadParameter(f"{err} (a Substack export, a feed file or a folder of "
                                 "issues; or give --archive-kind)",
                                 param_hint="--archive") from None


def render(values: dict[str, str]) -> str:
    source_path = ""
    if values["source_kind"] != "imap":
        source_path = (f"# The Maildir folder or the mbox file.\npath = "
                       f"{toml_string(values['source_path'])}\n")
    fields = {k: v if k == "imap_port" else toml_string(v) for k, v in values.items()
              if k != "source_path"}
    return TEMPLATE.format(source_path=source_path, **fields)


@click.command("init")
@click.option("--name", help="Your name, as you sign.")
@click.option("--email", help="The address readers answer to.")
@click.option("--newsletter", help="The newsletter's name.")
@click.option("--url", "base_url", help="The newsletter's public address (https://…).")
@click.option("--language", default="fr", show_default=True,
              type=click.Choice(["fr", "en", "es", "de", "it", "pt", "nl"]),
              help="Your language (drafts, when the reader's is uncertain).")
@click.option("--source", "source_kind", type=click.Choice(SOURCE_KINDS),
              help="Where replies come from.")
@click.option("--imap-host", help="IMAP server (source imap).")
@click.option("--imap-user", help="IMAP user name (source imap).")
@click.option("--imap-port", type=click.IntRange(1, 65535), help="IMAP port (default: 993 "
              "with tls, 143 with starttls).")
@click.option("--imap-security", type=click.Choice(["tls", "starttls", "plain"]), default="tls",
              show_default=True, help="plain only for a server on this machine.")
@click.option("--password-env", default="IMAP_PASSWORD", show_default=True,
              help="Environment variable holding the IMAP password.")
@click.option("--password-command", default="", help="Command printing the IMAP password.")
@click.option("--mail-path", help="Maildir folder or mbox file (source maildir or mbox).")
@click.option("--archive", "archive_path", help="Substack export, feed file or folder of issues.")
@click.option("--archive-kind", type=click.Choice(["substack", "rss", "markdown"]),
              help="The archive's kind (detected from the file when not given).")
@click.option("--force", is_flag=True, help="Replace an existing config file.")
@click.option("--no-import", is_flag=True, help="Write and check the config, import later.")
@click.pass_context
def init_cmd(ctx: click.Context, force: bool, no_import: bool, **given: str | None) -> None:
    """Write a first config.toml, check it, and import the archive."""
    lang = lang_of(ctx, read_config=False)  # --lang, else the locale's: there is no config yet
    path = config_path(ctx.find_root().obj.get("config_path"))
    if path.exists() and not force:
        raise ConfigError(lang.gettext("%(path)s exists already", path=path),
                          hint=lang.gettext("pass --force to replace it, or edit it"))
    values = ask(given, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(values), encoding="utf-8")
    click.echo(lang.gettext("Wrote %(path)s", path=path))
    config = load_config(path)  # a typo ends here with exit 2, naming the key
    problems = 0
    if not no_import:
        try:
            report = pipeline.import_archive(config, progress=ProgressBar(lang=lang))
            click.echo(lang.ngettext("Archive: %(num)s issue imported.",
                                     "Archive: %(num)s issues imported.", report.issues))
        except InboxAgentError as err:
            problems += 1
            click.echo(check_line((False, "archive", err.message, err.hint), lang))
    from inbox_agent.doctor import run_checks

    for check in run_checks(str(path)):
        problems += not check.ok
        click.echo(check_line(check, lang))
    click.echo(lang.gettext("Your data lives in %(home)s: the state database %(db)s, the index "
                            "%(index)s.", home=config.home, db=config.state.db,
                            index=config.index.path))
    try:
        found = find_config(None).resolve() == path.resolve()
    except ConfigError:
        found = False
    hint = "" if found else f" --config {path}"
    click.echo(lang.gettext("Next: `inbox-agent%(config)s run`, then `inbox-agent%(config)s "
                            "serve` to review.", config=hint))
    if problems:
        ctx.exit(1)


def ask(given: dict[str, str | None], lang: AuthorLanguage) -> dict[str, str]:
    """The answers: the flags given, the others asked for (prompts read the terminal)."""
    _ = lang.gettext

    def get(key: str, question: str, default: str | None = None) -> str:
        value = given.get(key)
        if value is not None:
            return value
        return click.prompt(question, default=default, prompt_suffix=_(PROMPT_SUFFIX))

    name = get("name", _("Your name"))
    email = get("email", _("The address readers answer to"))
    if not ADDRESS.fullmatch(email):  # the same rule as author.email at load
        raise click.BadParameter(f"{email!r} is not an address", param_hint="--email")
    newsletter = get("newsletter", _("The newsletter's name"))
    base_url = get("base_url", _("Its public address (https://…)"), default="")
    source_kind = get("source_kind", _("Replies come from (imap, maildir, mbox)"),
                      default="imap")
    if source_kind not in SOURCE_KINDS:
        raise click.BadParameter(f"{source_kind!r} is not one of {', '.join(SOURCE_KINDS)}",
                                 param_hint="--source")
    imap_host = imap_user = mail_path = ""
    if source_kind == "imap":
        imap_host = get("imap_host", _("IMAP server"))
        imap_user = get("imap_user", _("IMAP user name"), default=email)
    else:
        mail_path = str(Path(get("mail_path", _("Maildir folder or mbox file"))).expanduser())
    archive = str(Path(get("archive_path", _("Your archive (Substack export, feed or folder)")))
                  .expanduser())
    kind = given.get("archive_kind") or archive_kind(archive)
    return {"newsletter": newsletter, "base_url": base_url, "name": name, "email": email,
            "signature": name, "language": given.get("language") or "fr",
            "source_kind": source_kind, "source_path": mail_path, "imap_host": imap_host,
            "imap_user": imap_user, "imap_security": given.get("imap_security") or "tls",
            "imap_port": str(given.get("imap_port") or
                             (143 if given.get("imap_security") == "starttls" else 993)),
            "password_env": given.get("password_env") or "",
            "password_command": given.get("password_command") or "", "archive_path": archive,
            "archive_kind": kind}
