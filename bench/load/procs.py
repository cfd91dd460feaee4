"""The measured processes, read from /proc: CPU time, memory, and pinning to cores.

A piece of the product can be several processes (ejabberd and its extauth
programs, PostgreSQL's postmaster and backends): each `Piece` is a root pid and
everything below it, found again at every sample so new children count too.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Piece:
    """A named process tree (`ejabberd`, `bridge`, `postgres`...)."""

    name: str
    pid: int


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces: fields start after its closing parenthesis.
    return text[text.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_of(pid: int, children: dict[int, list[int]] | None = None) -> list[int]:
    """The pid and all its descendants."""
    children = _children() if children is None else children
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pieces: list[Piece]) -> dict[str, float]:
    """CPU time (user + system) each piece has used so far."""
    children = _children()
    used: dict[str, float] = {}
    for piece in pieces:
        ticks = 0
        for pid in tree_of(piece.pid, children):
            if (fields := _stat(pid)) is not None:
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        used[piece.name] = ticks / TICKS
    return used


def rss_bytes(pid: int) -> int:
    """Resident memory of one process."""
    fields = _stat(pid)
    return int(fields[21]) * PAGE if fields else 0


def pin(pieces: list[Piece], cpus: str) -> None:
    """Run every thread of these process trees on the given cores (taskset list, e.g. `0`)."""
    children = _children()
    for piece in pieces:
        for pid in tree_of(piece.pid, children):
            subprocess.run(
                ["taskset", "-a", "-p", "-c", cpus, str(pid)], capture_output=True, check=False
            )


def pin_self(cpus: str) -> None:
    """Run this process on the given cores."""
    os.sched_setaffinity(0, _parse_cpus(cpus))


def _parse_cpus(cpus: str) -> set[int]:
    chosen: set[int] = set()
    for part in cpus.split(","):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    return chosen


def find_beam(node: str) -> int:
    """The pid of the Erlang VM running this ejabberd node."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"beam.smp") and node.encode() in argv:
            return int(entry.name)
    raise LookupError(f"no running ejabberd node {node}")


def postmaster(data_dir: Path) -> int:
    """The pid of the PostgreSQL server of this data folder."""
    return int((data_dir / "postmaster.pid").read_text().split()[0])


class Meter:
    """CPU of the pieces and of this process (the generator) over a stretch of time."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = pieces
        self._start = cpu_seconds(pieces)
        self._self = _own_cpu()
        self._wall = time.monotonic()

    def read(self) -> tuple[dict[str, float], float]:
        """CPU seconds each piece used, and the generator's share of one core (0-1)."""
        now = cpu_seconds(self.pieces)
        used = {name: now[name] - self._start[name] for name in now}
        wall = max(time.monotonic() - self._wall, 1e-9)
        return used, (_own_cpu() - self._self) / wall


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
