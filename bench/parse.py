"""Parse + triage throughput, in messages per second, on realistic inputs.

Usage: .venv/bin/python bench/parse.py [--n 1000] [--rounds 3] [--baseline REF | --no-baseline]

Data sets:
  demo     the demo Maildir (examples/replies), replies in several languages and layouts;
  sample   N ~1.5 KB plain-text replies (tests/fixtures_dovecot.sample_reply), the pull
           benchmark's messages;
  corpus   the MIME torture messages and talon replies of ../shared/corpora, when present.
Issues for triage come from the demo archive (examples/archive).

With a baseline (default: the committed version, HEAD), the parse/quotes/triage/langdetect
modules of that git revision are loaded side by side under another package name and
measured in the same run, rounds interleaved (best round kept), so the ratio is not skewed
by the load of the machine; the outputs of both are compared field by field.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.archive.kinds import import_any  # noqa: E402
from inbox_agent.intake import parse, triage  # noqa: E402
from inbox_agent.models import Issue  # noqa: E402
from tests.fixtures_dovecot import sample_reply  # noqa: E402

DEFAULT_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CORPORA = Path(os.environ.get("INBOX_AGENT_CORPORA", DEFAULT_CORPORA))
MODULES = ("langdetect", "quotes", "parse", "triage")
# Where each module lives today, and the dotted name code imports it by (older revisions
# kept all four at the package root).
PATHS = {
    "langdetect": "text.language",
    "quotes": "intake.quotes",
    "parse": "intake.parse",
    "triage": "intake.triage",
}


class Impl:
    def __init__(self, name: str, parse_message: Callable, triage_fn: Callable) -> None:
        self.name = name
        self.parse_message = parse_message
        self.triage = triage_fn


# Older revisions import these helpers by their names of the time.
OLD_NAMES = {
    "inbox_agent.mailheaders": "inbox_agent.mail.headers",
    "inbox_agent.htmltext": "inbox_agent.text.html",
    "inbox_agent.store": "inbox_agent.store.db",
}


def _alias_old_names() -> None:
    for old, new in OLD_NAMES.items():
        sys.modules.setdefault(old, importlib.import_module(new))


def _show(ref: str, name: str) -> str:
    """The module's source at `ref`, at its path of today or at the package root."""
    for path in (PATHS[name].replace(".", "/"), name):
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{ref}:inbox_agent/{path}.py"],
            capture_output=True, text=True,
        )  # fmt: skip
        if shown.returncode == 0:
            return shown.stdout
    raise SystemExit(f"{name} not found at {ref}")


def load_baseline(ref: str) -> Impl:
    """The four modules at git revision `ref`, importable as `baseline_<module>`."""
    tmp = Path(tempfile.mkdtemp(prefix="inbox-agent-baseline-"))
    _alias_old_names()
    loaded: dict[str, ModuleType] = {}
    for name in MODULES:
        source = _show(ref, name)
        for other in MODULES:
            for dotted in (other, PATHS[other]):
                source = source.replace(f"inbox_agent.{dotted} import", f"baseline_{other} import")
        path = tmp / f"baseline_{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"baseline_{name}", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[f"baseline_{name}"] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        loaded[name] = module
    shutil.rmtree(tmp, ignore_errors=True)  # the modules are loaded: the files can go
    return Impl(f"baseline ({ref})", loaded["parse"].parse_message, loaded["triage"].triage)


def datasets(n: int) -> dict[str, list[bytes]]:
    demo = sorted(
        p for p in (ROOT / "examples/replies").rglob("*") if p.is_file() and p.name[0] != "."
    )
    sets = {
        "demo": [p.read_bytes() for p in demo],
        "sample": [sample_reply(i) for i in range(n)],
    }
    corpus = sorted((CORPORA / "reply_fixtures").rglob("*.eml"))
    index = CORPORA / "mime" / "INDEX.jsonl"
    if index.is_file():
        entries = [json.loads(line) for line in index.read_text("utf-8").splitlines()]
        corpus += [CORPORA / "mime" / e["file"] for e in entries if not e.get("quarantined")]
    raws = [p.read_bytes() for p in corpus if p.is_file() and 0 < p.stat().st_size <= 200_000]
    if raws:
        sets["corpus"] = raws
    return sets


def measure(impl: Impl, raws: Sequence[bytes], issues: list[Issue]) -> tuple[float, float]:
    """(parse seconds, triage seconds) for one pass over `raws`."""
    started = time.perf_counter()
    mails = [impl.parse_message(raw) for raw in raws]
    parsed = time.perf_counter()
    for mail in mails:
        impl.triage(mail, issues)
    return parsed - started, time.perf_counter() - parsed


def compare(old: Impl, new: Impl, raws: Sequence[bytes], issues: list[Issue]) -> dict[str, int]:
    """How many messages differ, per ParsedMail / Triage field."""
    differing: dict[str, int] = {}
    for raw in raws:
        a, b = old.parse_message(raw), new.parse_message(raw)
        pairs = [(f.name, getattr(a, f.name), getattr(b, f.name)) for f in fields(a)]
        ta, tb = old.triage(a, issues), new.triage(b, issues)
        pairs += [
            (f"triage.{f.name}", getattr(ta, f.name), getattr(tb, f.name)) for f in fields(ta)
        ]
        for name, x, y in pairs:
            if x != y:
                differing[name] = differing.get(name, 0) + 1
    return differing


def run(impls: list[Impl], sets: dict[str, list[bytes]], issues: list[Issue], rounds: int) -> None:
    print(f"{'data set':<8} {'msgs':>5}  {'implementation':<16} {'parse':>9} {'triage':>9}"
          f" {'both':>9}  (msgs/s, best of {rounds})")  # fmt: skip
    for set_name, raws in sets.items():
        best: dict[str, tuple[float, float]] = {}
        for _ in range(rounds):
            for impl in impls:  # interleaved, so both see the same load
                p, t = measure(impl, raws, issues)
                old = best.get(impl.name, (p, t))
                best[impl.name] = (min(p, old[0]), min(t, old[1]))
        rates = {}
        for impl in impls:
            p, t = best[impl.name]
            rates[impl.name] = len(raws) / (p + t)
            print(f"{set_name:<8} {len(raws):>5}  {impl.name[:16]:<16} {len(raws) / p:>9.0f}"
                  f" {len(raws) / t:>9.0f} {rates[impl.name]:>9.0f}")  # fmt: skip
        if len(impls) == 2:
            old, new = (rates[i.name] for i in impls)
            print(f"{set_name:<8} speed-up parse+triage: x{new / old:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="sample replies")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per implementation")
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    parser.add_argument("--no-baseline", action="store_true", help="measure this tree only")
    args = parser.parse_args(argv)
    issues = import_any(ROOT / "examples/archive")
    sets = datasets(args.n)
    current = Impl("current", parse.parse_message, triage.triage)
    impls = [current] if args.no_baseline else [load_baseline(args.baseline), current]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{len(issues)} issues")  # fmt: skip
    for impl in impls:  # warm-up: lazy models, regex caches
        measure(impl, sets["demo"], issues)
    run(impls, sets, issues, args.rounds)
    if len(impls) == 2:
        for set_name, raws in sets.items():
            diff = compare(impls[0], impls[1], raws, issues)
            print(f"{set_name:<8} fields differing from the baseline: {diff or 'none'}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
