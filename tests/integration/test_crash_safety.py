"""Fault injection: the pass is killed with SIGKILL at random moments, again and again.

Against a real IMAP server (Dovecot, Cyrus) holding a few hundred reader replies,
`inbox-agent run` is started and killed after a random (seeded, printed) delay, N times
(INBOX_AGENT_KILLS, at least 20 under CI=true); then one last run goes to the end. Every
reply must be processed exactly once, have one reply row and (for real replies) one draft;
nothing is lost, nothing doubled.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from tests.fixtures_cyrus import on_servers
from tests.fixtures_dovecot import ImapUser
from tests.support import IN_CI, ROOT

PYTHON = sys.executable
KILLS = max(20 if IN_CI else 0, int(os.environ.get("INBOX_AGENT_KILLS", "20")))
SEED = int(os.environ.get("INBOX_AGENT_SEED", "20260330"))
REPLIES = 300
ARCHIVE = ("31-reunionite-moins-de-reunions.md", "32-burn-out-signaux-faibles.md",
           "38-special-english-edition-hybrid-work.md")

FIRST_NAMES = ["Camille", "Léa", "Thomas", "Nadia", "Hugo", "Inès", "Paul", "Sarah", "Yann",
               "Chloé", "Mehdi", "Julie", "Tom", "Emma", "Oliver", "Grace", "Daniel", "Priya"]
FRENCH = [
    "Merci pour ce numéro sur les réunions, on a essayé de supprimer les réunions "
    "récurrentes dans mon équipe et ça a changé nos semaines.",
    "Je ne suis pas d'accord avec vous sur le burn-out : les signaux faibles sont souvent "
    "invisibles pour les managers, surtout en télétravail.",
    "Une question : comment Ludivia a-t-elle mesuré le temps gagné ? J'aimerais proposer "
    "la même chose à ma direction.",
    "Petite correction : l'étude que vous citez date de 2023, pas de 2022.",
    "Ça m'a rappelé mon ancien poste où l'on passait quatorze heures par semaine en réunion.",
    "Avez-vous des exemples d'entreprises qui ont fait marche arrière après avoir tout supprimé ?",
]
ENGLISH = [
    "Thanks for the English edition on hybrid work, I shared it with my whole team.",
    "I disagree a bit: hybrid work is great for focus but terrible for onboarding juniors.",
    "Quick question, do you have data on how many days in the office people actually prefer?",
    "This reminded me of my first remote job, where nobody knew when anyone was working.",
    "Could you write more about meetings? We have far too many and I do not know where to start.",
]
SUBJECTS = {"fr": ["Re: L'Atelier du Futur #31 : Réunionite", "Re: #32 burn-out", "Votre lettre"],
            "en": ["Re: Special English edition #38: hybrid work", "Re: hybrid work", "Hello"]}


def reader_reply(n: int, rng: random.Random) -> bytes:
    """One realistic small reader reply (French or English), or now and then an auto-reply."""
    name = rng.choice(FIRST_NAMES)
    message = EmailMessage()
    message["From"] = f"{name} Lecteur{n} <reader{n}@example.net>"
    message["To"] = "Camille Durand <camille@example.org>"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(minutes=n))
    message["Message-ID"] = make_msgid(f"r{n}", "example.net")
    if n % 25 == 7:
        message["Subject"] = rng.choice(["Réponse automatique : absent", "Out of office"])
        message["Auto-Submitted"] = "auto-replied"
        message.set_content("Je suis absent jusqu'au 12 mars. / I am away until March 12.\n")
        return bytes(message)
    language = "fr" if rng.random() < 0.6 else "en"
    lines = rng.sample(FRENCH if language == "fr" else ENGLISH, 2)
    greeting = "Bonjour Camille," if language == "fr" else "Hi Camille,"
    message["Subject"] = rng.choice(SUBJECTS[language])
    message["In-Reply-To"] = f"<atelier-{rng.choice([31, 32, 38])}@atelier-du-futur.example>"
    quoted = "> Bonjour à toutes et à tous,\n> Alors parlons réunions.\n"
    body = f"{greeting}\n\n{lines[0]} {lines[1]}\n\n{name}\n\n"
    message.set_content(body + ("Le lundi, Camille a écrit :\n" + quoted if n % 3 == 0 else ""))
    return bytes(message)


def make_replies(count: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    return [reader_reply(n, rng) for n in range(count)]


ANSWERED_EVERY = 6  # the author answered every 6th real reply from their own mail program


def author_answers(raws: list[bytes]) -> dict[str, bytes]:
    """Reader Message-ID -> the author's answer in Sent, for every ANSWERED_EVERY-th reply."""
    from email import message_from_bytes

    answers = {}
    for n, raw in enumerate(raws):
        original = message_from_bytes(raw)
        if n % ANSWERED_EVERY or original["Auto-Submitted"]:
            continue
        message = EmailMessage()
        message["From"] = "Camille Durand <camille@example.org>"
        message["To"] = original["From"]
        message["Subject"] = "Re: " + original["Subject"]
        message["Date"] = format_datetime(datetime(2026, 3, 2, 18, tzinfo=UTC))
        message["Message-ID"] = make_msgid(f"a{n}", "example.org")
        message["In-Reply-To"] = original["Message-ID"]
        message.set_content(f"Merci {n} ! Réponse de Camille.\n")
        answers[original["Message-ID"]] = bytes(message)
    return answers


