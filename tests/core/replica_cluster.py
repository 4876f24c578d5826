"""A throwaway PostgreSQL primary and a streaming hot standby of it, from the PostgreSQL binaries
pgserver ships (the embedded server's; a fresh machine has them, this one too).

Why a primary of its own rather than a standby of the suite's server: a standby needs a
replication connection to its primary, and whether the suite's server allows one is its
operator's choice (the machine's PostgreSQL at 127.0.0.1:5432 has no ``replication`` line in
pg_hba.conf; pgserver's has). So the pair is always made here, the same way everywhere: initdb,
the suite's test database copied in with pg_dump/pg_restore, ``pg_basebackup -R -X stream`` into
a second folder (``standby.signal`` and ``primary_conninfo`` written by ``-R``), both servers on
free loopback ports. PostgreSQL refuses to run as root: as root the servers run as the
``postgres`` system user when there is one, else as the user pgserver itself creates.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from park_portal.devservices import free_port


class ReplicationUnavailable(RuntimeError):
    """Why no standby could be started here (the test module skips with it)."""


def _binaries() -> Path:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - pgserver is a dependency
        raise ReplicationUnavailable(f"pgserver is not installed: {exc}") from exc
    return Path(POSTGRES_BIN_PATH)


def _run_user(bin_dir: Path) -> str | None:
    """The system user the servers run as (None: the current one, when not root)."""
    if os.geteuid() != 0:
        return None
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    try:
        pwd.getpwnam("postgres")
        user = "postgres"
    except KeyError:
        user = "pgserver"  # pgserver's own choice when it runs as root
        ensure_user_exists(user)
    # what pgserver does before running its binaries as that user
    ensure_prefix_permissions(bin_dir)
    ensure_folder_permissions(bin_dir, 0o055)
    ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
    return user


@dataclass
class ReplicaPair:
    base: Path
    bin_dir: Path
    user: str | None
    primary_port: int = 0
    standby_port: int = 0
    started: list[Path] = field(default_factory=list)

    @property
    def primary(self) -> Path:
        return self.base / "primary"

    @property
    def standby(self) -> Path:
        return self.base / "standby"

    def _run(self, exe: str, *args: str, as_server: bool = True, timeout: float = 120) -> None:
        log = self.base / "commands.log"
        with open(log, "a") as out:
            result = subprocess.run(
                [str(self.bin_dir / exe), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
                user=self.user if as_server else None,
            )
        if result.returncode != 0:
            tail = log.read_text()[-2000:]
            raise ReplicationUnavailable(f"{exe} failed ({result.returncode}): {tail}")

    def _start(self, data: Path, port: int, *extra: str) -> None:
        options = f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off " + " ".join(extra)
        self._run(
            "pg_ctl", "-D", str(data), "-l", str(self.base / f"{data.name}.log"), "-o", options, "-w", "start"
        )
        self.started.append(data)

    def start_standby(self) -> None:
        self._start(self.standby, self.standby_port, "-c hot_standby=on")

    def stop_standby(self) -> None:
        """Immediate shutdown: the replica goes away as a crashed host would. A restartpoint
        first, so that starting it again replays only what came after (not everything since the
        base backup: the suite's flushes write a lot of WAL)."""
        self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.standby_port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            "CHECKPOINT",
            as_server=False,
        )
        self._run("pg_ctl", "-D", str(self.standby), "-m", "immediate", "-w", "stop")
        self.started.remove(self.standby)

    def stop(self) -> None:
        for data in reversed(self.started):
            subprocess.run(
                [str(self.bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                user=self.user,
                timeout=60,
            )
        self.started.clear()
        shutil.rmtree(self.base, ignore_errors=True)


# Column options a patched server may carry that a stock PostgreSQL refuses (this machine's
# PostgreSQL tags every column with one): their ALTER ... SET lines are left out of the copy.
UNKNOWN_COLUMN_OPTION = re.compile(r"^ALTER TABLE ONLY .* ALTER COLUMN .* SET \(pg_attver=\d+\);$")


def _strip_unknown_options(source: Path, target: Path) -> None:
    with open(source) as src, open(target, "w") as out:
        for line in src:
            if not UNKNOWN_COLUMN_OPTION.match(line):
                out.write(line)


def start_pair(source: dict) -> ReplicaPair:
    """A primary holding a copy of the database ``source`` (a Django settings dict) and a
    streaming standby of it. The caller stops them with ``pair.stop()``."""
    bin_dir = _binaries()
    user = _run_user(bin_dir)
    base = Path(tempfile.mkdtemp(prefix="pp-replica-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    pair = ReplicaPair(
        base=base, bin_dir=bin_dir, user=user, primary_port=free_port(), standby_port=free_port()
    )
    try:
        pair._run("initdb", "-D", str(pair.primary), "--auth=trust", "-U", "postgres", "--encoding=utf8")
        # initdb --auth=trust writes the replication lines a standby needs
        pair._start(pair.primary, pair.primary_port, "-c wal_level=replica -c max_wal_senders=4")
        name = source["NAME"]
        dump, loadable = base / "source.sql", base / "load.sql"
        env_source = ["-h", source.get("HOST") or "127.0.0.1", "-U", source.get("USER") or "postgres"]
        if source.get("PORT"):
            env_source += ["-p", str(source["PORT"])]
        pair._run("pg_dump", *env_source, "--no-owner", "-f", str(dump), name, as_server=False)
        _strip_unknown_options(dump, loadable)
        target = ["-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"]
        pair._run("createdb", *target, name, as_server=False)
        pair._run(
            "psql", *target, "-q", "-v", "ON_ERROR_STOP=1", "-d", name, "-f", str(loadable), as_server=False
        )
        pair._run("pg_basebackup", *target, "-D", str(pair.standby), "-R", "-X", "stream", "-c", "fast")
        pair.start_standby()
    except BaseException:
        pair.stop()
        raise
    return pair
