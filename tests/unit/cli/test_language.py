"""The command line in the author's language: French for a French author, English for an
English one, --lang / $INBOX_AGENT_LANG and `[web] language` over the config, the locale when
there is no config; every message of the command line in the catalogs and translated; no
word of the French output outside them; --json unchanged."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main
from inbox_agent.cli.summaries import run_summary
from inbox_agent.i18n import language as i18n
from inbox_agent.i18n.language import AuthorLanguage, environment_language
from inbox_agent.models import RunReport
from inbox_agent.review import approve as review
from tests.unit.cli.test_odd_states import small_setup
from tests.unit.review.test_approve import REPLIES, Env, make_env
from tests.unit.web.test_i18n import (
    LETTERS,
    PLACEHOLDER,
    catalog,
    data_words,
    extracted,
    pseudo_french,
)

NO_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "INBOX_AGENT_LANG": None}


def cli_config(env: Env, language: str = "fr", web: str = "") -> str:
    """A config file over `env`'s state for an author writing in `language`."""
    c = env.config
    path = c.path.parent / f"cli-{language}-{web or 'page'}.toml"
    path.write_text(
        f'[author]\nname = "{c.author.name}"\nemail = "{c.author.email}"\n'
        f'default_language = "{language}"\n'
        f'[source]\nkind = "maildir"\npath = "{c.source.path}"\n'
        f'drafts_path = "{c.source.drafts_path}"\n'
        f'[state]\ndb = "{c.state.db}"\n[index]\npath = "{c.index.path}"\n'
        f'[web]\nlanguage = "{web}"\n', encoding="utf-8")
    return str(path)


def cli(config: str | Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--config", str(config), *args], env={**NO_LOCALE,
                                                                          **(env or {})})


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Env:
    """Four drafted replies: one approved, one skipped, two pending."""
    env = make_env(tmp_path_factory.mktemp("desk"), REPLIES)
    review.approve(env.config, env.draft_id("<m1@reader.example>"), index=env.index)
    review.skip(env.config, env.draft_id("<m3@reader.example>"))
    return env


# --- which language ------------------------------------------------------------------------


@pytest.mark.parametrize(("author", "web", "args", "environ", "french"), [
    ("fr", "", [], {}, True),
    ("en", "", [], {}, False),
    ("de", "", [], {}, False),  # no catalog: English
    ("en", "fr", [], {}, True),  # the page's setting, followed by the command line
    ("fr", "en", [], {}, False),
    ("fr", "", ["--lang", "en"], {}, False),
    ("en", "", ["--lang", "FR"], {}, True),
    ("fr", "", [], {"INBOX_AGENT_LANG": "en"}, False),
    ("en", "", [], {"LANG": "fr_FR.UTF-8"}, False),  # a config says it: the locale does not
])
def test_the_language_is_the_config_s_unless_overridden(desk, author, web, args, environ,
                                                        french):
    done = cli(cli_config(desk, author, web), *args, "drafts", "show", "999", env=environ)
    assert done.exit_code == 1
    assert done.stderr.splitlines()[-1].startswith("  conseil : " if french else "  hint: ")


@pytest.mark.parametrize(("environ", "french"), [
    ({}, False),
    ({"LANG": "fr_FR.UTF-8"}, True),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, False),  # LC_ALL first, as POSIX says
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "fr_BE"}, True),
    ({"LANG": "de_DE.UTF-8"}, False),
    ({"LANG": "fr_FR.UTF-8", "INBOX_AGENT_LANG": "en"}, False),
])
def test_without_a_config_the_locale_chooses(tmp_path, environ, french):
    done = cli(tmp_path / "missing.toml", "status", env=environ)
    assert done.exit_code == 2
    message, hint = done.stderr.splitlines()
    assert message == f"inbox-agent: {tmp_path / 'missing.toml'}: file not found"  # as it came
    assert hint == ("  conseil : pass --config PATH" if french else "  hint: pass --config PATH")


