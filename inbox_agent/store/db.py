"""SQLite state: processed mail, replies, drafts, runs, archive issues.

The review's and the insights' state live in ``store_review`` and ``store_insights``.

Schema changes happen only through MIGRATIONS, an append-only list of named
steps; each opened database records which ones it has.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from inbox_agent.errors import StoreError
from inbox_agent.models import Draft, DraftStatus, Issue, MailRef, ParsedMail, Triage

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE processed (
            account TEXT NOT NULL, folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
            message_id TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (account, folder, uidvalidity, uid)
        );
        CREATE INDEX processed_message_id ON processed (message_id);
        CREATE TABLE replies (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL, folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            from_email TEXT NOT NULL, from_name TEXT NOT NULL, first_name TEXT NOT NULL,
            reply_to TEXT NOT NULL, subject TEXT NOT NULL, date TEXT NOT NULL,
            in_reply_to TEXT NOT NULL, references_ TEXT NOT NULL,
            language TEXT NOT NULL, kind TEXT NOT NULL, intent TEXT NOT NULL,
            reason TEXT NOT NULL, issue_number INTEGER,
            reply_text TEXT NOT NULL, body_text TEXT NOT NULL, quoted_text TEXT NOT NULL,
            defects TEXT NOT NULL, attachments TEXT NOT NULL,
            raw BLOB, created_at TEXT NOT NULL
        );
        CREATE INDEX replies_from ON replies (from_email);
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            reply_id INTEGER NOT NULL UNIQUE REFERENCES replies (id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            generated_text TEXT NOT NULL, final_text TEXT NOT NULL,
            language TEXT NOT NULL, cited TEXT NOT NULL, flags TEXT NOT NULL,
            drafter TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
            started_at TEXT NOT NULL, ended_at TEXT,
            status TEXT NOT NULL, counts TEXT NOT NULL DEFAULT '{}',
            errors TEXT NOT NULL DEFAULT '[]'
        );
        """,
    ),
    (
        "0002_archive_issues",
        """
        CREATE TABLE archive_issues (
            key TEXT PRIMARY KEY, number INTEGER, title TEXT NOT NULL,
            date TEXT NOT NULL, url TEXT NOT NULL, tags TEXT NOT NULL,
            language TEXT NOT NULL, message_id TEXT NOT NULL,
            source TEXT NOT NULL, text TEXT NOT NULL
        );
        """,
    ),
    (
        "0003_review",
        """
        ALTER TABLE drafts ADD COLUMN approved_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE drafts ADD COLUMN destination TEXT NOT NULL DEFAULT '';
        ALTER TABLE drafts ADD COLUMN marker TEXT NOT NULL DEFAULT '';
        ALTER TABLE drafts ADD COLUMN sent_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE drafts ADD COLUMN marked_idea INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        "0004_insights",
        """
        CREATE TABLE reply_tags (
            reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('intent', 'topic')),
            tag TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('auto', 'author')),
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (reply_id, kind, tag)
        );
        CREATE TABLE reply_insights (
            reply_id INTEGER PRIMARY KEY REFERENCES replies (id) ON DELETE CASCADE,
            quote TEXT NOT NULL DEFAULT 'no' CHECK (quote IN ('with_name', 'anonymous', 'no')),
            tagger TEXT NOT NULL DEFAULT '',
            tagged_at TEXT NOT NULL DEFAULT '',
            edited INTEGER NOT NULL DEFAULT 0,
            vector_spec TEXT NOT NULL DEFAULT '',
            vector BLOB
        );
        """,
    ),
    (
        "0005_pending_post_actions",
        """
        CREATE TABLE pending_post_actions (
            account TEXT NOT NULL, folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
            PRIMARY KEY (account, folder, uidvalidity, uid)
        );
        """,
    ),
    (
        "0006_sent",
        """
        CREATE TABLE sent_seen (
            account TEXT NOT NULL, folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
            message_hash TEXT NOT NULL, status TEXT NOT NULL,
            refs TEXT NOT NULL DEFAULT '[]', sent_at TEXT NOT NULL DEFAULT '',
            seen_at TEXT NOT NULL,
            PRIMARY KEY (account, folder, uidvalidity, uid)
        );
        CREATE INDEX sent_seen_hash ON sent_seen (message_hash);
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
            message_hash TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            match TEXT NOT NULL CHECK (match IN ('thread', 'marker', 'subject')),
            draft_id INTEGER,
            drafter TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT '',
            similarity REAL,
            outcome TEXT NOT NULL DEFAULT '',
            remembered INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            UNIQUE (reply_id, message_hash)
        );
        CREATE INDEX answers_reply ON answers (reply_id);
        """,
    ),
    (
        "0007_answer_reuse",
        """
        ALTER TABLE drafts ADD COLUMN reused_reply INTEGER
            REFERENCES replies (id) ON DELETE SET NULL;
        ALTER TABLE drafts ADD COLUMN reuse_score REAL;
        """,
    ),
]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


WRITABLE_HINT = "set state.db (or INBOX_AGENT_HOME) to a folder you can write"


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) the state database and apply pending migrations."""
    if str(path) != ":memory:":
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the state folder {folder} ({err.strerror})",
                             hint=WRITABLE_HINT) from None
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as err:
        if isinstance(err, sqlite3.OperationalError) and "unable to open" in str(err):
            raise StoreError(f"{path}: cannot open the state database ({err})",
                             hint=WRITABLE_HINT) from err
        if "readonly" in str(err):
            raise StoreError(f"{path}: the state database is read-only ({err})",
                             hint=WRITABLE_HINT) from err
        raise StoreError(f"{path}: cannot open the state database ({err})",
                         hint="move the file away to start afresh, or restore it from a "
                         "backup (it holds the replies, drafts and history)") from err
    return conn


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database lacks, in order; return their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    known = {name for name, _ in MIGRATIONS}
    unknown = sorted(applied - known)
    if unknown:
        raise StoreError(
            f"the state database has migrations this version does not know ({', '.join(unknown)}): "
            "upgrade inbox-agent"
        )
    done = []
    for name, sql in MIGRATIONS:
        if name in applied:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done


