"""`merstudio project show` prints what the store holds without loading the analysis libraries: no pandas, OpenCV,
merstudio.features or the analysis pipeline (importing them was most of its time on a big project: 1.4-5 s, h177),
and its events per coder are counted by SQLite, not read one by one. A frame-folder clip's frames are listed
without OpenCV (merstudio.io.listing, h218)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from merstudio.project import Event, Project

# the face package's mesh names (merstudio.face.landmarks, read by the store) are light; its tracker, detector and
# aligner load OpenCV and MediaPipe
HEAVY = ("pandas", "cv2", "mediapipe", "merstudio.features", "merstudio.analysis.pipeline", "merstudio.face.align",
         "merstudio.face.detector", "merstudio.face.tracker")
SHOW = ("import sys, json; from merstudio.cli.main import main; rc = main(['project', 'show', sys.argv[1]]); "
        f"print(json.dumps([rc, [m for m in {HEAVY!r} if m in sys.modules]]))")


def test_show_loads_no_analysis_library(tmp_path: Path) -> None:
    video = tmp_path / "interview.avi"
    video.write_bytes(b"\0" * 4096)
    clip = tmp_path / "EP02_01f"  # a frame-folder clip: its frames are listed (h218: the listing imported OpenCV)
    clip.mkdir()
    for k in range(3):
        (clip / f"img{k + 1}.jpg").write_bytes(bytes([k]) * 64)
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        vid = p.add_video(video, fps=30.0, frame_count=40, width=64, height=64).id
        p.add_video(clip, fps=200.0, frame_count=3, width=64, height=64)
        run = p.begin_analysis(vid, {"revision": 1})
        p.append_frames(run, [{"frame": i, "face_id": i // 20, "timestamp": i / 30.0, "confidence": 1.0,
                               "success": 1} for i in range(40)])
        p.finish_analysis(run)
        for k, coder in enumerate(("ann", "ann", "bob", "")):
            p.add_event(Event(vid, 2 * k, 2 * k + 1, 2 * k + 2, coder=coder))
    res = subprocess.run([sys.executable, "-c", SHOW, str(proj)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    *shown, last = res.stdout.splitlines()
    rc, loaded = json.loads(last)
    assert rc == 0 and loaded == [], loaded
    text = "\n".join(shown)
    assert f"  path: {clip}" in shown, text  # there, by its frames
    assert "  faces: 0 (20 frames, 0-19), 1 (20 frames, 20-39)" in text
    assert "analysis revision 1 (none recorded" not in text and "analysis revision 1 (this version's: " in text
    assert [ln for ln in shown if ln.startswith("  events")] == [
        "  events by (no coder): 1 accepted", "  events by ann: 2 accepted", "  events by bob: 1 accepted", "  events: none"]
