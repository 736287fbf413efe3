"""Analysis and analyze_file from Python: arguments of the wrong type, a missing checkpoint and an output name
that leaves the folder are refused in one line; a path is accepted as the source (opened and closed here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis.files import analyze_file
from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.errors import CheckpointError, InputError
from merstudio.io import FrameSource, open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=12, blank=range(0, 2))


def test_a_missing_checkpoint_is_a_checkpoint_error(clip: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no.pt"
    with open_source(clip) as src, pytest.raises(CheckpointError) as info:
        Analysis(src, AnalysisSettings(checkpoint=missing))
    assert str(info.value).startswith(str(missing)) and "\n" not in str(info.value)


def test_a_path_as_source_is_opened_and_closed(clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[FrameSource] = []
    real_close = type(open_source(clip)).close

    def close(self: FrameSource) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(type(open_source(clip)), "close", close)
    with open_source(clip) as src:
        expected = list(Analysis(src).rows())
    closed.clear()
    for given in (str(clip), clip):
        a = Analysis(given)
        assert isinstance(a.source, FrameSource)
        rows = list(a.rows())
        assert closed == [a.source]  # the caller did not open it: the analysis closes it
        closed.clear()
        assert [r["frame"] for r in rows] == [r["frame"] for r in expected]
        assert a.spots() is not None


def test_a_source_the_caller_opened_stays_open(clip: Path) -> None:
    with open_source(clip) as src:
        list(Analysis(src).rows())
        assert src.frame(5).shape[2] == 3


@pytest.mark.parametrize("source", [42, None, b"face.avi"])
def test_a_source_of_the_wrong_type(source: object) -> None:
    with pytest.raises(TypeError, match=r"^Analysis: source must be a FrameSource") as info:
        Analysis(source)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_settings_as_a_dict(clip: Path, tmp_path: Path) -> None:
    with open_source(clip) as src, pytest.raises(TypeError, match=r"AnalysisSettings\(\*\*d\)") as info:
        Analysis(src, {"flow": "dis"})  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    with pytest.raises(TypeError, match=r"AnalysisSettings\(\*\*d\)"):
        analyze_file(clip, tmp_path / "out", "x", settings={"flow": "dis"})  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.parametrize("name", ["../../esc", "a/b", "/tmp/esc", "..", ".", ""]
                         + (["a\\b"] if os.altsep else []))  # a backslash is a file name's character on POSIX
def test_an_output_name_that_leaves_the_folder(clip: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "o2" / "sub"
    with pytest.raises(InputError, match="output name") as info:
        analyze_file(clip, out, name)
    assert "\n" not in str(info.value)
    assert not list(tmp_path.rglob("*.csv")) and not list(tmp_path.rglob("*.json"))


def test_a_backslash_is_a_file_name_character_here(clip: Path, tmp_path: Path) -> None:
    if os.altsep:
        pytest.skip("Windows: a backslash separates folders")
    out = analyze_file(clip, tmp_path / "o", "bs\\clip")
    assert out.paths.csv.parent == tmp_path / "o" and out.paths.csv.name == "bs\\clip.csv"


def test_a_frame_folder_given_as_dot_is_named_by_the_folder(tmp_path: Path, monkeypatch) -> None:
    from merstudio.analysis.files import output_names

    (tmp_path / "frames").mkdir()
    monkeypatch.chdir(tmp_path / "frames")
    assert output_names([Path(".")]) == ["frames"]
    monkeypatch.chdir(tmp_path / "frames")
    (tmp_path / "frames" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "frames" / "sub")
    assert output_names([Path("..")]) == ["frames"]


@pytest.mark.parametrize("span", [(5, 2), (-1, 4)])
def test_a_bad_span_is_refused_before_a_path_is_opened(clip: Path, span: tuple[int, int],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import merstudio.analysis.pipeline as pipeline

    opened: list[object] = []
    monkeypatch.setattr(pipeline, "open_source", lambda p: opened.append(p) or open_source(p))
    with pytest.raises(ValueError, match=r"expected 0 <= start <= stop"):
        Analysis(clip, span=span)
    assert opened == []  # was: opened in the constructor and left open until the Analysis was dropped
