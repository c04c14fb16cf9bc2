"""A private PostgreSQL cluster for tests that stop and start the database (the shared server on 5432 is never
touched): initdb into a temporary directory, its own port and socket directory, trust authentication, stopped and
removed afterwards. Where the PostgreSQL binaries are missing: skipped off CI, a failure on CI (as ensure_server)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.services import reachable


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def as_server_user(argv: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: as root, run them as the postgres user."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bin: Path
    data: Path
    sockets: Path
    port: int
    log: Path

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        argv = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60"]
        subprocess.run(  # noqa: S603
            as_server_user([*argv, *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        self.pg_ctl("start")
        assert reachable(self.port, wait=30)

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database],
            input=sql,
            text=True,
            check=True,
            capture_output=True,
            timeout=600,
        )
        return result.stdout


@contextmanager
def private_postgres() -> Iterator[Cluster]:
    binaries = postgres_bin()
    if binaries is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: a missing server is a failure, not a skip)")
        pytest.skip(f"{reason}; install postgresql to run this test")
    root = Path(tempfile.mkdtemp(prefix="pg-private-"))
    if as_server_user(["x"]) != ["x"]:
        shutil.chown(root, user="postgres")
    cluster = Cluster(bin=binaries, data=root / "data", sockets=root, port=free_port(), log=root / "server.log")
    subprocess.run(  # noqa: S603
        as_server_user(
            [str(binaries / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
            + ["--no-sync"]
        ),
        check=True,
        capture_output=True,
        timeout=300,
        env=os.environ | {"LC_ALL": "C.UTF-8"},
    )
    try:
        cluster.start()
        yield cluster
    finally:
        subprocess.run(  # noqa: S603
            as_server_user([str(binaries / "pg_ctl"), "-D", str(cluster.data), "stop", "-m", "immediate"]),
            check=False,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(root, ignore_errors=True)
