"""The review page in the author's language: complete catalogs (shared with the command
line, tests/unit/cli/test_language.py), no untranslated text on the French page, dates in
the author's time zone and locale, the language setting."""

from __future__ import annotations

import dataclasses
import io
import re
import sqlite3
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages import mofile, pofile
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import Translations
from fastapi.testclient import TestClient

from inbox_agent.config import parse_config
from inbox_agent.errors import ConfigError
from inbox_agent.i18n import language as i18n
from inbox_agent.web import create_app
from inbox_agent.web import i18n as web_i18n
from inbox_agent.web.i18n import PageLanguage
from tests.unit.review.test_approve import REPLIES, Env, make_env
from tests.unit.web.test_app import BASE, csrf_of

PACKAGE = Path(i18n.__file__).parents[1]  # what babel.cfg's paths start from
LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters: what counts as a word
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
OPEN, CLOSE = "⟦", "⟧"


def catalog(language: str):
    with i18n.catalog_path(language).open("rb") as po:
        return pofile.read_po(po, locale=language)


def extracted(under: str = "") -> dict[str, tuple]:
    """Every message the templates, the page's and the command line's code mark, as pybabel
    extracts them (those of the files under `under` only, when given)."""
    with (i18n.LOCALE_DIR / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(PACKAGE), method_map, options_map)
    return {(m if isinstance(m, str) else m[0]): m for path, _, m, _, _ in found
            if path.startswith(under)}


def test_the_extractor_finds_the_page_and_the_command_line_strings():
    messages = extracted()
    assert {"Approve", "Skip", "Saved in your drafts", "No issue identified"} <= set(messages)
    assert {"Drafts: %(counts)s", "No drafts yet: run `inbox-agent run` first.",
            "%(num)s new message", "By drafter:"} <= set(extracted("cli/"))
    assert len(messages) > 250


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_marked_string_is_in_the_catalog_and_nothing_stale(language):
    messages, known = extracted(), catalog(language)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in known if m.id}
    assert sorted(set(messages) - ids) == [], "run pybabel extract/update (docs/review.md)"
    assert sorted(ids - set(messages)) == [], "messages no page uses any more"


def test_every_french_message_is_translated_with_the_same_placeholders():
    untranslated, mismatched = [], []
    for message in catalog("fr"):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(ids[0])
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"num", "count"}
        if any(not wanted <= set(PLACEHOLDER.findall(s)) for s in strings):
            mismatched.append(ids[0])
    assert untranslated == [] and mismatched == []


# --- the rendered pages -------------------------------------------------------------------


def pseudo_french() -> Translations:
    """The French catalog with every message between ⟦ ⟧: text outside them did not go
    through the catalog."""
    known = catalog("fr")
    for message in known:
        if message.id:
            if isinstance(message.string, str):
                message.string = f"{OPEN}{message.string}{CLOSE}"
            else:
                message.string = tuple(f"{OPEN}{s}{CLOSE}" for s in message.string)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, known)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