def write_config(folder: Path, user, archive: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""[author]
name = "Camille Durand"
email = "camille@example.org"
[source]
kind = "imap"
{user.imap_toml("CRASH_TEST_IMAP_PASSWORD")}[archive]
path = "{archive}"
kind = "markdown"
""",
        encoding="utf-8",
    )
    return path


def run_command(config_path: Path) -> list[str]:
    return [PYTHON, "-m", "inbox_agent", "--config", str(config_path), "run", "-q", "--wait", "30"]


def query(db: Path, sql: str) -> int:
    """One number from the state DB, read while the pass may be writing (0 before it exists)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def progress(db: Path) -> tuple[int, int]:
    return (query(db, "SELECT count(*) FROM processed") + query(db, "SELECT count(*) FROM "
                                                                  "sent_seen"),
            query(db, "SELECT count(*) FROM drafts"))


def wait_for_progress(db: Path, target: int, process: subprocess.Popen) -> None:
    """Until processed rows + drafts reach `target` (or the pass ends, or a minute passes)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if sum(progress(db)) >= target:
            return
        time.sleep(0.005)


def kill_cycles(config_path: Path, db: Path, env: dict, rng: random.Random) -> list[tuple]:
    """Start the pass and SIGKILL it at a random point, KILLS times.

    The point is a random number of newly committed messages or drafts (5-50) plus a random
    delay of up to 40 ms, so kills land inside transactions and IMAP fetches alike.
    """
    log = []
    for cycle in range(KILLS):
        step, delay = rng.randint(5, 50), rng.uniform(0.0, 0.04)
        before = sum(progress(db))
        process = subprocess.Popen(run_command(config_path), cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_progress(db, before + step, process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        stderr = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        assert process.returncode in (0, -signal.SIGKILL), stderr
        done = progress(db)
        log.append((cycle, step, process.returncode, *done))
        print(f"kill {cycle}: after {step} new items + {delay * 1000:.1f} ms, "
              f"exit {process.returncode}, processed {done[0]}, drafts {done[1]}")
    return log


@pytest.fixture
def imap_user(imap_server) -> ImapUser:
    return imap_server.add_user()


# About a minute per server, so on Dovecot only: what it needs of the server (UID pulls that
# resume after a dropped connection, an untouched Drafts) runs on every server in
# test_imap_source.py; the exactly-once bookkeeping under SIGKILL is the state DB's own.
# It passes on Cyrus too: @on_servers("dovecot", "cyrus") runs it there (~55 s more).
@on_servers("dovecot")
def test_killing_the_pass_at_random_moments_loses_and_doubles_nothing(imap_user, tmp_path):
    raws = make_replies(REPLIES)
    imap_user.append_many("INBOX", raws)
    answers = author_answers(raws)
    imap_user.append_many(imap_user.sent, list(answers.values()))
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ARCHIVE:
        shutil.copy(ROOT / "examples/archive" / name, archive / name)
    config_path = write_config(tmp_path, imap_user, archive)
    env = {**os.environ, "CRASH_TEST_IMAP_PASSWORD": imap_user.password}
    env.pop("INBOX_AGENT_HOME", None)
    subprocess.run([PYTHON, "-m", "inbox_agent", "--config", str(config_path), "archive",
                    "import", "-q"], cwd=ROOT, env=env, check=True, timeout=300)
    db = tmp_path / "state/inbox-agent.db"
    print(f"seed {SEED}, {KILLS} kills, {REPLIES} replies")
    started = time.monotonic()
    log = kill_cycles(config_path, db, env, random.Random(SEED))
    final = subprocess.run(run_command(config_path), cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    print(f"{KILLS} kills + final run in {time.monotonic() - started:.1f}s; final: {final.stdout}")
    assert any(0 < row[3] < REPLIES for row in log), "no kill landed while mail was being read"
    assert any(row[2] != 0 and row[4] > 0 for row in log), "no kill landed while drafting"
    check_exactly_once(db, raws, imap_user, answers)


def check_exactly_once(db: Path, raws: list[bytes], imap_user, answers: dict) -> None:
    """Each reply stored once, each real one drafted once, unless the author had answered it
    from Sent: then it has exactly one answer and no pending draft."""
    from email import message_from_bytes

    expected = {message_from_bytes(raw)["Message-ID"] for raw in raws}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        processed = conn.execute("SELECT uid, status, message_id FROM processed").fetchall()
        assert len(processed) == len(raws)
        assert {status for _, status, _ in processed} == {"done"}
        assert {mid for _, _, mid in processed} == expected
        replies = conn.execute("SELECT message_id, kind FROM replies").fetchall()
        assert len(replies) == len(raws) and {mid for mid, _ in replies} == expected
        real = conn.execute("SELECT count(*) FROM replies WHERE kind='reply'").fetchone()[0]
        answered = dict(conn.execute(
            "SELECT r.message_id, count(*) FROM answers a JOIN replies r ON r.id = a.reply_id "
            "GROUP BY r.id").fetchall())
        assert answered == {mid: 1 for mid in answers}  # each answer counted exactly once
        assert conn.execute("SELECT count(*) FROM sent_seen WHERE status='matched'"
                            ).fetchone()[0] == len(answers)
        drafts = conn.execute(
            "SELECT d.reply_id, d.status, r.kind, r.message_id FROM drafts d "
            "JOIN replies r ON r.id=d.reply_id").fetchall()
        assert len({reply_id for reply_id, *_ in drafts}) == len(drafts)
        open_drafts = [d for d in drafts if d[1] == "pending"]
        assert len(open_drafts) == real - len(answers)
        assert not {d[3] for d in open_drafts} & set(answers)
        assert {status for _, status, *_ in drafts} <= {"pending", "answered"}
        assert {kind for _, _, kind, _ in drafts} == {"reply"}
        assert 0 < real < len(raws)  # the auto-replies were set apart, not drafted
    finally:
        conn.close()
    client = imap_user.client()
    try:
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == len(raws)
        assert client.select_folder(imap_user.drafts, readonly=True)[b"EXISTS"] == 0
    finally:
        client.logout()
