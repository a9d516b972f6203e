"""Exactly one active scheduler per database.

PostgreSQL: a session-level advisory lock held on a dedicated connection. If the process
dies, its connection closes and the lock is released, so a standby takes over.
SQLite (one machine by nature): an exclusive `flock` on a file beside the database.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from pathlib import Path

from django.conf import settings
from django.db import Error as DatabaseError, connections

# A fixed 32-bit key, the same for every process of this project.
ADVISORY_LOCK_KEY = zlib.crc32(b"kycuong.scheduler.leader")


class PostgresLeaderLock:
    def __init__(self, alias: str = "default"):
        self.alias = alias
        self._connection = None

    def try_acquire(self) -> bool:
        if self._connection is None:
            self._connection = connections.create_connection(self.alias)
            # The watchdog checks the lock from a worker thread; this connection is only
            # ever used by one thread at a time (the watchdog job has max_instances=1).
            self._connection.inc_thread_sharing()
            self._connection.ensure_connection()
            self._connection.set_autocommit(True)
        with self._connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            return bool(cursor.fetchone()[0])

    def still_held(self) -> bool:
        """False when the lock connection was lost (the lock went with it)."""
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
                    "AND pid = pg_backend_pid() AND granted",
                    [ADVISORY_LOCK_KEY],
                )
                return cursor.fetchone()[0] == 1
        except Exception:
            return False

    def release(self) -> None:
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            # Unlock before closing: a closed connection's backend drops its locks only when it
            # gets round to ending, so a standby asking at once could be refused.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        except DatabaseError:
            pass  # the connection is already gone, and the lock with it
        finally:
            connection.close()


class FileLeaderLock:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def leader_lock(alias: str = "default"):
    db = settings.DATABASES[alias]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return PostgresLeaderLock(alias)
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise RuntimeError("The scheduler needs a file database or PostgreSQL.")
    return FileLeaderLock(Path(name).with_name(Path(name).name + ".scheduler.lock"))
