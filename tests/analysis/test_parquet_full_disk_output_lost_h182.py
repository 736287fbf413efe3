"""A full disk under `--format parquet` raises `OutputLost`, as the CSV writer does, so callers (a batch stops at
the first lost output) know it by its type, not only by `lost_output` finding "No space left" in its text; the
messages stay as they were (test_full_disk_parquet_frames_kept_h177 checks their wording)."""

import errno
import resource
import signal

import pytest
from support.clips import write_clip
from test_full_disk_parquet_frames_kept_h177 import parquet_disk_fills

from merstudio.analysis.files import OutputLost, analyze_file, lost_output
from merstudio.analysis.outputs import ParquetRowWriter
from merstudio.errors import OutputError


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=12)


def test_a_full_disk_under_analyze_parquet_raises_output_lost(clip, tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, 3, torn=True)
    with pytest.raises(OutputLost, match="No space left") as err:
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    assert lost_output(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(("groups", "torn", "said"), [
    (1, False, "it keeps the 1 rows written before"),  # a row group refused whole
    (None, True, "the 3 rows written before are lost"),  # no room for the footer
], ids=["refused-row-group", "footer"])
def test_every_full_disk_of_the_parquet_writer_is_output_lost(tmp_path, monkeypatch, groups, torn, said):
    parquet_disk_fills(monkeypatch, groups, torn=torn)
    w = ParquetRowWriter(tmp_path / "x.parquet", ["frame"])
    with pytest.raises(OutputLost, match="No space left") as err:
        w.write_all({"frame": i} for i in range(3))
        w.close()
    assert said in str(err.value), str(err.value)


def test_the_file_size_limit_of_a_real_file_raises_output_lost(tmp_path):
    """pyarrow's own file output (no Python sink) keeps the errno: EFBIG past `ulimit -f`."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    w = ParquetRowWriter(tmp_path / "x.parquet", ["frame", "x"])
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, old_limit[1]))
        with pytest.raises(OutputLost, match="too large"):
            w.write_all({"frame": i, "x": i * 0.123456789} for i in range(50_000))
            w.close()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert w.failed


def test_any_other_write_failure_stays_a_plain_output_error(tmp_path, monkeypatch):
    """Not every failed write is a lost output: a batch goes on to its next input after one of those."""
    import pyarrow.parquet as pq

    class Refusing(pq.ParquetWriter):  # type: ignore[misc, valid-type]
        def write_table(self, table, *args, **kwargs):
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(pq, "ParquetWriter", Refusing)
    w = ParquetRowWriter(tmp_path / "x.parquet", ["frame"])
    with pytest.raises(OutputError, match="Input/output error") as err:
        w.write_all([{"frame": 0}])
        w.close()
    assert type(err.value) is OutputError and not lost_output(err.value)
