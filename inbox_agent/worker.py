"""The scheduled worker: pull and draft on a cron, re-import the archive weekly.

`inbox-agent worker` runs an APScheduler `BlockingScheduler` with two cron jobs from the
[schedule] section of the config: the pass (`pipeline.run_once`) and the incremental archive
re-import (`pipeline.import_archive`, recorded as a run of kind "reindex"). Jobs live in a
SQLite job store next to the state database, so passes missed while the machine was off
coalesce into one catch-up pass at start (within `misfire_grace_minutes`). Every pass holds
the single-instance lock (`inbox_agent.lock`). SIGTERM or SIGINT lets the work in hand
finish (one draft, or one group of messages being stored), then the worker exits with code 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import zoneinfo
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from inbox_agent import pipeline, wiring
from inbox_agent.config import Config, load_config
from inbox_agent.errors import ConfigError, InboxAgentError, LockBusy
from inbox_agent.store import db as store
from inbox_agent.store.lock import holder, instance_lock, worker_lock, worker_lock_path

log = logging.getLogger(__name__)

RUN_JOB = "inbox_agent.worker:run_job"
REINDEX_JOB = "inbox_agent.worker:reindex_job"
LOCK_WAIT_SECONDS = 30.0  # a pass waits this long for `inbox-agent run` or an approval
_stop = threading.Event()  # set by SIGTERM/SIGINT; checked after each message


def should_stop() -> bool:
    """True once the worker was asked to stop."""
    return _stop.is_set()


# --- schedule -------------------------------------------------------------------


def _timezone(config: Config) -> zoneinfo.ZoneInfo:
    name = config.schedule.timezone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError(
            f"{config.path}: schedule.timezone: unknown time zone {name!r}",
            hint="use a name like Europe/Paris or UTC"
        ) from err


def _cron(config: Config, fields: Mapping[str, tuple[str, str]]):
    """A CronTrigger from {cron field: (config key, value)}; errors name the key."""
    from apscheduler.triggers.cron import CronTrigger

    tz = _timezone(config)
    for cron_field, (key, value) in fields.items():
        try:
            CronTrigger(**{cron_field: value}, timezone=tz)
        except ValueError as err:
            raise ConfigError(
                f"{config.path}: schedule.{key} = {value!r} is not a valid cron field ({err})",
                hint='use forms like "mon", "13-19", "*/30"'
            ) from err
    return CronTrigger(**{f: value for f, (_, value) in fields.items()}, timezone=tz)


def triggers(config: Config) -> dict[str, Any]:
    """The worker's CronTriggers by job id: "run" (pull and draft) and "reindex"."""
    s = config.schedule
    return {
        "run": _cron(config, {"day_of_week": ("day_of_week", s.day_of_week),
                              "hour": ("hour", s.hour), "minute": ("minute", s.minute)}),
        "reindex": _cron(config, {"day_of_week": ("reindex_day_of_week", s.reindex_day_of_week),
                                  "hour": ("reindex_hour", s.reindex_hour),
                                  "minute": ("reindex_hour", "0")}),
    }


def next_fire_times(
    config: Config, n: int = 3, *, now: datetime | None = None, job: str = "run"
) -> list[datetime]:
    """The next `n` times the job fires after `now`, aware in the schedule's time zone."""
    trigger = triggers(config)[job]
    moment = now or datetime.now(_timezone(config))
    times: list[datetime] = []
    previous = None
    while len(times) < n:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        times.append(fire)
        previous, moment = fire, fire + timedelta(microseconds=1)
    return times


def schedule_status(config: Config, n: int = 3) -> dict:
    """Next fire times of both jobs (ISO text) and the lock holder, for status displays."""

    return {
        "next_runs": [t.isoformat() for t in next_fire_times(config, n)],
        "next_reindex": [t.isoformat() for t in next_fire_times(config, 1, job="reindex")],
        "running": holder(config),
        "worker": holder(config, worker_lock_path(config)),
    }


# --- scheduler ------------------------------------------------------------------


def jobs_db(config: Config) -> Path:
    """The SQLite job store: next to the state database."""
    return config.state.db.with_name("jobs.sqlite")


def make_scheduler(config: Config, scheduler_cls: type | None = None):
    """A scheduler with the persistent job store, one worker thread, coalescing jobs."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    path = jobs_db(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    grace = max(1, config.schedule.misfire_grace_minutes * 60)
    return (scheduler_cls or BlockingScheduler)(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{path}"),
                   "once": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        timezone=_timezone(config),
    )


def _stored_next_run(scheduler, path: Path, job_id: str, ref: str, trigger, args: list):
    """The stored job's next run time when it is the same job (same function, trigger, args)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    store = SQLAlchemyJobStore(url=f"sqlite:///{path}")
    try:
        store.start(scheduler, "default")
        job = store.lookup_job(job_id)
    except Exception as err:  # an unreadable or outdated stored job: schedule afresh
        log.warning("stored job %s ignored (%s); scheduling it afresh", job_id, err)
        return None
    finally:
        store.shutdown()
    if job is None or job.func_ref != ref or list(job.args) != args:
        return None
    return job.next_run_time if _same_trigger(job.trigger, trigger) else None


