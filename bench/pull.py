"""Pull throughput against a local Dovecot: raw batched FETCH, one-by-one FETCH, ImapSource.

Usage: .venv/bin/python bench/pull.py [--n 2000] [--big] [--batch 200]

Starts its own Dovecot (tests/fixtures_dovecot.start_dovecot), fills one mailbox with N
realistic ~1.5 KB replies, then measures messages/second for
  (a) imapclient, FETCH BODY.PEEK[] in batches of --batch UIDs,
  (b) imapclient, one FETCH per message,
  (c) ImapSource.fetch consumed by run_pipeline_pass() (by default: the fetch alone),
and prints the ratios (c)/(a), (c)/(b) and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.mailbox import ImapSource, MailSource  # noqa: E402
from tests.fixtures_dovecot import ImapUser, sample_reply, start_dovecot  # noqa: E402


def run_pipeline_pass(source: MailSource) -> int:
    """One pull pass over every folder; returns the messages handled.

    The hook for the full pull+parse+triage+store figure: replace the body of the loop with
    the pipeline's per-message work. By default it only consumes `fetch`.
    """
    count = 0
    for folder in source.folders():
        for mail in source.fetch(folder, source.uids(folder)):
            count += mail.raw is not None
    return count


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


def source_pass(user: ImapUser, batch: int) -> int:
    with ImapSource(user.settings(batch_size=batch), lambda: user.password) as source:
        return run_pipeline_pass(source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="messages in the mailbox")
    parser.add_argument("--big", action="store_true", help="10,000 messages")
    parser.add_argument("--batch", type=int, default=200, help="UIDs per FETCH")
    args = parser.parse_args(argv)
    n = 10_000 if args.big else args.n
    server = start_dovecot()
    try:
        user = server.add_user("bench")
        raws = [sample_reply(i) for i in range(n)]
        started = time.perf_counter()
        user.append_many("INBOX", raws)
        size = sum(map(len, raws)) / n
        print(f"filled INBOX: {n} messages, {size:.0f} B average, "
              f"{time.perf_counter() - started:.1f} s (MULTIAPPEND)")  # fmt: skip
        a = timed(
            f"(a) imapclient batched FETCH ({args.batch})", n, lambda: raw_batched(user, args.batch)
        )
        b = timed("(b) imapclient one message per FETCH", n, lambda: raw_one_by_one(user))
        c = timed(
            "(c) ImapSource.fetch via run_pipeline_pass", n, lambda: source_pass(user, args.batch)
        )
    finally:
        server.stop()
    print(f"ratio (c)/(a) = {c / a:.2f}   ratio (c)/(b) = {c / b:.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB (this process, messages held in memory included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
