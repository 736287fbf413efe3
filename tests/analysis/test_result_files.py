"""Result files of `analyze_file` under faults: a second writer, a kill during --overwrite, a rerun after an
interrupted run, a full disk, the umask and leftover temporaries (issue 14, items 1-4 and 11)."""

import contextlib
import csv
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from support.clips import write_clip

import merstudio.analysis.files as files
from merstudio.analysis.files import analyze_file
from merstudio.atomic import atomic_path
from merstudio.errors import OutputError

N = 40


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


def _frames(path):
    with open(path, newline="") as fh:
        return [int(r["frame"]) for r in csv.DictReader(fh)]


def _whole_rows(path):
    """Every line has the header's number of fields and the file ends with a line end."""
    text = path.read_text()
    assert text.endswith("\n"), "the last row is cut"
    rows = list(csv.reader(text.splitlines()))
    assert all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
    return len(rows) - 1


def test_a_second_writer_of_one_result_is_refused_and_the_first_is_not_mixed(clip, tmp_path):
    """Item 1: two analyses of one name into one folder. The second is refused with one line naming the result
    and the first writer's pid; the first's CSV holds its own frames once each."""
    paused, go = threading.Event(), threading.Event()
    first: dict = {}

    def hold(done, total):
        # progress counts rows delivered, jumping when a batch leaves (h295): the first count at or past 10
        if done >= 10 and not paused.is_set():
            paused.set()
            go.wait(60)

    def run_first():
        try:
            first["result"] = analyze_file(clip, tmp_path, "clip", progress=hold)
        except BaseException as exc:  # noqa: BLE001 - reported below
            first["error"] = exc

    t = threading.Thread(target=run_first)
    t.start()
    try:
        assert paused.wait(120), first
        with pytest.raises(OutputError) as refused:
            analyze_file(clip, tmp_path, "clip")
    finally:
        go.set()
        t.join(120)
    msg = str(refused.value)
    assert "\n" not in msg
    assert msg.startswith(f"{tmp_path / 'clip.csv'}: another merstudio analyze is writing this result "
                          f"(pid {os.getpid()})"), msg
    assert "error" not in first, first
    assert first["result"].complete
    assert _frames(tmp_path / "clip.csv") == list(range(N))
    assert json.loads((tmp_path / "clip.meta.json").read_text())["rows"] == N
    assert not (tmp_path / "clip.lock").exists()  # the claim is released with the run


def test_second_cli_process_is_refused_while_the_result_is_claimed(clip, tmp_path):
    """Item 1 across processes: a real `merstudio analyze` finds the claim (an OS lock on <name>.lock) held by
    another process and stops with one line, touching nothing."""
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / "face.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"{os.getpid()}\n".encode())
        r = subprocess.run([sys.executable, "-m", "merstudio", "analyze", str(clip), "-o", str(out), "-q",
                            "--overwrite"], capture_output=True, text=True, timeout=300)
    finally:
        os.close(fd)
    err = r.stderr.strip().splitlines()
    assert r.returncode != 0
    assert len(err) == 1 and "another merstudio analyze is writing this result" in err[0], err
    assert f"(pid {os.getpid()})" in err[0] and "face.csv" in err[0]
    assert sorted(p.name for p in out.iterdir()) == ["face.lock"]


KILL_AT = 30  # past the AU estimator's batch (8) and its wait for the frames that tell a blink (13 at 25 fps)
_KILLER = """
import os, signal, sys
from pathlib import Path
import merstudio.analysis.files as files
from merstudio.analysis.files import analyze_file

# rows reach the partial on every write: at the default 0.5 s a quiet machine analyses the 15 frames before the
# first flush, and the kill then found no rows at all
files.FLUSH_SECONDS = 0.0

def progress(done, total):  # the first count at or past it: progress jumps when a batch of rows leaves
    if done >= int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

analyze_file(Path(sys.argv[1]), Path(sys.argv[2]), "clip", progress=progress)
"""


