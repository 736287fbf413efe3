"""A notebook shows an Analysis in a few lines: its source, counts and settings, not every face's track record and
signal arrays (the dataclass's repr was 8 KB after a 72-frame run; audit a91 finding 6)."""

from __future__ import annotations

from support.clips import write_clip

from merstudio.analysis import Analysis


def test_the_repr_says_the_source_and_counts(tmp_path) -> None:
    clip = write_clip(tmp_path / "clip.avi", n=12)
    run = Analysis(str(clip))
    before = repr(run)
    list(run.rows())
    text = repr(run)
    assert run.tracks and run.portraits  # what the old repr printed in full
    assert len(text) < 600 and "\n" not in text and "array" not in text
    assert "12 frames done, 1 face," in text and "clip.avi" in text and "settings=AnalysisSettings(" in text
    assert "not run yet" in before and "clip.avi" in before
