"""One build per checkout at a time: an advisory lock on a file in the cache folder.

The lock is ``fcntl.flock`` on ``<cache>/build.lock``, so the kernel releases it when its holder exits, however it
exits (kill -9 included): a lock left by a dead build is simply free, and the next build takes it over (and says so,
from the dead holder's pid written in the file). The file holds the holder's pid, command line and start time, so a
second build can say who it is waiting for. ``make serve`` rebuilds by running ``python -m generator build``, so its
rebuilds take the same lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from generator.errors import BuildError, os_error_text

log = logging.getLogger("lock")

LOCK_NAME = "build.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_holder(path: Path) -> dict:
    """What the lock file says about its holder ({} when empty or unreadable)."""
    try:
        data = json.loads(path.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(holder: dict) -> str:
    if not holder:
        return "another build"
    since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", 0)))
    return f"pid {holder.get('pid')} ({holder.get('command', '?')}, since {since})"


@contextlib.contextmanager
def build_lock(cache: Path, wait: bool = True, timeout: float | None = None) -> Iterator[Path]:
    """Hold ``<cache>/build.lock`` for the duration of the block.

    When another process holds it: wait (saying who holds it) until it is free, or with ``wait=False`` (or after
    ``timeout`` seconds) raise BuildError naming the holder."""
    path = Path(cache) / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(os_error_text(exc, "the build lock in the cache folder")) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = describe(read_holder(path))
            if not wait:
                raise BuildError(
                    f"{path}: another build of this checkout is running: {holder}; wait for it or stop it"
                ) from None
            print(f"waiting for {holder} to finish (lock {path})", file=sys.stderr, flush=True)
            _wait(fd, path, holder, timeout)
        previous = read_holder(path)
        pid = previous.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and not _alive(pid):
            log.info(
                "took over the build lock left by pid %d (%s), which is no longer running",
                pid,
                previous.get("command", "?"),
            )
        me = {"pid": os.getpid(), "command": " ".join(sys.argv) or sys.executable, "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode("utf-8"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _wait(fd: int, path: Path, holder: str, timeout: float | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise
        if deadline is not None and time.monotonic() > deadline:
            raise BuildError(f"{path}: still held by {holder} after {timeout:g} s; try again later")
        time.sleep(0.2)