def test_overwrite_then_kill_keeps_the_old_complete_result_and_its_meta(clip, tmp_path):
    """Item 2: a rerun (--overwrite) killed with SIGKILL leaves the earlier complete result and its meta as they
    were; the meta always describes the CSV beside it."""
    done = analyze_file(clip, tmp_path, "clip")
    assert done.complete
    before = {n: (tmp_path / n).read_bytes() for n in ("clip.csv", "clip.spots.csv", "clip.meta.json")}
    meta = json.loads(before["clip.meta.json"])
    assert meta["status"] == "complete" and meta["csv"] == "clip.csv"

    r = subprocess.run([sys.executable, "-c", _KILLER, str(clip), str(tmp_path), str(KILL_AT)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert {n: (tmp_path / n).read_bytes() for n in before} == before
    assert meta["rows"] == N  # the meta records what its CSV holds
    # the killed run's rows are in the partial (whole rows only), described by its own meta
    # (progress counts rows delivered, h295: killed at the first count at or past KILL_AT, up to all N rows are
    # in the partial, the result not yet published)
    assert 0 < _whole_rows(tmp_path / "clip.partial.csv") <= N
    running = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert running["csv"] == "clip.partial.csv" and running["status"] == "running" and running["rows"] is None

    # the next run is not blocked by the dead run's lock file and replaces everything at its end
    again = analyze_file(clip, tmp_path, "clip")
    assert again.complete and _frames(tmp_path / "clip.csv") == list(range(N))
    meta = json.loads((tmp_path / "clip.meta.json").read_text())
    assert meta["status"] == "complete" and meta["rows"] == N
    assert meta["csv_bytes"] == (tmp_path / "clip.csv").stat().st_size
    assert not (tmp_path / "clip.partial.csv").exists() and not (tmp_path / "clip.partial.meta.json").exists()


def test_cancelled_overwrite_keeps_the_old_result(clip, tmp_path):
    """Item 2, the polite stop: a cancelled rerun does not touch the complete result or its meta."""
    analyze_file(clip, tmp_path, "clip")
    before = {n: (tmp_path / n).read_bytes() for n in ("clip.csv", "clip.spots.csv", "clip.meta.json")}
    seen = []
    cut = analyze_file(clip, tmp_path, "clip", cancel=lambda: len(seen) >= 12, progress=lambda d, n: seen.append(d))
    assert not cut.complete and cut.csv.name == "clip.partial.csv"
    assert {n: (tmp_path / n).read_bytes() for n in before} == before
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert meta["status"] == "partial" and meta["rows"] == _whole_rows(tmp_path / "clip.partial.csv")


def test_a_rerun_keeps_the_partial_of_an_interrupted_run_until_it_completes(clip, tmp_path):
    """Item 3: the partial of an interrupted run is kept (as <name>.previous.partial.csv) and the rerun says so in
    one line; a complete result replaces it, another interruption does not."""
    seen: list[int] = []
    analyze_file(clip, tmp_path, "clip", cancel=lambda: len(seen) >= 20, progress=lambda d, n: seen.append(d))
    old = (tmp_path / "clip.partial.csv").read_bytes()
    assert _whole_rows(tmp_path / "clip.partial.csv") >= 10

    notes: list[str] = []
    seen.clear()
    analyze_file(clip, tmp_path, "clip", cancel=lambda: len(seen) >= 5, progress=lambda d, n: seen.append(d),
                 notice=notes.append)
    assert len(notes) == 1 and "\n" not in notes[0], notes
    assert "clip.partial.csv" in notes[0] and "clip.previous.partial.csv" in notes[0], notes
    assert (tmp_path / "clip.previous.partial.csv").read_bytes() == old
    prev_meta = json.loads((tmp_path / "clip.previous.partial.meta.json").read_text())
    assert prev_meta["csv"] == "clip.previous.partial.csv"
    # the spots moved with the rows; clip.spots.partial.csv is the new run's now
    assert prev_meta["spots_csv"] == "clip.previous.spots.partial.csv"
    assert (tmp_path / prev_meta["spots_csv"]).is_file()
    assert _whole_rows(tmp_path / "clip.partial.csv") <= 5

    notes.clear()
    done = analyze_file(clip, tmp_path, "clip", notice=notes.append)
    assert done.complete and _frames(tmp_path / "clip.csv") == list(range(N))
    assert len(notes) == 1  # the second run's partial was set aside (replacing the first's) ...
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["clip.csv", "clip.meta.json", "clip.spots.csv"], left  # ... and the complete result ends both


def test_cli_says_it_keeps_an_interrupted_partial(clip, tmp_path, capsys):
    from merstudio.cli.main import main

    out = tmp_path / "out"
    out.mkdir()
    (out / "face.partial.csv").write_text("frame,face_id\n0,-1\n")
    assert main(["analyze", str(clip), "-o", str(out), "-q"]) == 0
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and "face.partial.csv" in err[0] and "face.previous.partial.csv" in err[0], err
    assert _frames(out / "face.csv") == list(range(N))
    assert not (out / "face.previous.partial.csv").exists()  # replaced by the complete result


class _FullDisk:
    """A file object whose disk fills up after the header and a few rows' worth of bytes (five header lengths): the
    write that crosses that stores only part of its data, then fails as a full disk does; so do all later ones."""

    def __init__(self, fh):
        self._fh, self.written, self.limit, self.full = fh, 0, None, False

    def write(self, data):
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        if self.limit is None:
            self.limit = 5 * len(data)
        if self.written + len(data) > self.limit:
            self.full = True
            self._fh.write(data[: max(1, self.limit - self.written)])
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._fh.__exit__(*exc)


def disk_fills_in_rows(monkeypatch, stem: str = "clip", temporaries: bool = False) -> list[_FullDisk]:
    """From now on `files` writes every row as it comes, and the partial CSV of `stem` fills the disk a few rows in
    (_FullDisk; the list holds it once opened). ``temporaries``: once full, no new file (an atomic write's
    temporary) can be made either, as on a real full disk."""
    monkeypatch.setattr(files, "FLUSH_SECONDS", 0.0, raising=False)  # write every row as it comes
    fakes: list[_FullDisk] = []
    real_open, real_atomic = open, files.atomic_path

    def fake_open(path, *args, **kwargs):
        fh = real_open(path, *args, **kwargs)
        if str(path).endswith(f"{stem}.partial.csv"):
            fakes.append(_FullDisk(fh))
            return fakes[-1]
        return fh

    @contextlib.contextmanager
    def full_atomic(path, *args, **kwargs):
        if fakes and fakes[0].full:
            raise OutputError(f"{path}: cannot write ({os.strerror(errno.ENOSPC)})")
        with real_atomic(path, *args, **kwargs) as tmp:
            yield tmp

    monkeypatch.setattr(files, "open", fake_open, raising=False)
    if temporaries:
        monkeypatch.setattr(files, "atomic_path", full_atomic)
    return fakes


def test_a_full_disk_never_leaves_a_torn_row(clip, tmp_path, monkeypatch):
    """Item 4: an OSError in the middle of a write leaves the partial CSV ending with its last whole row, and the
    error is one line naming the file."""
    fakes = disk_fills_in_rows(monkeypatch)
    with pytest.raises((OSError, OutputError)) as err:  # an OutputError: checked below, after the rows
        analyze_file(clip, tmp_path, "clip")
    assert fakes and fakes[0].full
    rows = _whole_rows(tmp_path / "clip.partial.csv")
    assert 0 < rows < N
    assert _frames(tmp_path / "clip.partial.csv") == list(range(rows))
    assert isinstance(err.value, OutputError), repr(err.value)
    assert "clip.partial.csv" in str(err.value) and "No space left" in str(err.value) and "\n" not in str(err.value)


def test_results_honour_the_umask_and_old_temporaries_are_removed(clip, tmp_path):
    """Item 11: result files get the umask's permissions (0644 under umask 022), not mkstemp's 0600; hidden
    temporaries a killed run left beside this result's files are removed by the next run (others stay)."""
    old = time.time() - 3600
    stale = [tmp_path / ".clip.csv.k3j2h1.part", tmp_path / ".clip.meta.json.x8y7z6.part",
             tmp_path / ".clip.spots.csv.q1w2e3.part"]
    other = tmp_path / ".clip.mp4.csv.a1b2c3.part"  # another result's (clip.mp4): not ours to remove
    for p in (*stale, other):
        p.write_text("half")
        os.utime(p, (old, old))
    mask = os.umask(0o022)
    try:
        analyze_file(clip, tmp_path, "clip")
        with atomic_path(tmp_path / "export.csv") as tmp:
            tmp.write_text("a\n")
    finally:
        os.umask(mask)
    for name in ("clip.csv", "clip.spots.csv", "clip.meta.json", "export.csv"):
        assert oct((tmp_path / name).stat().st_mode & 0o777) == oct(0o644), name
    assert not any(p.exists() for p in stale)
    assert other.exists()



def test_agreement_tables_honour_the_umask(tmp_path):
    """Item 11 for the other result tables written beside atomic.py: the agreement report's CSVs."""
    from merstudio.agreement import agreement_from_events
    from merstudio.project import Event

    rep = agreement_from_events([Event(1, 0, 2, 4, aus="12", coder="ann"), Event(1, 0, 2, 4, aus="12", coder="bob")])
    mask = os.umask(0o022)
    try:
        paths = rep.write_csv(tmp_path)
    finally:
        os.umask(mask)
    assert paths and all(oct(p.stat().st_mode & 0o777) == oct(0o644) for p in paths), \
        [(p.name, oct(p.stat().st_mode & 0o777)) for p in paths]


def test_spots_are_labelled_with_the_models_class_names(tmp_path):
    from merstudio.analysis.files import SpotRow, label_spots

    rows = tmp_path / "rows.csv"
    rows.write_text("frame,face_id,success,p_happily_surprised,p_none\n"
                    + "".join(f"{f},0,1,0.8,0.2\n" for f in range(6)))
    spot = SpotRow(0, 1, 3, 5, 1.0, 0.0, 0.03, 0.17)
    labelled = label_spots(rows, [spot], ["happily surprised", "none"])
    assert labelled[0] is not None and labelled[0].emotion == "happily surprised"
