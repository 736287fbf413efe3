"""A split run stopped part-way leaves its segments' rows hidden in `<out>/.segments/<name>/`; a later complete
result of that name (an unsplit run) replaces them, so they go with the other partial files (only that name's
and that folder's). They stayed, as large as the rows done, until a split run of that name."""

import pytest
from support.clips import write_clip

from merstudio.analysis.files import SEGMENTS_DIR, analyze_file, output_paths


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=12)


def _segment(out, name):
    work = output_paths(out, name).segments
    work.mkdir(parents=True)
    (work / "segment_000000000_000001800.csv").write_text("frame,face_id\n0,-1\n")
    return work


def test_a_complete_result_removes_its_own_segments_only(clip, tmp_path):
    mine, other = _segment(tmp_path, "clip"), _segment(tmp_path, "other")
    assert mine == tmp_path / SEGMENTS_DIR / "clip"
    elsewhere = _segment(tmp_path / "elsewhere", "clip")
    assert analyze_file(clip, tmp_path, "clip").complete
    assert not mine.exists()
    assert (other / "segment_000000000_000001800.csv").is_file()  # another result's
    assert (elsewhere / "segment_000000000_000001800.csv").is_file()  # another folder's


def test_the_last_ones_take_the_hidden_folder_with_them(clip, tmp_path):
    _segment(tmp_path, "clip")
    assert analyze_file(clip, tmp_path, "clip").complete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.csv", "clip.meta.json", "clip.spots.csv"]
