"""Pull throughput against a local Dovecot: raw batched FETCH, one-by-one FETCH, inbox-agent.

Usage: .venv/bin/python bench/pull.py [--n 2000] [--big] [--batch 200]

Starts its own Dovecot (tests/fixtures_dovecot.start_dovecot), fills one mailbox with N
realistic ~1.5 KB replies, then measures messages/second for
  (a)  imapclient, FETCH BODY.PEEK[] in batches of --batch UIDs,
  (b)  imapclient, one FETCH per message,
  (c0) ImapSource.fetch alone (inbox-agent's batched, resumable fetch),
  (c)  inbox-agent's pull: fetch + parse + triage + store (one transaction per group of
       50 messages), into a fresh state database holding the demo archive's issues,
and prints the ratios (c)/(a), (c)/(b) against the targets, where (c) spends its time per
message (parse and triage timed alone on the same replies), the load average and the peak
RSS of this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.archive.kinds import import_any  # noqa: E402
from inbox_agent.config import parse_config  # noqa: E402
from inbox_agent.intake.pull import pull  # noqa: E402
from inbox_agent.mail.imap import ImapSource  # noqa: E402
from inbox_agent.mail.source import MailSource  # noqa: E402
from inbox_agent.models import RunReport  # noqa: E402
from inbox_agent.store import db as store  # noqa: E402
from tests.fixtures_dovecot import ImapUser, sample_reply, start_dovecot  # noqa: E402


def run_fetch_pass(source: MailSource) -> int:
    """One fetch pass over every folder, bodies only consumed; returns the messages handled."""
    count = 0
    for folder in source.folders():
        for mail in source.fetch(folder, source.uids(folder)):
            count += mail.raw is not None
    return count


def run_pipeline_pass(source: MailSource, workdir: Path) -> int:
    """inbox-agent's pull into a fresh state database; returns the messages stored."""
    state = workdir / f"state-{time.monotonic_ns()}.db"
    config = parse_config(
        {"author": {"email": "a@example.org"}, "state": {"db": str(state)}},
        workdir / "config.toml",
    )
    conn = store.connect(config.state.db)
    try:
        with store.transaction(conn):
            store.replace_issues(conn, import_any(ROOT / "examples/archive"))
        report = RunReport()
        pull(config, conn, report, source=source)
        if report.failed or report.errors:
            raise SystemExit(f"pull failed on some messages: {report.errors[:3]}")
        return report.replies + report.set_apart
    finally:
        conn.close()


def timed(label: str, n: int, work: Callable[[], int]) -> float:
    started = time.perf_counter()
    handled = work()
    elapsed = time.perf_counter() - started
    if handled != n:
        raise SystemExit(f"{label}: handled {handled} messages, expected {n}")
    rate = n / elapsed
    print(f"{label:<44} {elapsed:7.2f} s {rate:10.0f} msg/s")
    return rate


def raw_batched(user: ImapUser, batch: int) -> int:
    client = user.client()
    try:
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search())
        count = 0
        for start in range(0, len(uids), batch):
            count += len(client.fetch(uids[start : start + batch], ["BODY.PEEK[]"]))
        return count
    finally:
        client.logout()


def raw_one_by_one(user: ImapUser) -> int:
    client = user.client()
    try:
        client.select_folder("INBOX", readonly=True)
        return sum(len(client.fetch([uid], ["BODY.PEEK[]"])) for uid in sorted(client.search()))
    finally:
        client.logout()


def warm_up() -> float:
    """Seconds spent on what a pull does once per process: imports, language model, regexes."""
    from inbox_agent.intake.parse import parse_message
    from inbox_agent.intake.triage import triage

    started = time.perf_counter()
    triage(parse_message(sample_reply(0)))
    return time.perf_counter() - started


def stage_costs(n: int) -> tuple[float, float]:
    """Milliseconds per message for parse and for triage alone, on the same replies (run
    after the peak RSS is read: it holds every parsed message at once)."""
    from inbox_agent.intake.parse import parse_message
    from inbox_agent.intake.triage import issue_index, triage

    raws = [sample_reply(i) for i in range(n)]
    issues = issue_index(import_any(ROOT / "examples/archive"))
    started = time.perf_counter()
    mails = [parse_message(raw) for raw in raws]
    parsed = time.perf_counter()
    for mail in mails:
        triage(mail, issues)
    done = time.perf_counter()
    return (parsed - started) * 1000 / n, (done - parsed) * 1000 / n


def fetch_pass(user: ImapUser, batch: int) -> int:
    with ImapSource(user.settings(batch_size=batch), lambda: user.password) as source:
        return run_fetch_pass(source)


def pull_pass(user: ImapUser, batch: int, workdir: Path) -> int:
    source = ImapSource(user.settings(batch_size=batch), lambda: user.password)
    return run_pipeline_pass(source, workdir)  # pull() opens and closes the source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="messages in the mailbox")
    parser.add_argument("--big", action="store_true", help="10,000 messages")
    parser.add_argument("--batch", type=int, default=200, help="UIDs per FETCH")
    args = parser.parse_args(argv)
    n = 10_000 if args.big else args.n
    workdir = Path(tempfile.mkdtemp(prefix="inbox-agent-bench-"))
    server = start_dovecot()
    try:
        user = server.add_user("bench")
        raws = [sample_reply(i) for i in range(n)]
        started = time.perf_counter()
        user.append_many("INBOX", raws)
        size = sum(map(len, raws)) / n
        del raws
        print(f"filled INBOX: {n} messages, {size:.0f} B average, "
              f"{time.perf_counter() - started:.1f} s (MULTIAPPEND)")  # fmt: skip
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        a = timed(
            f"(a) imapclient batched FETCH ({args.batch})", n, lambda: raw_batched(user, args.batch)
        )
        b = timed("(b) imapclient one message per FETCH", n, lambda: raw_one_by_one(user))
        c0 = timed("(c0) ImapSource.fetch only", n, lambda: fetch_pass(user, args.batch))
        print(f"(c) one-time start-up, not in (c): {warm_up():.2f} s (imports, language model)")
        c = timed(
            "(c) pull: fetch+parse+triage+store", n, lambda: pull_pass(user, args.batch, workdir)
        )
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before stage_costs
    parse_ms, triage_ms = stage_costs(n)
    per = {"fetch (c0)": 1000 / c0, "parse": parse_ms, "triage": triage_ms}
    per["store and the rest"] = max(0.0, 1000 / c - sum(per.values()))
    print("where (c) spends its time, ms per message: "
          + ", ".join(f"{k} {v:.3f}" for k, v in per.items()))  # fmt: skip
    print(
        f"(c) at 0.25 x (a) would need {1000 / (0.25 * a):.3f} ms per message in all, "
        f"at 3 x (b) {1000 / (3 * b):.3f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"ratio (c0)/(a) = {c0 / a:.2f}   ratio (c0)/(b) = {c0 / b:.2f}")
    print(
        f"ratio (c)/(a)  = {c / a:.3f}  (target >= 0.25: {'met' if c / a >= 0.25 else 'NOT met'})"
    )
    print(f"ratio (c)/(b)  = {c / b:.3f}  (target >= 3: {'met' if c / b >= 3 else 'NOT met'})")
    print(f"peak RSS {peak_mb:.0f} MB (this process; target for 10,000 messages: <= 400 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
