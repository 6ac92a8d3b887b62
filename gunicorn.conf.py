"""gunicorn settings read by default from the working directory (``make run``, the bench,
production). Everything can still be overridden on the command line or with
GUNICORN_CMD_ARGS."""

import gc
import os

bind = os.environ.get("FIELDCASE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FIELDCASE_WORKERS", "2"))
# A push of 500 mutations on a slow phone link can take a while to arrive.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak can never take a server down.
max_requests = 5000
max_requests_jitter = 500


def post_worker_init(worker):
    # The app's long-lived objects (models, schemas, the workflow) never become garbage:
    # move them out of the collector's way. This more than doubles push throughput, which
    # otherwise spends half its time in full collections walking them.
    gc.collect()
    gc.freeze()
