"""The scheduled worker: fire times across DST, catch-up of missed runs, clean shutdown."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from inbox_agent import worker
from inbox_agent.cli.main import main
from inbox_agent.config import load_config
from inbox_agent.errors import ConfigError
from inbox_agent.store import db as store
from inbox_agent.store.lock import instance_lock

PARIS = ZoneInfo("Europe/Paris")
PROBE = "tests.unit.test_worker:record_call"


def write_config(folder: Path, extra: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(f'[author]\nemail = "author@example.org"\n{extra}', encoding="utf-8")
    return path


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    return load_config(write_config(tmp_path))


def record_call(config_path: str) -> None:
    """A job for the scheduler tests: appends the time of each call next to the config."""
    with (Path(config_path).parent / "calls.txt").open("a") as calls:
        calls.write(f"{time.time()}\n")


def calls_of(config) -> int:
    path = config.path.parent / "calls.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


# --- fire times ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "first_fire_utc", "offset_hours"),
    [
        # the Monday before and after the last Sunday of March (2026-03-29): CET -> CEST
        (datetime(2026, 3, 20, 12, tzinfo=PARIS), datetime(2026, 3, 23, 12, tzinfo=UTC), 1),
        (datetime(2026, 3, 27, 12, tzinfo=PARIS), datetime(2026, 3, 30, 11, tzinfo=UTC), 2),
        # and around the last Sunday of October (2026-10-25): CEST -> CET
        (datetime(2026, 10, 16, 12, tzinfo=PARIS), datetime(2026, 10, 19, 11, tzinfo=UTC), 2),
        (datetime(2026, 10, 23, 12, tzinfo=PARIS), datetime(2026, 10, 26, 12, tzinfo=UTC), 1),
        # asked on the night of the change itself
        (datetime(2026, 3, 29, 2, 30, tzinfo=UTC), datetime(2026, 3, 30, 11, tzinfo=UTC), 2),
    ],
)
def test_monday_after_a_dst_change_fires_at_13_local_with_the_new_offset(
    config, now, first_fire_utc, offset_hours
):
    fire = worker.next_fire_times(config, 1, now=now)[0]
    assert fire == first_fire_utc
    assert (fire.weekday(), fire.hour, fire.minute) == (0, 13, 0)
    assert fire.utcoffset() == timedelta(hours=offset_hours)


def test_a_monday_has_fourteen_passes_every_half_hour_from_13_to_19_30(config):
    sunday = datetime(2026, 6, 7, 20, tzinfo=PARIS)
    times = worker.next_fire_times(config, 15, now=sunday)
    monday = times[:14]
    assert [t.strftime("%H:%M") for t in monday[:3]] == ["13:00", "13:30", "14:00"]
    assert monday[-1].strftime("%a %H:%M") == "Mon 19:30"
    assert all(b - a == timedelta(minutes=30) for a, b in zip(monday, monday[1:], strict=False))
    assert times[14] - times[0] == timedelta(days=7)


def test_archive_reimport_fires_on_mondays_at_noon(config):
    fire = worker.next_fire_times(config, 2, now=datetime(2026, 3, 27, tzinfo=PARIS),
                                  job="reindex")
    assert [f.isoformat() for f in fire] == ["2026-03-30T12:00:00+02:00",
                                             "2026-04-06T12:00:00+02:00"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("hour", "25"), ("minute", "*/x"), ("day_of_week", "funday"),
     ("timezone", "Mars/Olympus"), ("reindex_hour", "99"), ("reindex_day_of_week", "8-9")],
)
def test_an_invalid_schedule_value_is_a_config_error_naming_the_key(tmp_path, key, value):
    with pytest.raises(ConfigError, match=rf"schedule\.{key}"):  # at load, before any job
        load_config(write_config(tmp_path, f'[schedule]\n{key} = "{value}"\n'))


# --- job store and catch-up ----------------------------------------------------------


def stored_job(config, job_id: str):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    jobstore = SQLAlchemyJobStore(url=f"sqlite:///{worker.jobs_db(config)}")
    jobstore.start(BackgroundScheduler(), "default")
    try:
        return jobstore.lookup_job(job_id)
    finally:
        jobstore.shutdown()


def test_jobs_are_stored_next_to_the_state_db_as_text_references_with_the_config(config):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = worker.make_scheduler(config, BackgroundScheduler)
    worker.schedule_jobs(scheduler, config)
    scheduler.start(paused=True)
    scheduler.shutdown()
    assert worker.jobs_db(config).parent == config.state.db.parent
    for job_id, ref in (("run", worker.RUN_JOB), ("reindex", worker.REINDEX_JOB)):
        job = stored_job(config, job_id)
        assert (job.func_ref, job.args) == (ref, (str(config.path),))
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == config.schedule.misfire_grace_minutes * 60
        assert job.next_run_time == worker.next_fire_times(config, 1, job=job_id)[0]


def store_overdue_probe(config, trigger, periods_ago: int) -> None:
    """Leave in the job store what a worker stopped `periods_ago` fire times ago leaves."""
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    worker.jobs_db(config).parent.mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler()
    jobstore = SQLAlchemyJobStore(url=f"sqlite:///{worker.jobs_db(config)}")
    jobstore.start(scheduler, "default")
    overdue = datetime.now(UTC) - periods_ago * trigger.interval - timedelta(seconds=1)
    jobstore.add_job(Job(
        scheduler, id="probe", func=PROBE, trigger=trigger, executor="default",
        args=[str(config.path)], kwargs={}, name="probe", misfire_grace_time=3600,
        coalesce=True, max_instances=1, next_run_time=overdue,
    ))
    jobstore.shutdown()


def test_runs_missed_while_down_coalesce_into_exactly_one_catch_up_run(config):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    store_overdue_probe(config, IntervalTrigger(seconds=20), periods_ago=4)
    missed = stored_job(config, "probe")._get_run_times(datetime.now(UTC))
    assert len(missed) >= 4  # the worker was "off" during several fire times
    scheduler = worker.make_scheduler(config, BackgroundScheduler)
    worker.schedule_jobs(scheduler, config, {"probe": (PROBE, IntervalTrigger(seconds=20))})
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while calls_of(config) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # room for any further (wrong) catch-up runs
        assert calls_of(config) == 1
        assert scheduler.get_job("probe").next_run_time > datetime.now(UTC)
    finally:
        scheduler.shutdown()


def test_a_changed_schedule_replaces_the_stored_run_time_instead_of_catching_up(config):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    store_overdue_probe(config, IntervalTrigger(seconds=20), periods_ago=2)
    scheduler = worker.make_scheduler(config, BackgroundScheduler)
    worker.schedule_jobs(scheduler, config, {"probe": (PROBE, IntervalTrigger(seconds=30))})
    scheduler.start()
    try:
        time.sleep(1.0)
        assert calls_of(config) == 0
        assert scheduler.get_job("probe").next_run_time > datetime.now(UTC)
    finally:
        scheduler.shutdown()


# --- jobs ------------------------------------------------------------------------------


def runs_of(config) -> list[sqlite3.Row]:
    conn = store.connect(config.state.db)
    try:
        return store.list_runs(conn)
    finally:
        conn.close()


def test_archive_reimport_is_recorded_as_a_reindex_run_with_its_counts(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "1-first.md").write_text(
        "---\nnumber: 1\ntitle: \"First issue\"\ndate: 2026-01-05\nlanguage: en\n---\n\n"
        "Slow mornings and a notebook: what changed when I stopped reading mail at 8.\n",
        encoding="utf-8",
    )
    config = load_config(write_config(tmp_path, f'[archive]\npath = "{archive}"\n'))
    first = worker.reindex(config)
    second = worker.reindex(config)
    runs = runs_of(config)
    assert [r["kind"] for r in runs] == ["reindex", "reindex"]
    assert all(r["status"] == "ok" for r in runs)
    recorded = [json.loads(r["counts"]) for r in reversed(runs)]
    assert recorded == [first, second]
    assert first["issues"] == 1 and first["added"] > 0
    assert (second["added"], second["unchanged"]) == (0, first["added"])


def test_a_pass_finding_the_lock_taken_is_skipped_with_a_warning(config, monkeypatch, caplog):
    monkeypatch.setattr(worker, "LOCK_WAIT_SECONDS", 0.1)
    caplog.set_level(logging.WARNING, logger="inbox_agent")
    with instance_lock(config, command="inbox-agent run"):
        thread = threading.Thread(target=worker.run_job, args=[str(config.path)])
        thread.start()
        thread.join(30)
    assert "pass skipped" in caplog.text and "inbox-agent run" in caplog.text
    assert runs_of(config) == []


def test_status_shows_next_passes_and_marks_a_dead_run_interrupted(config):
    conn = store.connect(config.state.db)
    store.start_run(conn, "run")  # a pass whose process was killed
    conn.close()
    result = CliRunner().invoke(main, ["--config", str(config.path), "--lang", "en", "status"])
    assert result.exit_code == 0, result.output
    upcoming = worker.next_fire_times(config, 3)
    parts, day = [], None  # each day written once, in the schedule's zone
    for t in upcoming:
        year = "" if t.year == datetime.now(t.tzinfo).year else f" {t.year}"
        parts.append(f"{t:%H:%M}" if t.date() == day else
                     f"{t:%A} {t.day} {t:%B}{year}, {t:%H:%M}")
        day = t.date()
    shown = ", ".join(parts)
    assert f"Next passes: {shown}\n" in result.output
    assert "(times in Europe/Paris)" in result.output
    assert "interrupted" in result.output and "{" not in result.output  # no raw dict
    result = CliRunner().invoke(main, ["--config", str(config.path), "status", "--json"])
    info = json.loads(result.output)
    assert info["next_runs"] == [t.isoformat() for t in upcoming] and info["running"] is None


# --- the process ---------------------------------------------------------------------


def processed(config) -> int:
    if not config.state.db.exists():
        return 0
    conn = sqlite3.connect(config.state.db, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM processed").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


