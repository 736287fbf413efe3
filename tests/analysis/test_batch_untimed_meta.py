"""A rerun opens a video to learn its rate only where its result says its frames had no times: the meta's
`seek_trouble`, or in a meta without it the reader's warning line that says so, not any line (or file name) that
holds the words."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from merstudio.analysis import batch as B
from merstudio.analysis.files import output_paths
from merstudio.analysis.pipeline import ANALYSIS_REVISION, AnalysisSettings


@pytest.mark.parametrize(("extra", "opened"), [
    ({"warnings": ["{v}: the video has no frame timestamps; timestamps assume the 24 fps its h264 stream states "
                   "(--fps sets another rate); random access decodes from the start (re-encode it for fast "
                   "seeking)"]}, True),  # a meta written before `seek_trouble`
    ({"warnings": ["{v}: the file says 300 frames, 298 can be decoded (an edit list that skips stored frames, or a "
                   "cut-off end); all 298 are used"]}, False),  # its folder's name holds the words, not the line
    ({"seek_trouble": "no frame timestamps", "warnings": []}, True),
    ({"seek_trouble": "variable frame rate", "warnings": []}, False),
    ({"seek_trouble": None, "warnings": ["{v}: the video has no frame timestamps; timestamps assume 25 fps"]}, False),
])
def test_a_rerun_opens_the_video_only_where_its_frames_had_no_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    extra: dict, opened: bool) -> None:
    out = tmp_path / "out"
    out.mkdir()
    video = tmp_path / "no frame timestamps" / "v.mp4"  # a folder named after the words of the warning
    video.parent.mkdir()
    video.write_bytes(b"x")
    settings = AnalysisSettings()
    meta = {"analysis_revision": ANALYSIS_REVISION, "settings": asdict(settings), "format": "csv", "fps": 30.0,
            "faces": [0], **extra}
    meta["warnings"] = [w.format(v=video) for w in meta["warnings"]]
    output_paths(out, "v").meta.write_text(json.dumps(meta))
    asked: list[Path] = []
    monkeypatch.setattr(B, "folder_fps", lambda path, fps: asked.append(Path(path)) or None)
    assert B.settings_changes(out, "v", video, settings) == []
    assert asked == ([video] if opened else [])
