"""Importing the archive from an IMAP folder of sent issues, against Dovecot and Cyrus."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from inbox_agent import pipeline
from inbox_agent.config import parse_config
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store
from tests.fixtures_dovecot import ImapUser


@pytest.fixture
def imap_user(imap_server) -> ImapUser:
    """A fresh account on each real IMAP server in turn (tests/fixtures_cyrus.py)."""
    return imap_server.add_user()

ISSUES = [
    (41, "La semaine de quatre jours, un an après", "semaine-de-quatre-jours",
     "Sur les 61 entreprises du pilote, 56 ont gardé la semaine de quatre jours."),
    (42, "IA au travail, par où commencer", "ia-au-travail",
     "Dans la plupart des entreprises, l'IA est déjà là : mieux vaut encadrer qu'interdire."),
]


def sent_issue(number: int, title: str, slug: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Camille <camille@example.org>"
    message["To"] = "readers@example.org"
    message["Subject"] = f"L'Atelier du Futur #{number} : {title}"
    message["Date"] = format_datetime(datetime(2026, 6, number - 33, 8, 0, tzinfo=UTC))
    message["Message-ID"] = f"<atelier-{number}@example.org>"
    link = f"https://atelier.example/p/{slug}"
    message.set_content(f"Voir dans le navigateur : {link}\n\n{text}\n\nÀ lundi,\nCamille\n")
    return message.as_bytes()


def test_sent_issues_in_an_imap_folder_become_the_archive(imap_user, tmp_path, monkeypatch):
    folder = imap_user.create_folder("Newsletter")  # INBOX.Newsletter on cyrus-inbox
    for number, title, slug, text in ISSUES:
        imap_user.append(folder, sent_issue(number, title, slug, text))
    monkeypatch.setenv("TEST_ARCHIVE_IMAP_PW", imap_user.password)
    imap = imap_user.imap_config(password_env="TEST_ARCHIVE_IMAP_PW")
    raw = {"author": {"email": "camille@example.org"}, "imap": imap,
           "archive": {"kind": "imap", "imap_folder": "Newsletter"}}
    config = parse_config(raw, tmp_path / "config.toml")
    index = ArchiveIndex(config.index, embeddings=DeterministicFakeEmbedding(size=64))

    report = pipeline.import_archive(config, index=index)

    assert report.issues == 2 and report.added >= 2
    conn = store.connect(config.state.db)
    issues = {issue.number: issue for issue in store.load_issues(conn)}
    assert set(issues) == {41, 42}
    assert issues[41].message_id == "<atelier-41@example.org>"
    assert issues[41].url == "https://atelier.example/p/semaine-de-quatre-jours"
    assert "56 ont gardé" in issues[41].text
    assert {e.number for e in index.search("encadrer l'IA plutôt qu'interdire", k=2)} >= {42}
