"""Substack export importer: published newsletters only, chrome stripped, subscriber data unread."""

from __future__ import annotations

import builtins
import dataclasses
import pathlib
import zipfile
from pathlib import Path

import pytest

from inbox_agent.archive.kinds import detect_kind, import_any
from inbox_agent.archive.substack import import_substack
from inbox_agent.errors import ArchiveError
from inbox_agent.text.html import has_scripts, html_to_text
from tests.support import DATA

CANARY = "canary-reader@example.org"
HEADER = (
    "post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,title,subtitle,"
    "podcast_url"
)
ROWS = [
    "1001.first-issue,2024-03-04T08:00:00.000Z,true,,,newsletter,everyone,Issue #1: Hello,"
    "A subtitle &amp; more,",
    "1002.a-podcast,2024-03-05T08:00:00.000Z,true,,,podcast,everyone,A podcast,,https://x/a.mp3",
    "1003.a-thread,2024-03-06T08:00:00.000Z,true,,,thread,everyone,A thread,,",
    "1004.about,2024-03-07T08:00:00.000Z,true,,,page,everyone,About,,",
    "1005.draft,2024-03-08T08:00:00.000Z,false,,,newsletter,everyone,Draft,,",
    "1006.deleted,2024-03-09T08:00:00.000Z,true,,,newsletter,everyone,Deleted,,",
    "1007.old-style,2019-01-02T08:00:00.000Z,TRUE,,,newsletter,only_paid,Numéro 7,,",
]
CHROME_POST = (DATA / "archive/substack/chrome-post.html").read_text(
    encoding="utf-8"
)
SUBSCRIBER_FILES = {
    "email_list.mypub.csv": f"email,active_subscription,created_at\n{CANARY},true,2024-01-01\n",
    "posts/1001.first-issue.opens.csv": f"email,timestamp\n{CANARY},2024-03-04\n",
    "posts/1001.first-issue.delivers.csv": f"email,timestamp\n{CANARY},2024-03-04\n",
    "other.csv": f"email\n{CANARY}\n",
}


def export_files(rows: list[str] | None = None, header: str = HEADER) -> dict[str, str]:
    files = {"posts.csv": "\n".join([header, *(ROWS if rows is None else rows)]) + "\n"}
    for post_id, body in [
        ("1001.first-issue", CHROME_POST),
        ("1002.a-podcast", "<p>Podcast notes.</p>"),
        ("1003.a-thread", "<p>Thread prompt.</p>"),
        ("1004.about", "<p>About page.</p>"),
        ("1005.draft", "<p>Draft text.</p>"),
        ("1007.old-style", "<p>Un ancien numéro, écrit en français pour nos lecteurs.</p>"),
    ]:
        files[f"posts/{post_id}.html"] = body
    files.update(SUBSCRIBER_FILES)
    return files