def test_the_environment_language_reads_the_posix_variables():
    assert environment_language({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert environment_language({"LC_ALL": "", "LANG": "fr"}) == "fr"
    assert environment_language({"LC_ALL": "POSIX", "LANG": "fr_FR"}) == "en"
    assert environment_language({}) == "en"


def test_init_asks_in_the_locale_s_language(tmp_path):
    config = tmp_path / "new" / "config.toml"
    answers = "Camille Durand\ncamille@example.org\nL'Atelier\n\n"
    done = CliRunner().invoke(main, ["--config", str(config), "init", "--source", "maildir",
                                     "--mail-path", str(tmp_path), "--archive", str(tmp_path),
                                     "--archive-kind", "markdown", "--no-import"],
                              input=answers, env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"})
    assert "Votre nom : " in done.output and "Son adresse publique (https://…) [] : " in (
        done.output)
    assert f"Fichier écrit : {config}" in done.output
    assert "Vos données sont dans" in done.output and "Ensuite : `inbox-agent" in done.output
    again = CliRunner().invoke(main, ["--config", str(config), "init", "--name", "C"],
                               env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"})
    assert again.exit_code == 2
    assert again.stderr.splitlines() == [f"inbox-agent: {config} existe déjà",
                                         "  conseil : passez --force pour le remplacer, ou "
                                         "modifiez-le"]


# --- what the commands say -----------------------------------------------------------------


def test_status_in_french_and_in_english(desk):
    french = cli(cli_config(desk, "fr"), "status")
    assert french.exit_code == 0, french.output
    lines = french.output.splitlines()
    assert lines[0] == "Brouillons : 1 approuvé, 2 en attente, 1 passé"
    assert re.search(r"^Passage \d+, relève et brouillons : \w+ \d+ \w+( \d{4})?, "
                     r"\d\d:\d\d–\d\d:\d\d, terminé \(nouveaux messages : 4, ", french.output,
                     re.M), french.output
    assert re.search(r"^Prochains passages : (lundi|mardi|mercredi|jeudi|vendredi|samedi|"
                     r"dimanche) \d+ \w+", french.output, re.M)
    assert lines[-1] == "(heures du fuseau Europe/Paris)"
    english = cli(cli_config(desk, "en"), "status")
    assert english.output.splitlines()[0] == "Drafts: 1 approved, 2 pending, 1 skipped"
    assert re.search(r"^Run \d+, pull and draft: \w+day \d+ \w+( \d{4})?, \d\d:\d\d–\d\d:\d\d, "
                     r"done \(new messages: 4, ", english.output, re.M), english.output
    assert re.search(r"^Next passes: \w+day \d+ [A-Z]\w+", english.output, re.M)
    assert english.output.splitlines()[-1] == "(times in Europe/Paris)"


def test_the_next_passes_write_each_day_once_in_the_author_s_zone_and_locale():
    from inbox_agent.cli.summaries import days

    stamps = ["2026-12-07T12:00:00+00:00", "2026-12-07T12:30:00+00:00",
              "2026-12-08T12:00:00+00:00"]
    now = datetime(2026, 12, 3, tzinfo=UTC)
    french = AuthorLanguage.for_code("fr", "Europe/Paris")
    assert days(stamps, french, now) == "lundi 7 décembre, 13:00, 13:30, mardi 8 décembre, 13:00"
    english = AuthorLanguage.for_code("en", "America/Montreal")
    assert days(stamps[:2], english, now) == "Monday 7 December, 07:00, 07:30"
    assert days(stamps[:1], english, datetime(2025, 1, 1, tzinfo=UTC)) == (
        "Monday 7 December 2026, 07:00")
    assert days([], french) == "aucun" and days([], english) == "none"


def test_drafts_list_in_french_and_in_english(desk, tmp_path):
    french = cli(cli_config(desk, "fr"), "drafts", "list")
    assert french.exit_code == 0, french.output
    rows = french.output.splitlines()
    assert len(rows) == 4
    assert sum(" en attente " in r for r in rows) == 2 and sum(" approuvé " in r for r in rows) == 1
    assert sum(" passé " in r for r in rows) == 1
    english = cli(cli_config(desk, "en"), "drafts", "list").output
    assert english.count(" pending ") == 2 and " approved " in english and " skipped " in english
    assert "en attente" not in english
    empty = cli(small_setup(tmp_path), "drafts", "list", env={"INBOX_AGENT_HOME": str(tmp_path)})
    assert empty.output == "Aucun brouillon pour l’instant : lancez d’abord `inbox-agent run`.\n"


def test_drafts_show_in_french_and_in_english(desk):
    draft = desk.draft_id("<m2@reader.example>")
    french = cli(cli_config(desk, "fr"), "drafts", "show", str(draft)).output.splitlines()
    assert french[0].startswith(f"Brouillon {draft} (message ")
    assert french[0].endswith(" ; en attente, anglais, écrit sans modèle)")
    assert french[1].startswith("De :    Tom Baker") and french[2].startswith("Objet : Re:")
    assert "Le lecteur a écrit :" in french and "Réponse proposée :" in french
    english = cli(cli_config(desk, "en"), "drafts", "show", str(draft)).output.splitlines()
    assert english[0].endswith("; pending, English, written without a model)")
    assert english[1].startswith("From:    Tom Baker") and "The reader wrote:" in english


def test_stats_in_french_and_in_english(desk):
    french = cli(cli_config(desk, "fr"), "stats")
    assert french.exit_code == 0, french.output
    header, first, *_ = french.output.splitlines()
    assert header.split("  ")[0] == "semaine du" and "tel quel" in header and "heures" in header
    assert first.startswith("2 mars")
    assert "Par intention :" in french.output and "Remerciements : " in french.output
    english = cli(cli_config(desk, "en"), "stats").output
    assert english.startswith("week of  received  as drafted")
    assert "\n2 Mar" in english and "\ntotal " in english and "By intent:" in english
    assert "answered through a draft" in english
    raw = json.loads(cli(cli_config(desk, "fr"), "stats", "--json").output)
    assert raw["weeks"][0]["week"] == "2026-W10"  # --json stays as it is, English keys


def test_run_summary_in_french_and_in_english(tmp_path):
    config = small_setup(tmp_path)
    environ = {"INBOX_AGENT_HOME": str(tmp_path)}
    french = cli(config, "run", "-q", env=environ)
    assert french.exit_code == 0, french.output
    assert french.stdout == ("2 nouveaux messages : 2 réponses, 0 mis de côté (réponses "
                             "automatiques, retours en erreur, désinscriptions), 0 doublon, "
                             "0 ignoré, 0 illisible ; 2 brouillons écrits\n")
    text = config.read_text(encoding="utf-8").replace("[author]\n",
                                                      '[author]\ndefault_language = "en"\n')
    config.write_text(text, encoding="utf-8")
    english = cli(config, "run", "-q", env=environ)
    assert english.stdout == ("0 new messages: 0 replies, 0 set apart (auto-replies, bounces, "
                              "unsubscribes), 0 duplicates, 0 skipped, 0 failed; 0 drafts "
                              "written\n")


def test_the_run_summary_has_its_plurals_and_optional_parts():
    report = RunReport(fetched=1, replies=1, set_apart=3, duplicates=1, skipped=2, failed=1,
                       drafted=1, draft_failed=2, redrafted=1, answered=1)
    assert run_summary(report, AuthorLanguage.for_code("en")) == (
        "1 new message: 1 reply, 3 set apart (auto-replies, bounces, unsubscribes), "
        "1 duplicate, 2 skipped, 1 failed; 1 draft written, 2 drafts failed (1 written again "
        "now that the archive is imported); 1 reply found answered in Sent")
    assert run_summary(report, AuthorLanguage.for_code("fr")) == (
        "1 nouveau message : 1 réponse, 3 mis de côté (réponses automatiques, retours en "
        "erreur, désinscriptions), 1 doublon, 2 ignorés, 1 illisible ; 1 brouillon écrit, "
        "2 brouillons en échec (1 réécrit maintenant que les archives sont importées) ; "
        "1 message de lecteur auquel vous avez répondu (trouvé dans Envoyés)")


def test_json_output_is_the_same_in_every_language(desk):
    for args in (["drafts", "list", "--json"], ["status", "--json"], ["other", "--json"],
                 ["tags", "show", "1", "--json"]):
        french = cli(cli_config(desk, "fr"), *args).output
        assert french == cli(cli_config(desk, "en"), *args).output, args
        json.loads(french)


# --- the catalogs --------------------------------------------------------------------------


def test_every_command_line_message_is_in_the_catalogs_and_translated_in_french():
    messages = extracted("cli/")
    assert len(messages) > 80
    for language in ("en", "fr"):
        known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(language)
                 if m.id}
        assert sorted(set(messages) - set(known)) == [], f"run pybabel extract/update ({language})"
    french = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog("fr") if m.id}
    untranslated = []
    for message_id in messages:
        entry = french[message_id]
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        wanted = set(PLACEHOLDER.findall(message_id))
        if entry.fuzzy or not all(s.strip() for s in strings) or any(
                not wanted <= set(PLACEHOLDER.findall(s)) for s in strings):
            untranslated.append(message_id)
    assert untranslated == []


FRENCH_COMMANDS = [
    ["status"], ["drafts", "list"], ["drafts", "show", "DRAFT"], ["stats"], ["other"],
    ["tags", "show", "DRAFT"], ["tags", "set", "DRAFT", "--add", "réunions"],
    ["quote", "DRAFT", "anonymous"], ["archive", "list"], ["run", "-q"],
    ["sent", "sync", "-q"], ["drafts", "skip", "DRAFT"],
]


def test_every_word_the_french_commands_print_comes_from_the_catalog(tmp_path, monkeypatch):
    """Each translation between ⟦ ⟧: what the commands print outside them is data (the
    readers' mail, the archive, paths and ids) or the locale's own words, never English."""
    env = make_env(tmp_path, REPLIES)
    review.approve(env.config, env.draft_id("<m1@reader.example>"), index=env.index)
    draft = str(env.draft_id("<m2@reader.example>"))
    config = cli_config(env, "fr")
    monkeypatch.setattr(i18n, "translations", lambda language: pseudo_french())
    outputs = {" ".join(c): cli(config, *[draft if a == "DRAFT" else a for a in c])
               for c in FRENCH_COMMANDS}
    titles = [i["title"][:60] for i in json.loads(cli(config, "archive", "list", "--json").output)]
    allowed = data_words(env) | {w.casefold() for w in LETTERS.findall(
        f"{tmp_path} {env.config.schedule.timezone} pid {' '.join(titles)}")}
    leaks = {}
    for name, done in outputs.items():
        assert done.exit_code == 0, (name, done.output)
        rest = done.stdout  # on stderr: what the stages noticed, in their words
        while re.search(r"⟦[^⟦⟧]*⟧", rest):
            rest = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
        unknown = sorted({w for w in LETTERS.findall(rest)
                          if len(w) > 2 and w.casefold() not in allowed})
        if unknown:
            leaks[name] = unknown
    assert leaks == {}