def _statements(sql: str) -> Iterable[str]:
    return (part.strip() for part in sql.split(";") if part.strip())


class transaction:  # noqa: N801 - used as a context manager, reads like a keyword
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


# --- processed mail -------------------------------------------------------


def processed_uids(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int
) -> set[int]:
    rows = conn.execute(
        "SELECT uid FROM processed WHERE account=? AND folder=? AND uidvalidity=?",
        (account, folder, uidvalidity),
    )
    return {row[0] for row in rows}


def record_processed(
    conn: sqlite3.Connection, ref: MailRef, *, message_id: str, status: str, error: str = ""
) -> None:
    stamp = now()
    conn.execute(
        """INSERT INTO processed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (account, folder, uidvalidity, uid)
           DO UPDATE SET message_id=excluded.message_id, status=excluded.status,
                         error=excluded.error, updated_at=excluded.updated_at""",
        (ref.account, ref.folder, ref.uidvalidity, ref.uid, message_id, status, error,
         stamp, stamp),
    )


def reply_id_for_message(conn: sqlite3.Connection, message_id: str) -> int | None:
    row = conn.execute("SELECT id FROM replies WHERE message_id=?", (message_id,)).fetchone()
    return row[0] if row else None


def add_reply(
    conn: sqlite3.Connection, ref: MailRef, mail: ParsedMail, triage: Triage, raw: bytes | None
) -> int:
    cursor = conn.execute(
        """INSERT INTO replies (account, folder, uidvalidity, uid, message_id, from_email,
               from_name, first_name, reply_to, subject, date, in_reply_to, references_,
               language, kind, intent, reason, issue_number, reply_text, body_text,
               quoted_text, defects, attachments, raw, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            ref.account, ref.folder, ref.uidvalidity, ref.uid, mail.message_id,
            mail.from_email, mail.from_name, mail.first_name, mail.reply_to, mail.subject,
            mail.date.isoformat() if mail.date else "", mail.in_reply_to,
            " ".join(mail.references), mail.language, triage.kind.value, triage.intent,
            triage.reason, triage.issue_number, mail.reply_text, mail.body_text,
            mail.quoted_text, json.dumps(list(mail.defects)),
            json.dumps([asdict(a) for a in mail.attachments]), raw, now(),
        ),
    )
    return int(cursor.lastrowid)


def get_reply(conn: sqlite3.Connection, reply_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM replies WHERE id=?", (reply_id,)).fetchone()


def set_intent(conn: sqlite3.Connection, reply_id: int, intent: str) -> None:
    conn.execute("UPDATE replies SET intent = ? WHERE id = ?", (intent, reply_id))


def reopen_untouched_drafts(conn: sqlite3.Connection, flag: str) -> int:
    """Pending drafts carrying `flag` that the author has not edited are drafted again (they
    become failed drafts, which the next drafting step writes anew); returns how many."""
    rows = conn.execute(
        "SELECT id, flags FROM drafts WHERE status = 'pending' AND final_text = generated_text"
    ).fetchall()
    ids = [row[0] for row in rows if flag in json.loads(row[1] or "[]")]
    conn.executemany("UPDATE drafts SET status = 'failed' WHERE id = ?", [(i,) for i in ids])
    return len(ids)


def replies_to_draft(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Replies of kind 'reply' that have no draft yet (or whose drafting failed)."""
    return list(
        conn.execute(
            """SELECT r.* FROM replies r LEFT JOIN drafts d ON d.reply_id = r.id
               WHERE r.kind = 'reply' AND (d.id IS NULL OR d.status = 'failed')
                 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.reply_id = r.id)
               ORDER BY r.id"""
        )
    )


def list_replies(conn: sqlite3.Connection, kinds: Sequence[str] = ()) -> list[sqlite3.Row]:
    sql = "SELECT * FROM replies"
    params: tuple = ()
    if kinds:
        sql += f" WHERE kind IN ({','.join('?' * len(kinds))})"
        params = tuple(kinds)
    return list(conn.execute(sql + " ORDER BY id", params))


def reader_history(conn: sqlite3.Connection, email: str, before_id: int) -> list[sqlite3.Row]:
    """The reader's earlier replies with the author's answer, oldest first: the words the
    author really sent when the Sent folder holds them (status 'sent'), else the approved
    draft."""
    return list(
        conn.execute(
            """SELECT r.id, r.subject, r.date, r.reply_text,
                      coalesce(a.text, d.final_text) AS final_text,
                      CASE WHEN a.text IS NOT NULL THEN 'sent' ELSE d.status END AS status
               FROM replies r LEFT JOIN drafts d ON d.reply_id = r.id
               LEFT JOIN answers a ON a.id = (SELECT max(id) FROM answers
                                              WHERE reply_id = r.id)
               WHERE lower(r.from_email) = lower(?) AND r.id < ? AND r.kind = 'reply'
               ORDER BY r.id""",
            (email, before_id),
        )
    )


# --- drafts ---------------------------------------------------------------


def save_draft(conn: sqlite3.Connection, reply_id: int, draft: Draft, *, error: str = "") -> int:
    """Insert or refresh the one draft of a reply; an approved draft is never overwritten."""
    status = DraftStatus.FAILED if error else DraftStatus.PENDING
    cited = json.dumps([asdict(e) for e in draft.cited], ensure_ascii=False)
    stamp = now()
    conn.execute(
        """INSERT INTO drafts (reply_id, status, generated_text, final_text, language, cited,
               flags, drafter, error, created_at, updated_at, reused_reply, reuse_score)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (reply_id) DO UPDATE SET status=excluded.status,
               generated_text=excluded.generated_text, final_text=excluded.final_text,
               language=excluded.language, cited=excluded.cited, flags=excluded.flags,
               drafter=excluded.drafter, error=excluded.error, updated_at=excluded.updated_at,
               reused_reply=excluded.reused_reply, reuse_score=excluded.reuse_score
           WHERE drafts.status IN ('pending', 'failed')""",
        (reply_id, status.value, draft.text, draft.text, draft.language, cited,
         json.dumps(draft.flags), draft.drafter, error, stamp, stamp,
         draft.reused_reply, draft.reuse_score),
    )
    row = conn.execute("SELECT id FROM drafts WHERE reply_id=?", (reply_id,)).fetchone()
    return int(row[0])


DRAFT_VIEW = """SELECT d.*, r.from_email AS reader_email, r.from_name AS reader_name,
       r.first_name, r.reply_to, r.subject, r.reply_text, r.language AS reply_language,
       r.issue_number, r.intent, r.kind, r.message_id, r.date AS reply_date
    FROM drafts d JOIN replies r ON r.id = d.reply_id"""


def list_drafts(conn: sqlite3.Connection, status: str | None = None) -> list[sqlite3.Row]:
    if status:
        return list(conn.execute(DRAFT_VIEW + " WHERE d.status=? ORDER BY d.id", (status,)))
    return list(conn.execute(DRAFT_VIEW + " ORDER BY d.id"))


def get_draft(conn: sqlite3.Connection, draft_id: int) -> sqlite3.Row | None:
    return conn.execute(DRAFT_VIEW + " WHERE d.id=?", (draft_id,)).fetchone()


def set_draft_status(
    conn: sqlite3.Connection, draft_id: int, status: DraftStatus, *, final_text: str | None = None
) -> None:
    if final_text is None:
        conn.execute(
            "UPDATE drafts SET status=?, updated_at=? WHERE id=?", (status.value, now(), draft_id)
        )
    else:
        conn.execute(
            "UPDATE drafts SET status=?, final_text=?, updated_at=? WHERE id=?",
            (status.value, final_text, now(), draft_id),
        )


# --- runs -----------------------------------------------------------------


def start_run(conn: sqlite3.Connection, kind: str) -> int:
    cursor = conn.execute(
        "INSERT INTO runs (kind, started_at, status) VALUES (?, ?, 'running')", (kind, now())
    )
    return int(cursor.lastrowid)


def finish_run(
    conn: sqlite3.Connection, run_id: int, counts: dict, errors: Sequence[str], status: str = "ok"
) -> None:
    conn.execute(
        "UPDATE runs SET ended_at=?, status=?, counts=?, errors=? WHERE id=?",
        (now(), status, json.dumps(counts), json.dumps(list(errors)), run_id),
    )


def list_runs(conn: sqlite3.Connection, limit: int = 10) -> list[sqlite3.Row]:
    return list(conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)))


# --- archive issues -------------------------------------------------------


def replace_issues(conn: sqlite3.Connection, issues: Sequence[Issue]) -> None:
    """Make the stored archive exactly `issues` (called inside a transaction)."""
    conn.execute("DELETE FROM archive_issues")
    conn.executemany(
        "INSERT INTO archive_issues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (i.key, i.number, i.title, i.date, i.url, json.dumps(list(i.tags)), i.language,
             i.message_id, i.source, i.text)
            for i in issues
        ],
    )


def load_issues(conn: sqlite3.Connection) -> list[Issue]:
    rows = conn.execute("SELECT * FROM archive_issues ORDER BY date, key")
    return [
        Issue(
            key=r["key"],
            title=r["title"],
            text=r["text"],
            number=r["number"],
            date=r["date"],
            url=r["url"],
            tags=tuple(json.loads(r["tags"])),
            language=r["language"],
            message_id=r["message_id"],
            source=r["source"],
        )
        for r in rows
    ]