def write_zip(path: Path, files: dict[str, str | bytes], *, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(prefix + name, content)
    return path


def write_folder(path: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def export_zip(tmp_path) -> Path:
    return write_zip(tmp_path / "export.zip", export_files())


@pytest.fixture
def substack_fixtures(corpora) -> Path:
    path = (
        corpora / "newsletter_exports/tryghost_migrate_fixtures/packages/mg-substack/test/fixtures"
    )
    assert (path / "posts.csv").is_file()
    return path


def test_real_export_gives_published_newsletters_only(substack_fixtures):
    issues = import_substack(substack_fixtures, base_url="https://example.substack.com/")
    assert [i.key for i in issues] == ["plain-text"]
    issue = issues[0]
    assert (issue.title, issue.date) == ("Plain Text", "2019-07-26")
    assert issue.url == "https://example.substack.com/p/plain-text"
    assert issue.text.startswith("“This quote’s rather short”\n\nLorem Ipsum\n\nLorem ipsum dolor")
    assert "Sign up" not in issue.text


def test_real_export_with_include_all_takes_podcasts_and_threads_but_never_pages(
    substack_fixtures,
):
    issues = import_substack(substack_fixtures, include_all=True)
    assert [i.key for i in issues] == ["plain-text", "podcast", "thread"]
    assert all(i.url == "" for i in issues)
    assert all("Leave a comment" not in i.text and "Dolor sit amet." in i.text for i in issues[1:])


def test_import_any_detects_the_real_export_folder(substack_fixtures):
    assert detect_kind(substack_fixtures) == "substack"
    assert [i.key for i in import_any(substack_fixtures)] == ["plain-text"]


@pytest.mark.parametrize("prefix", ["", "export-2024/"])
def test_zip_export_gives_published_newsletters_with_urls(tmp_path, prefix):
    path = write_zip(tmp_path / "export.zip", export_files(), prefix=prefix)
    issues = import_substack(path, base_url="https://mypub.substack.com")
    assert [(i.key, i.title, i.number, i.date, i.url) for i in issues] == [
        (
            "first-issue",
            "Issue #1: Hello",
            1,
            "2024-03-04",
            "https://mypub.substack.com/p/first-issue",
        ),
        ("old-style", "Numéro 7", 7, "2019-01-02", "https://mypub.substack.com/p/old-style"),
    ]
    assert issues[1].language == "fr"
    assert issues[0].source.endswith(f"export.zip:{prefix}posts/1001.first-issue.html")


def test_substack_chrome_is_stripped_and_footnotes_and_captions_kept(export_zip):
    text = import_substack(export_zip)[0].text
    assert text == (
        "A subtitle & more\n\n"
        "Welcome to the first issue [1].\n\n"
        "A caption worth keeping\n\n"
        "Second part\n\n"
        "More text.\n\n"
        "[1] The footnote text."
    )


@pytest.mark.parametrize(
    "leak",
    [
        "data-attrs",
        "IMAGE-JSON",
        "SVG-ICON-TEXT",
        "Subscribe",
        "Thanks for reading",
        "SCRIPT-PAYLOAD",
        "cdn.example",
        "Type your email",
    ],
)
def test_no_chrome_or_script_text_leaks(export_zip, leak):
    assert leak not in import_substack(export_zip)[0].text


def test_subscriber_files_are_never_read_from_a_zip(export_zip, monkeypatch):
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        if Path(str(self.filename)) == export_zip:  # not other zips (language models…)
            opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    issues = import_substack(export_zip, include_all=True)
    assert issues and opened
    assert all(n == "posts.csv" or (n.startswith("posts/") and n.endswith(".html")) for n in opened)
    assert not any(CANARY in str(value) for i in issues for value in dataclasses.astuple(i))


def test_subscriber_files_are_never_read_from_a_folder(tmp_path, monkeypatch):
    folder = write_folder(tmp_path / "export", export_files())
    opened: list[str] = []
    real_path_open, real_open = pathlib.Path.open, builtins.open

    def spy_path(self, *args, **kwargs):
        opened.append(str(self))
        return real_path_open(self, *args, **kwargs)

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy_path)
    monkeypatch.setattr(builtins, "open", spy_open)
    issues = import_substack(folder, include_all=True)
    monkeypatch.undo()
    opened = [n for n in opened if n.startswith(str(folder))]  # not language models…
    assert issues and opened
    assert all(n.endswith((".html", "/posts.csv")) for n in opened), opened
    assert not any(n.endswith("opens.csv") or "email_list" in n for n in opened)
    assert not any(CANARY in str(value) for i in issues for value in dataclasses.astuple(i))


def test_rows_without_html_are_skipped_on_purpose(export_zip):
    assert "deleted" not in [i.key for i in import_substack(export_zip)]


def test_not_a_zip_raises_naming_the_file(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(ArchiveError, match=r"export\.zip: not a readable zip file"):
        import_substack(path)


def test_corrupt_member_raises_before_returning_anything(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in export_files().items():
            archive.writestr(name, content)
    data = path.read_bytes().replace(b"Podcast notes.", b"Podcast NOTES!")
    path.write_bytes(data)
    with pytest.raises(ArchiveError, match=r"export\.zip:posts/1002\.a-podcast\.html: corrupt"):
        import_substack(path, include_all=True)


@pytest.mark.parametrize("as_zip", [True, False])
def test_missing_posts_csv_raises(tmp_path, as_zip):
    files = {k: v for k, v in export_files().items() if k != "posts.csv"}
    path = write_zip(tmp_path / "e.zip", files) if as_zip else write_folder(tmp_path / "e", files)
    with pytest.raises(ArchiveError, match=r"e(\.zip)?: no posts\.csv found"):
        import_substack(path)


@pytest.mark.parametrize("column", ["post_id", "is_published", "type", "title", "post_date"])
def test_missing_column_raises_naming_posts_csv_and_column(tmp_path, column):
    names = HEADER.split(",")
    index = names.index(column)
    header = ",".join(n for n in names if n != column)
    rows = [",".join(v for i, v in enumerate(r.split(",")) if i != index) for r in ROWS]
    path = write_zip(tmp_path / "e.zip", export_files(rows, header))
    with pytest.raises(ArchiveError, match=rf"e\.zip:posts\.csv: missing column\(s\) {column}"):
        import_substack(path)


def test_bad_post_date_raises_naming_the_line(tmp_path):
    rows = [ROWS[0].replace("2024-03-04T08:00:00.000Z", "yesterday")]
    with pytest.raises(ArchiveError, match=r"posts\.csv line 2: post_date"):
        import_substack(write_zip(tmp_path / "e.zip", export_files(rows)))


def test_missing_path_raises():
    with pytest.raises(ArchiveError, match="no such file or folder"):
        import_substack(Path("/nonexistent/export.zip"))


def test_import_any_detects_a_zip(export_zip):
    assert detect_kind(export_zip) == "substack"
    assert len(import_any(export_zip, base_url="https://x.example")) == 2


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a</p><script>var leak = 'PAYLOAD';</script><p>b</p>", "a\n\nb"),
        ('<p onclick="x()">a</p><noscript>PAYLOAD</noscript>', "a"),
        ("<style>p{}</style><iframe src='x'>PAYLOAD</iframe><p>a</p>", "a"),
        ("<form><label>PAYLOAD</label><input value='PAYLOAD'></form><p>a</p>", "a"),
        ("<p>a<!-- PAYLOAD --></p><template><p>PAYLOAD</p></template>", "a"),
        ("<?xml version='1.0' encoding='utf-8'?><p>é</p>", "é"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_html_to_text_never_includes_scripts_or_hidden_parts(html, expected):
    assert html_to_text(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>plain</p>", False),
        ("<script>x</script>", True),
        ("<a href='javascript:x()'>a</a>", True),
        ("<img src=x onerror=alert(1)>", True),
    ],
)
def test_has_scripts_spots_script_carriers(html, expected):
    assert has_scripts(html) is expected
