"""Real servers for the tests that need them: start them when they are down; skip only off CI, fail on CI."""

import os
import shutil
import socket
import subprocess
import time

import pytest

START_COMMANDS = {
    "postgresql": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "redis": (
        "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no "
        "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}
PORTS = {"postgresql": 5432, "redis": 6379}


def reachable(port: int, host: str = "127.0.0.1", wait: float = 0) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.25)


def ensure_server(name: str) -> None:
    """Make sure `name` listens on 127.0.0.1; start it if we can. Under CI a server that cannot be had fails the test."""
    port = PORTS[name]
    if reachable(port):
        return
    binary = "pg_ctlcluster" if name == "postgresql" else "redis-server"
    if shutil.which(binary):
        subprocess.run(START_COMMANDS[name], shell=True, check=False, capture_output=True, timeout=60)  # noqa: S602
        if reachable(port, wait=20):
            return
    reason = f"{name} is not reachable on 127.0.0.1:{port} and could not be started"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing server is a failure, not a skip)")
    pytest.skip(f"{reason}; install and start it to run this test")
