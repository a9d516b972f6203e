"""Starting and stopping the real processes some tests and the benchmark harness run beside
the suite: app servers on a free loopback port, schedulers, and a scheduler's failover."""

from __future__ import annotations

import signal
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(processes, timeout: float = 15) -> None:
    """SIGTERM to each still running, then SIGKILL to any that does not stop in time."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until(condition, timeout: float = 30, interval: float = 0.2) -> bool:
    """Poll `condition` until it is true or `timeout` seconds pass: processes start slowly on a
    loaded machine, so tests wait for what they need to see rather than for a fixed time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def kill_and_wait_for_takeover(leader, standby, timeout: float = 20) -> bool:
    """SIGKILL the active scheduler; True once the standby has run a job slot."""
    from scheduler.models import JobRun

    leader.send_signal(signal.SIGKILL)
    leader.wait(timeout=10)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if JobRun.objects.filter(pid=standby.pid).exists():
            return True
        time.sleep(0.5)
    return False
