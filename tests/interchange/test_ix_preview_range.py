"""preview_import against the video's length: an event that starts in the video and ends a little past its last
frame (ELAN's end a few ms after it) is cut at the last frame, with a note; one that starts past the end is
skipped."""

from __future__ import annotations

from pathlib import Path

from support.elan_files import spans_eaf

from merstudio.interchange import commit_import, preview_import


def _eaf(path: Path, spans: list[tuple[int, int]]) -> Path:
    return spans_eaf(path, "", spans)


def test_an_event_ending_past_the_last_frame_is_cut_there(tmp_path, project):
    """The video has 100 frames at 30 fps (0..3334 ms). 3000-3345 ms ends 11 ms past it: frames 90-99, a note;
    3200-3500 ms: 96-99; 3340-3400 ms starts past the end: skipped, named. The annotations have no apex: each gets
    the middle of its cut span, (90 + 99) // 2 = 94 and (96 + 99) // 2 = 97 (not of 90..100 and 96..104)."""
    vid = project.videos()[0].id
    prev = preview_import(project, _eaf(tmp_path / "end.eaf", [(3000, 3345), (3200, 3500), (3340, 3400)]), vid)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(90, 94, 99), (96, 97, 99)]
    cut = [n for n in prev.notes if "ends past the end of clip.mp4 (100 frames)" in n]
    assert len(cut) == 2 and "offset moved to its last frame 99" in cut[0] and "imputed apex 100 to 97" in cut[1]
    (skip,) = prev.skipped
    assert "frames 100-101" in skip.where and "starts past the end of clip.mp4" in skip.reason
    commit_import(project, prev, skip_bad=True)
    assert [(e.onset, e.offset) for e in project.events(vid)] == [(90, 99), (96, 99)]
