"""After a batch archive is moved, the "failed before" lines name each input where it is now (h243): they printed the
stored error text, which named the old path (`archive/broken1.mp4: not a readable video ...`), while the closing
line named the new one. A moved failed row's error now names the input at its new path (the manifest's too)."""

from __future__ import annotations

from pathlib import Path

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.cli.main import main
from merstudio.execution import Backend


def _archive(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "broken1.mp4").write_bytes(bytes(range(256)) * 20)
    (folder / "broken2.mp4").write_bytes(b"not a video")


def test_failed_before_lines_name_the_moved_inputs(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _archive(tmp_path / "archive")
    assert main(["analyze", "archive", "-o", "results", "-q"]) == 2
    capsys.readouterr()
    (tmp_path / "archive").rename(tmp_path / "archive2")
    assert main(["analyze", "archive2", "-o", "results", "-q"]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("merstudio: failed before")]
    assert len(lines) == 2, err
    for ln, name in zip(lines, ("broken1.mp4", "broken2.mp4"), strict=True):
        assert f"{tmp_path / 'archive2' / name}: not a readable video" in ln, ln
        assert "archive/" not in ln
    rows = B.Manifest.read(tmp_path / "results").rows
    assert all(r.error.startswith(f"{r.video}: ") for r in rows.values()), rows


def test_a_moved_row_named_by_absolute_or_dotted_path(tmp_path: Path, monkeypatch):
    old = tmp_path / "mnt_a" / "study"
    _archive(old)
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path / "mnt_a")
    inputs = [old / "broken1.mp4", Path("../mnt_a/study/broken2.mp4")]  # named absolute, and with ../
    B.run_batch(B.plan_batch(inputs, out), AnalysisSettings(), Backend())
    new = tmp_path / "mnt_b"
    old.rename(new)
    plan = B.plan_batch([new / "broken1.mp4", new / "broken2.mp4"], out)
    assert len(plan.failed) == 2
    for row in plan.failed:
        assert row.error.startswith(f"{row.video}: not a readable video"), row.error
