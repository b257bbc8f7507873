"""What the benchmarks read of a server's processes from /proc: CPU time (user + system,
the figure a busy machine blurs least) and proportional set size (PSS: a page shared by
n processes counts 1/n in each, so a tree's PSS is what it holds in memory)."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (None once it is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far; 0 once it is gone."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_pids(root: int) -> list[int]:
    """The process `root` and its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(int(stat.parent.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_cpu_seconds(root: int) -> float:
    """CPU time used so far by `root` and its descendants (a server and its workers)."""
    return sum(process_cpu_seconds(pid) for pid in tree_pids(root))


def tree_pss_mb(root: int) -> tuple[float, list[float]]:
    """The PSS in MB of `root` and its descendants, and each one's (`root` first)."""
    each = []
    for pid in tree_pids(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                each.append(int(line.split()[1]) / 1024)
    return sum(each), each