def _same_trigger(a: Any, b: Any) -> bool:
    def key(t: Any) -> tuple:
        return type(t), str(t), str(getattr(t, "timezone", ""))

    return key(a) == key(b)


def schedule_jobs(
    scheduler, config: Config, jobs: Mapping[str, tuple[str, Any]] | None = None
) -> None:
    """Add the jobs ({id: ("module:function", trigger)}) called with the config path.

    A job already stored with the same trigger keeps its next run time, so runs missed
    while the worker was down are caught up (once, thanks to coalescing).
    """
    if jobs is None:
        found = triggers(config)
        jobs = {"run": (RUN_JOB, found["run"]), "reindex": (REINDEX_JOB, found["reindex"])}
    args = [str(config.path)]
    for job_id, (ref, trigger) in jobs.items():
        stored = _stored_next_run(scheduler, jobs_db(config), job_id, ref, trigger, args)
        extra = {} if stored is None else {"next_run_time": stored}
        scheduler.add_job(ref, trigger, args=args, id=job_id, name=job_id,
                          replace_existing=True, **extra)


# --- jobs -----------------------------------------------------------------------


def run_job(config_path: str) -> None:
    """One scheduled pass; the pipeline logs its counts and records the run."""
    if _stop.is_set():
        return
    try:

        config = load_config(config_path)
        pipeline.run_once(config, should_stop=should_stop, lock_wait=LOCK_WAIT_SECONDS)
    except LockBusy as err:
        log.warning("pass skipped: %s", err)
    except InboxAgentError as err:
        log.error("pass failed: %s", err)


def reindex_job(config_path: str) -> None:
    """The scheduled incremental archive import, recorded as a run of kind "reindex"."""
    if _stop.is_set():
        return

    try:
        config = load_config(config_path)
        with instance_lock(config, wait=LOCK_WAIT_SECONDS):
            reindex(config)
    except LockBusy as err:
        log.warning("archive re-import skipped: %s", err)
    except InboxAgentError as err:
        log.error("archive re-import failed: %s", err)


def reindex(config: Config) -> dict[str, int]:
    """Import the configured archive incrementally and record it in the runs table."""

    conn = wiring.open_state(config)
    run_id = store.start_run(conn, "reindex")
    counts: dict[str, int] = {}
    errors: list[str] = []
    status = "error"
    try:
        counts = asdict(pipeline.import_archive(config))
        status = "ok"
    except InboxAgentError as err:
        errors.append(str(err))
        raise
    finally:
        store.finish_run(conn, run_id, counts, errors, status)
        conn.close()
    log.info("archive re-import finished: %s issues, %s chunks added, %s updated, %s removed",
             counts["issues"], counts["added"], counts["updated"], counts["removed"])
    return counts


# --- the long-running process ------------------------------------------------------


def serve(config: Config, *, run_now: bool = False) -> None:
    """Run the scheduler until SIGTERM/SIGINT; the work in hand finishes first.

    One worker per state database: a second one raises LockBusy before it opens the job
    store or starts a scheduler.
    """
    with worker_lock(config):
        _serve(config, run_now=run_now)


def _serve(config: Config, *, run_now: bool) -> None:
    _stop.clear()
    scheduler = make_scheduler(config)
    schedule_jobs(scheduler, config)
    if run_now:
        scheduler.add_job(run_job, args=[str(config.path)], id="now", name="now",
                          jobstore="once")
    stopper: list[threading.Thread] = []
    done = threading.Event()
    previous = _install_signal_handlers(scheduler, stopper, done)
    upcoming = ", ".join(t.isoformat(" ", "minutes") for t in next_fire_times(config, 3))
    log.info("worker started (jobs in %s); next passes: %s", jobs_db(config), upcoming)
    try:
        if not _stop.is_set():
            scheduler.start()
    finally:
        done.set()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    for thread in stopper:
        thread.join()
    log.info("worker stopped")


def _install_signal_handlers(scheduler, stopper: list[threading.Thread], done) -> dict:
    def stop(signum: int, frame: object) -> None:
        if _stop.is_set():
            return
        _stop.set()
        log.warning("%s received: finishing the work in hand, then stopping",
                    signal.Signals(signum).name)
        thread = threading.Thread(target=_shutdown, args=(scheduler, done), name="worker-stop")
        stopper.append(thread)
        thread.start()

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, stop)
    return previous


def _shutdown(scheduler, done: threading.Event) -> None:
    """Stop the scheduler once it runs (the signal may come while it is starting)."""
    from apscheduler.schedulers import SchedulerNotRunningError

    while not done.is_set():
        try:
            scheduler.shutdown(wait=True)
            return
        except SchedulerNotRunningError:
            done.wait(0.05)