class VisibleText(HTMLParser):
    """The text a reader of the page sees or hears: text nodes (not scripts, styles or the
    textarea, which holds the draft) and the placeholder, title, aria-label and alt texts."""

    SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self.skipping.append(tag)
        self.parts.extend(v for k, v in attrs if k in self.SHOWN_ATTRIBUTES and v)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def outside_the_catalog(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    text = " ".join(parser.parts)
    inner = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while inner.search(text):
        text = inner.sub(" ", text)
    assert OPEN not in text and CLOSE not in text, text
    return text


def data_words(env: Env) -> set[str]:
    """Words of what the page shows as data: every text kept in the state database (the
    readers' mail, drafts, issue titles, tags…), the config's names, and the locale's own
    words for days, months and languages."""
    words: set[str] = set()
    conn = sqlite3.connect(env.config.state.db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - own tables
                for value in row:
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str):
                        words.update(w.casefold() for w in LETTERS.findall(value))
    finally:
        conn.close()
    french = Locale("fr")
    for names in (french.days["format"]["wide"], french.months["format"]["wide"],
                  french.months["format"]["abbreviated"], french.languages):
        for name in names.values():
            words.update(w.casefold() for w in LETTERS.findall(name))
    for text in (env.config.newsletter.name, env.config.author.name, "inbox-agent"):
        words.update(w.casefold() for w in LETTERS.findall(text))
    return words


@pytest.fixture(scope="module")
def french_env(tmp_path_factory) -> Env:
    return make_env(tmp_path_factory.mktemp("french"), REPLIES)


def pages_of(client: TestClient, env: Env) -> dict[str, str]:
    """Every page of the review desk, with an approved draft, a refusal and the errors."""
    ids = [env.draft_id(f"<m{n}@reader.example>") for n in range(1, 5)]
    token = csrf_of(client, f"/drafts/{ids[0]}")
    client.post(f"/drafts/{ids[0]}/approve", data={"csrf_token": token})
    refused = client.post(f"/drafts/{ids[1]}/approve",
                          data={"csrf_token": token, "text": "Hi [TO FILL: answer]"})
    pages = {path: client.get(path).text for path in (
        "/", "/?intent=question", "/?lang=fr&ideas=1", "/status", "/other", "/insights",
        *(f"/drafts/{i}" for i in ids), f"/drafts/{ids[0]}/original",
        f"/drafts/{ids[2]}?msg=approved", "/?msg=batch&n=2")}
    pages["refused approval"] = refused.text
    pages["no such draft"] = client.get("/drafts/999").text
    pages["no such page"] = client.get("/nowhere").text
    pages["form from elsewhere"] = client.post(f"/drafts/{ids[2]}/save",
                                               data={"text": "x"}).text
    return pages


def test_every_visible_string_of_the_french_pages_comes_from_the_catalog(
        french_env, monkeypatch):
    monkeypatch.setattr(i18n, "translations", lambda language: pseudo_french())
    client = TestClient(create_app(french_env.config, source_factory=french_env.source_factory,
                                   index=french_env.index), base_url=BASE,
                        follow_redirects=False)
    allowed = data_words(french_env)
    leaks = {}
    for name, page in pages_of(client, french_env).items():
        rest = outside_the_catalog(page)
        unknown = sorted({w for w in LETTERS.findall(rest)
                          if len(w) > 2 and w.casefold() not in allowed})
        if unknown:
            leaks[name] = unknown
    assert leaks == {}


ENGLISH_WORDS = re.compile(r"\b(Approve|Skip|Drafts|Status|Queue|pending|Save|Insights|"
                           r"Related issues|Other mail|Your reply|score)\b")


def test_the_french_pages_say_nothing_in_english(tmp_path):
    env = make_env(tmp_path, REPLIES)
    client = TestClient(create_app(env.config, source_factory=env.source_factory,
                                   index=env.index), base_url=BASE, follow_redirects=False)
    for name, page in pages_of(client, env).items():
        assert page.startswith('<!DOCTYPE html>\n<html lang="fr">'), name
        assert ENGLISH_WORDS.findall(outside_text(page)) == [], name
    page = client.get(f"/drafts/{env.draft_id('<m2@reader.example>')}").text
    assert ">Approuver <kbd>" in page and ">Passer <kbd>" in page


def outside_text(page: str) -> str:
    """The visible text without the readers' own words (their mail is data)."""
    parser = VisibleText()
    parser.feed(re.sub(r'<div class="mailtext[^"]*">.*?</div>|<pre class="(?:raw|qt-text)">'
                       r".*?</pre>|<span class=\"(?:excerpt|subject)\">.*?</span>", "", page,
                       flags=re.S))
    return " ".join(parser.parts)


# --- language, dates, numbers -------------------------------------------------------------


def config_with(**sections):
    raw = {"author": {"email": "camille@example.org"}} | sections
    return parse_config(raw, Path("config.toml"))


@pytest.mark.parametrize(("author", "web", "shown"), [
    ("fr", "", "fr"), ("en", "", "en"), ("fr", "en", "en"), ("en", "fr", "fr"),
    ("de", "", "en"), ("es", "", "en"), ("fr", "it", "en"),
])
def test_the_page_language_is_the_override_else_the_author_s_with_english_as_fallback(
        author, web, shown):
    config = config_with(author={"email": "c@example.org", "default_language": author},
                         web={"language": web})
    assert web_i18n.page_language(config) == shown


def test_an_unknown_page_language_is_a_config_error():
    with pytest.raises(ConfigError, match="web.language"):
        config_with(web={"language": "klingon"})


def test_the_english_page_speaks_english(french_env):
    config = dataclasses.replace(french_env.config,
                                 web=dataclasses.replace(french_env.config.web, language="en"))
    client = TestClient(create_app(config, source_factory=french_env.source_factory,
                                   index=french_env.index), base_url=BASE)
    draft_id = french_env.draft_id("<m3@reader.example>")
    page = client.get(f"/drafts/{draft_id}").text
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "Approve" in page and "Related issues" in page and "Approuver" not in page
    assert "Monday 2 March 2026, 09:03" in page or "Monday 2 March, 09:03" in page


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "lundi 23 octobre, 14:02"), ("en", "Monday 23 October, 14:02"),
])
def test_moments_are_in_the_author_s_time_zone_and_locale(language, expected):
    config = config_with(web={"language": language}, schedule={"timezone": "Europe/Paris"})
    lang = PageLanguage.for_config(config)
    moment = datetime(2023, 10, 23, 12, 2, tzinfo=UTC)
    assert lang.when(moment, now=datetime(2023, 1, 1, tzinfo=UTC)) == expected
    assert lang.when("2023-10-23T12:02:00+00:00", now=moment) == expected
    assert lang.when(moment, now=datetime(2025, 1, 1, tzinfo=UTC)).endswith("2023, 14:02")
    assert lang.when("") == "" and lang.when("not a date") == ""


def test_the_time_zone_moves_the_hour():
    config = config_with(web={"language": "fr"}, schedule={"timezone": "America/Montreal"})
    moment = datetime(2023, 10, 23, 12, 2, tzinfo=UTC)
    assert PageLanguage.for_config(config).when(moment, now=moment) == "lundi 23 octobre, 08:02"


def test_numbers_and_language_names_follow_the_locale():
    french = PageLanguage.for_config(config_with(web={"language": "fr"}))
    english = PageLanguage.for_config(config_with(web={"language": "en"}))
    assert french.percent(0.95) == "95\xa0%" and english.percent(0.95) == "95%"
    assert french.decimal(0.5) == "0,50" and english.decimal(0.5) == "0.50"
    assert french.language_name("en") == "anglais" and english.language_name("fr") == "French"


def test_the_plain_refusals_of_the_security_layer_are_translated(french_env):
    guarded = TestClient(create_app(french_env.config, session_token="s3cret",
                                    allowed_hosts=("*",)), base_url=BASE)
    assert guarded.get("/").text.startswith("Jeton de session absent")
    local = TestClient(create_app(french_env.config), base_url=BASE)
    assert local.get("/", headers={"host": "evil.example"}).text.startswith("Hôte refusé")
