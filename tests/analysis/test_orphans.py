"""Children die with their parent: killing the app during an analysis, or `merstudio analyze -j 2`, leaves no
process behind (issue 14, item 7). Each test starts a real parent process, kills it with SIGKILL (no cleanup of any
kind runs in it) and checks /proc for the processes it had started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support.clips import write_clip

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")]

GONE_WITHIN = 10.0  # seconds: a dead parent's children must be gone well within this


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, start time) of a process from /proc, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the name may hold spaces and parentheses
    return int(fields[1]), fields[0], int(fields[19])


def _descendants(root: int) -> dict[int, int]:
    """pid -> start time of every living descendant of `root`."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None and st[1] not in ("Z", "X"):
                children.setdefault(st[0], []).append(int(entry))
                starts[int(entry)] = st[2]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found[child] = starts[child]
                todo.append(child)
    return found


def _alive(pid: int, started: int) -> bool:
    st = _stat(pid)
    return st is not None and st[2] == started and st[1] not in ("Z", "X")  # a zombie is dead


def _wait_gone(procs: dict[int, int], seconds: float) -> dict[int, int]:
    deadline = time.monotonic() + seconds
    while True:
        left = {p: s for p, s in procs.items() if _alive(p, s)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _kill_all(procs: dict[int, int]) -> None:
    for pid, started in procs.items():  # only the processes this test started, by pid
        if _alive(pid, started):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _describe(procs: dict[int, int]) -> str:
    out = []
    for pid in procs:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            cmd = "?"
        out.append(f"{pid}: {cmd[:120]}")
    return "; ".join(out)


_APP = textwrap.dedent("""
    import sys, time
    from merstudio.analysis.remote import ProcessAnalysis

    if __name__ == "__main__":
        remote = ProcessAnalysis(sys.argv[1])
        print("started", remote._proc.pid, flush=True)
        time.sleep(600)  # the app stops reading (it is about to be killed): the child's queue fills
""")


def test_killing_the_app_kills_its_analysis_child(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "face.avi", n=150)
    script = tmp_path / "app.py"
    script.write_text(_APP)
    parent = subprocess.Popen([sys.executable, str(script), str(clip)], stdout=subprocess.PIPE, text=True)
    procs: dict[int, int] = {}
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line.startswith("started"), line
        child = int(line.split()[1])
        time.sleep(2.0)  # the child analyses and fills its queue; nobody reads it
        procs = _descendants(parent.pid)
        assert child in procs
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        left = _wait_gone(procs, GONE_WITHIN)
        assert not left, f"left behind after the parent was killed: {_describe(left)}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
        _kill_all(procs)


def test_killing_analyze_jobs_kills_its_workers_and_they_stop_writing(tmp_path: Path) -> None:
    a = write_clip(tmp_path / "a.avi", n=300)
    b = write_clip(tmp_path / "b.avi", n=300)
    out = tmp_path / "out"
    parent = subprocess.Popen([sys.executable, "-m", "merstudio", "analyze", str(a), str(b), "-o", str(out),
                               "-j", "2", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs: dict[int, int] = {}
    partials = [out / "a.partial.csv", out / "b.partial.csv"]
    try:
        deadline = time.monotonic() + 240
        while not all(p.is_file() and p.stat().st_size > 0 for p in partials):
            assert parent.poll() is None, parent.stderr.read() if parent.stderr else ""
            assert time.monotonic() < deadline, "the workers never started writing"
            time.sleep(0.2)
        time.sleep(1.0)
        procs = _descendants(parent.pid)
        assert len(procs) >= 2, _describe(procs)
        if (out / "a.csv").exists() or (out / "b.csv").exists():
            pytest.skip("an input finished before the kill: the machine is faster than this test assumes")
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        left = _wait_gone(procs, GONE_WITHIN)
        assert not left, f"left behind after the parent was killed: {_describe(left)}"
        sizes = [p.stat().st_size for p in partials]
        time.sleep(1.0)
        assert [p.stat().st_size for p in partials] == sizes, "the partial CSVs still grow"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stderr is not None:
            parent.stderr.close()
        _kill_all(procs)
