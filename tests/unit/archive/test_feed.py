"""RSS/Atom feed importer, sent-issue mail importer, and archive kind detection."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from inbox_agent.archive.feed import import_feed
from inbox_agent.archive.kinds import detect_kind, import_any
from inbox_agent.archive.messages import import_messages
from inbox_agent.errors import ArchiveError
from tests.support import DATA

FEEDS = DATA / "archive" / "feeds"


@pytest.fixture(scope="module")
def rss():
    return import_feed(FEEDS / "lettre.rss")


@pytest.fixture(scope="module")
def atom():
    return import_feed(FEEDS / "letter.atom")


def test_rss_entry_fields(rss):
    issue = rss[0]
    assert issue.key == "teletravail-quatre-ans-apres"
    assert issue.title == "La Lettre n°93 : le télétravail, quatre ans après"
    assert (issue.number, issue.date, issue.language) == (93, "2024-03-04", "fr")
    assert issue.url == "https://lettre.example/p/teletravail-quatre-ans-apres"
    assert issue.tags == ("télétravail", "management")
    assert issue.source.endswith("lettre.rss")


def test_rss_full_content_is_preferred_over_the_summary(rss):
    assert rss[0].text == (
        "Où en est-on ?\n\n"
        "Le télétravail a changé les équipes : moins de trajets, plus d'écrit.\n\n"
        "Deuxième paragraphe, avec « guillemets »."
    )
    assert "FEED-SCRIPT-PAYLOAD" not in rss[0].text and "Résumé" not in rss[0].text


def test_rss_summary_is_used_when_there_is_no_content(rss):
    issue = rss[1]
    assert issue.text == "Seulement un résumé, mais complet."
    assert (issue.key, issue.title, issue.number) == (
        "quatre-jours",
        "La Lettre #92 & la semaine de quatre jours",
        92,
    )


def test_atom_entry_fields(atom):
    issue = atom[0]
    assert (issue.key, issue.title, issue.number) == (
        "hiring-remote-engineers",
        "Issue #12: Hiring remote engineers",
        12,
    )
    assert (issue.date, issue.url) == (
        "2024-03-11",
        "https://remote.example/issues/hiring-remote-engineers",
    )
    assert issue.tags == ("hiring", "remote work")
    assert (
        issue.text
        == "Hiring across time zones is hard but worth it.\n\nCafé culture matters — even remotely."
    )
    assert issue.language == "en"


def test_atom_entry_without_link_or_published_uses_id_and_updated(atom):
    issue = atom[1]
    assert (issue.key, issue.date, issue.url, issue.text) == (
        "tag-remote-example-2024-11",
        "2024-02-26",
        "",
        "An XHTML body.",
    )


def test_unreadable_feed_raises_naming_the_file(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("this is <not a feed", encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"broken\.xml: not a readable RSS/Atom feed"):
        import_feed(path)


def test_missing_feed_file_raises():
    with pytest.raises(ArchiveError, match=r"nope\.rss: cannot be read"):
        import_feed(FEEDS / "nope.rss")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.rss", "", "rss"),
        ("a.atom", "", "rss"),
        ("feed.txt", "<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>", "rss"),
        ("index.md", "# hi", "markdown"),
    ],
)
def test_detect_kind_from_file_name_or_content(tmp_path, name, content, kind):
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert detect_kind(tmp_path / name) == kind


def test_detect_kind_says_which_kind_to_pass_when_unknown(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    with pytest.raises(ArchiveError, match="cannot tell which kind") as caught:
        import_any(tmp_path / "data.bin")
    assert caught.value.hint == "pass --kind markdown|substack|rss"


def test_import_any_with_an_unknown_kind_lists_the_kinds():
    with pytest.raises(ArchiveError, match="wordpress") as caught:
        import_any(FEEDS / "lettre.rss", kind="wordpress")
    assert caught.value.hint.startswith("use one of: markdown, substack, rss")


def test_import_any_with_explicit_kind_imports_a_feed():
    assert [i.number for i in import_any(FEEDS / "letter.atom", kind="atom")] == [12, 11]


def test_detect_kind_treats_urls_as_feeds():
    assert detect_kind("https://lettre.example/feed") == "rss"


# --- sent issues stored as mail -----------------------------------------------------------


def sent_issue(subject: str, *, html: str | None = None, plain: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Camille <camille@lettre.example>"
    message["To"] = "readers@lettre.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 04 Mar 2024 08:00:00 +0100"
    message["Message-ID"] = "<lettre-93@lettre.example>"
    message["List-Post"] = "<https://lettre.example/p/not-this-one>"
    if plain is not None:
        message.set_content(plain)
    if html is not None:
        if plain is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    return message.as_bytes()


def test_sent_issue_mail_gives_title_number_date_id_text_and_browser_link():
    raw = sent_issue(
        "La Lettre n°93 : le télétravail",
        plain="Texte brut généré.",
        html=(
            '<p><a href="https://lettre.example/p/teletravail?utm=1">'
            "Voir dans le navigateur</a></p>"
            "<p>Bonjour à toutes et à tous, on parle du télétravail cette semaine.</p>"
            "<script>alert('MAIL-SCRIPT-PAYLOAD')</script>"
        ),
    )
    [issue] = import_messages([raw])
    assert (issue.title, issue.number, issue.date) == (
        "La Lettre n°93 : le télétravail",
        93,
        "2024-03-04",
    )
    assert issue.message_id == "<lettre-93@lettre.example>"
    assert issue.url == "https://lettre.example/p/teletravail?utm=1"
    assert issue.key == "teletravail"
    assert "Bonjour à toutes et à tous" in issue.text
    assert "MAIL-SCRIPT-PAYLOAD" not in issue.text and "Texte brut" not in issue.text
    assert issue.language == "fr"


@pytest.mark.parametrize(
    ("plain", "url"),
    [
        (
            "Read online: https://remote.example/issue-12\n\nHello readers.",
            "https://remote.example/issue-12",
        ),
        (
            "Hello readers, the post is at https://remote.substack.com/p/hiring-remote?s=w",
            "https://remote.substack.com/p/hiring-remote",
        ),
        ("Hello readers, no link today.", ""),
    ],
)
def test_plain_sent_issue_url_from_view_online_line_or_post_link(plain, url):
    [issue] = import_messages([sent_issue("Issue #12: Hiring", plain=plain)])
    assert issue.url == url
    assert issue.text.endswith(plain.splitlines()[-1])


def test_sent_issue_without_link_is_keyed_by_message_id():
    [issue] = import_messages([sent_issue("No number here", plain="Hello.")])
    assert (issue.key, issue.number, issue.url) == ("lettre-93-lettre-example", None, "")


def test_empty_messages_are_skipped():
    assert import_messages([b"\r\n"]) == []


def test_messages_with_unknown_charset_are_still_read():
    raw = (
        b"Subject: Issue #5\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        b"Message-ID: <five@x>\r\n\r\nCaf\xe9 text.\r\n"
    )
    [issue] = import_messages([raw])
    assert (issue.number, issue.text) == (5, "Café text.")
