"""gunicorn settings read by default from the working directory (``make run``, the bench,
production). Everything can still be overridden on the command line or with
GUNICORN_CMD_ARGS."""

import gc
import os
import tempfile
from pathlib import Path

from gunicorn import glogging

bind = os.environ.get("FIELDCASE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FIELDCASE_WORKERS", "2"))
# A push of 500 mutations on a slow phone link can take a while to arrive.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak can never take a server down.
max_requests = 5000
max_requests_jitter = 500
# The app writes one access line per request itself (JSON, with its request id, user and
# route: server/core/access.py); gunicorn's would say the same again, less.
accesslog = None

# Prometheus metrics from every worker: each writes its values to files in this folder and
# /metrics sums them (prometheus_client's multiprocess mode). It must be set before a worker
# imports the app, and belong to this gunicorn alone (it is emptied at start): by default a
# new temporary folder per master, so two instances on one machine never share one.
METRICS_DIR_PREFIX = "fieldcase-metrics-"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=METRICS_DIR_PREFIX)


class Logger(glogging.Logger):
    """gunicorn's own lines (a worker booted, timed out, exited) in the app's log format, so
    stderr is one JSON object a line throughout (FIELDCASE_LOG_FORMAT)."""

    def setup(self, cfg):
        super().setup(cfg)
        from server.core import logs

        line = logs.formatter(os.environ.get("FIELDCASE_LOG_FORMAT") or "json")
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(line)


logger_class = Logger


def on_starting(server):
    # A previous run's files would add its counts to this one's.
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def post_worker_init(worker):
    # The app's long-lived objects (models, schemas, the workflow) never become garbage:
    # move them out of the collector's way. This more than doubles push throughput, which
    # otherwise spends half its time in full collections walking them.
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    # A dead worker's counts stay in the sums; only its live gauges (if any) must go.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(METRICS_DIR_PREFIX):
        for path in folder.glob("*.db"):
            path.unlink()
        folder.rmdir()
