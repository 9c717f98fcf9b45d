"""Markdown/HTML folder importer: front matter, titles, numbers, keys, urls, text cleaning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inbox_agent.archive.fields import parse_number
from inbox_agent.archive.kinds import import_any
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from inbox_agent.text.html import markdown_to_text
from tests.support import DATA, ROOT

DATA = DATA / "archive"
EXAMPLES = ROOT / "examples" / "archive"


@pytest.fixture(scope="module")
def issues() -> dict[str, Issue]:
    return {
        issue.key: issue
        for issue in import_markdown(DATA / "markdown", base_url="https://x.example/")
    }


def test_imports_markdown_and_html_recursively_and_skips_other_and_empty_files(issues):
    assert sorted(issues) == [
        "2023/2023-11-20-old-issue",
        "full-front-matter",
        "latin1",
        "no-front-matter",
        "partial-front-matter",
        "web-issue",
    ]


def test_full_front_matter_is_used_as_given(issues):
    issue = issues["full-front-matter"]
    assert issue.title == "La Lettre n°93 : le télétravail"
    assert (issue.number, issue.date, issue.language) == (93, "2024-03-04", "fr")
    assert issue.url == "https://lettre.example/p/teletravail"
    assert issue.tags == ("télétravail", "management")
    assert issue.message_id == "<lettre-93@lettre.example>"
    assert issue.source.endswith("full-front-matter.md")


def test_markdown_syntax_is_stripped_and_headings_kept_as_lines(issues):
    text = issues["full-front-matter"].text
    assert "Le télétravail, quatre ans après\n\n" in text
    assert "\nCe que disent les chiffres\n" in text
    assert "l'étude complète pour" in text
    assert "plus autonomes" in text and "isolés" in text and "DARES" in text
    for syntax in ("#", "**", "](", "![", "img.example", "`", "_isolés_", "*plus"):
        assert syntax not in text


@pytest.mark.parametrize(
    ("key", "title", "number", "url"),
    [
        (
            "partial-front-matter",
            "Issue #12: Hiring remote engineers",
            12,
            "https://x.example/partial-front-matter",
        ),
        (
            "no-front-matter",
            "no-front-matter",
            None,
            "https://x.example/no-front-matter",
        ),
        (
            "2023/2023-11-20-old-issue",
            "No. 7 - The archive",
            7,
            "https://x.example/2023-11-20-old-issue",
        ),
        ("web-issue", "Numéro 55 : l'été", 55, "https://x.example/web-issue"),
    ],
)
def test_missing_fields_come_from_heading_stem_title_and_base_url(issues, key, title, number, url):
    issue = issues[key]
    assert (issue.title, issue.number, issue.url) == (title, number, url)


def test_tags_given_as_comma_string_are_split_and_blank_ones_dropped(issues):
    assert issues["partial-front-matter"].tags == ("remote work", "hiring", "culture")


def test_date_falls_back_to_the_file_name(issues):
    assert issues["2023/2023-11-20-old-issue"].date == "2023-11-20"


def test_language_is_detected_when_not_given(issues):
    assert issues["partial-front-matter"].language == "en"
    assert issues["web-issue"].language == "fr"


def test_html_file_text_has_no_script_style_or_head(issues):
    text = issues["web-issue"].text
    assert "SCRIPT-PAYLOAD" not in text and "color: red" not in text
    assert text.startswith("Numéro 55 : l'été")
    assert "Un numéro écrit en HTML, avec des accents : é, è, à." in text
    assert "Deuxième paragraphe." in text


def test_text_that_is_not_utf8_is_read_as_windows_1252(issues):
    issue = issues["latin1"]
    assert issue.title == "Café crème"
    assert issue.text == "Un café à la main."


def test_no_url_without_front_matter_url_or_base_url():
    issues = import_markdown(DATA / "markdown")
    assert {i.key: i.url for i in issues}["no-front-matter"] == ""
    assert {i.key: i.url for i in issues}[
        "full-front-matter"
    ] == "https://lettre.example/p/teletravail"


def test_bad_yaml_front_matter_raises_naming_the_file():
    with pytest.raises(ArchiveError, match=r"broken\.md.*not valid YAML"):
        import_markdown(DATA / "bad")


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("- just\n- a list", "key: value"),
        ("date: March 3rd", "date 'March 3rd' is not in YYYY-MM-DD form"),
        ("date: 2024-13-45", "date"),
        ("number: ninety", "number 'ninety' is not an integer"),
    ],
)
def test_invalid_front_matter_values_raise_before_anything_is_returned(
    tmp_path, front_matter, message
):
    (tmp_path / "a-good-one.md").write_text("---\ntitle: Fine\n---\nText.\n", encoding="utf-8")
    (tmp_path / "z-bad.md").write_text(f"---\n{front_matter}\n---\nText.\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="z-bad.md") as err:
        import_markdown(tmp_path)
    assert message in str(err.value)


def test_unreadable_file_raises_naming_it(tmp_path, monkeypatch):
    (tmp_path / "locked.md").write_text("Text.", encoding="utf-8")
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ArchiveError, match=r"locked\.md: cannot be read \(Permission denied\)"):
        import_markdown(tmp_path)


def test_missing_folder_raises():
    with pytest.raises(ArchiveError, match="no such file or folder"):
        import_markdown(DATA / "does-not-exist")


def test_hidden_folders_are_ignored(tmp_path):
    shutil.copy(DATA / "markdown" / "full-front-matter.md", tmp_path / "issue.md")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "README.md").write_text("# not an issue\n", encoding="utf-8")
    assert [i.key for i in import_markdown(tmp_path)] == ["issue"]


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("La Lettre #93 : le télétravail", 93),
        ("La Lettre n°93", 93),
        ("La Lettre N° 93", 93),
        ("No. 93 - Remote", 93),
        ("Numéro 93", 93),
        ("Issue 93: hiring", 93),
        ("Remote work in 2024", None),
        ("", None),
    ],
)
def test_issue_number_is_parsed_from_the_title(title, number):
    assert parse_number(title) == number


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Title\n=====\n\nBody", "Title\n\nBody"),
        ("> quoted *line*", "quoted line"),
        ("* one\n+ two", "- one\n- two"),
        ("a [ref link][1]\n\n[1]: https://x.example", "a ref link"),
        ("see <https://x.example>", "see https://x.example"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("```python\nprint(1)\n```", "print(1)"),
        ("x<script>alert('PAYLOAD')</script>y", "xy"),
        ('{% figure caption:"c" %}\nkept\n{% endfigure %}', "kept"),
        ("Tom &amp; Jerry ~~old~~", "Tom & Jerry old"),
        ("a {% raw %}b{% endraw %} [![pic](i.png)](https://x.example) c", "a b c"),
    ],
)
def test_markdown_to_text_strips_syntax_lightly(markdown, text):
    assert markdown_to_text(markdown) == text


def test_import_any_detects_a_markdown_folder():
    assert len(import_any(DATA / "markdown")) == 6


def test_example_archive_imports_with_complete_metadata():
    issues = import_any(EXAMPLES)
    assert len(issues) >= 12
    for issue in issues:
        assert issue.number is not None and issue.title and issue.date and issue.url, issue.key
