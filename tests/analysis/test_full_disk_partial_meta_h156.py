"""A full disk while `analyze_file` writes its rows: the partial meta says `partial` with the rows kept (README:
`partial` "when it stops on Ctrl-C or an error"), though the disk leaves no room for an atomic write's temporary;
it said `running` (with frames_processed 0 and the dead run's pid), and `result_status` read `running`."""

import contextlib
import errno
import json

import pytest
from support.clips import write_clip
from test_result_files import _FullDisk, _whole_rows

import merstudio.analysis.files as files
from merstudio.analysis.files import analyze_file, result_status
from merstudio.errors import OutputError

N = 40


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


def test_a_full_disk_leaves_the_partial_meta_saying_partial(clip, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "FLUSH_SECONDS", 0.0, raising=False)
    fakes: list[_FullDisk] = []
    real_open, real_atomic = open, files.atomic_path

    def fake_open(path, *args, **kwargs):
        fh = real_open(path, *args, **kwargs)
        if str(path).endswith("clip.partial.csv"):
            fakes.append(_FullDisk(fh))
            return fakes[-1]
        return fh

    @contextlib.contextmanager
    def full_atomic(path, *args, **kwargs):  # once the disk is full, no new file (a temporary) can be made
        if fakes and fakes[0].full:
            raise OutputError(f"{path}: cannot write ({__import__('os').strerror(errno.ENOSPC)})")
        with real_atomic(path, *args, **kwargs) as tmp:
            yield tmp

    monkeypatch.setattr(files, "open", fake_open, raising=False)
    monkeypatch.setattr(files, "atomic_path", full_atomic)
    with pytest.raises(OutputError, match="No space left"):
        analyze_file(clip, tmp_path, "clip")
    rows = _whole_rows(tmp_path / "clip.partial.csv")
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert meta["status"] == "partial" and meta["rows"] == rows and "pid" not in meta, meta
    assert meta["frames_processed"] > 0
    assert result_status(tmp_path, "clip") == "partial"
