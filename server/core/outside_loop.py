"""Calling pyHanko's synchronous API from anywhere.

pyHanko's synchronous calls (signing, time stamps, validation) run their own event loop with
``asyncio.run``, which refuses to start in a thread where a loop is already running: an
async server, or a process that drove a browser through Playwright's sync API (the test
suite). There, the call runs in a thread of its own; elsewhere (gunicorn's sync workers, the
command line) it runs here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_loop(fn: Callable[..., T], *args, **kwargs) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
