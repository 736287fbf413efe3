"""`merstudio analyze` and output URLs' staging folders (`$TMPDIR/merstudio-staging/<hash>/`): a run removes those
that stopped or killed runs left and nobody has used for a day (saying so in one line), and the line after a Ctrl-C
to a URL says its partial files are in that folder, not published, and how long they stay."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from support.cli_run import run
from support.clips import write_clip
from support.staging import DAY, left_staging, own_tmpdir

from merstudio.analysis.outputs import staging_dir, staging_root


@pytest.fixture
def tmpdir_here(tmp_path, monkeypatch):
    return own_tmpdir(tmp_path, monkeypatch)


def test_analyze_removes_them_and_says_so(tmpdir_here, tmp_path, capsys):
    old = left_staging("s3://b/old", 2 * DAY)
    clip = write_clip(tmp_path / "a.avi", n=3)
    code, _, err = run(capsys, "analyze", clip, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    assert not old.exists()
    assert f"removed 1 staging folder(s) that stopped runs to output URLs left unused for a day (0.0 MB of " \
           f"partial rows, never published) in {staging_root()}" in err


def test_the_interrupted_line_to_a_url_says_where_the_partial_files_are(tmpdir_here):
    from merstudio.cli.analyze import _interrupt_line

    url = "s3://bucket/results"
    files = [staging_dir(url) / "clip.partial.csv"]
    result = SimpleNamespace(outputs=[], partial_files=files, not_started=0, split_stopped=[])
    line = _interrupt_line(result, None, url)
    assert line.endswith(f"partial files: {files[0]} (not published: in {url}'s local staging folder "
                         f"{staging_dir(url)}, kept until a run to that URL completes, or a day unused)"), line
    assert "not published" not in _interrupt_line(result, None, None)  # a local folder: as before
