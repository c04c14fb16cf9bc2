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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own (own port, no persistence), which the test may stop and start again on the
    same port. Never the shared server on 6379."""

    def __init__(self, port: int | None = None):
        binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
        )
        if binary is None:
            reason = "redis-server is not installed"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{reason} (CI=true: a missing server is a failure, not a skip)")
            pytest.skip(f"{reason}; install it to run this test")
        self.binary = binary
        self.port = port or free_port()
        assert self.port != 6379, "never the shared Redis"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        if not reachable(self.port, wait=20):
            self.stop()
            pytest.fail(f"the private redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Killed, as when the server dies: no shutdown save, its messages gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None
