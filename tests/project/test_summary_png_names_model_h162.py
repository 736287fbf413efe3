"""The project summary PNG names merstudio (``Software``) and, in its Description, the checkpoint behind the video's
class curves and proposals (its name and SHA-256's start, project.analyses.model_text); a partial analysis keeps
its note there too. A re-export writes the same bytes (no date in the chunks)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from merstudio import __version__
from merstudio.project.export import export_summary


def _text(png: Path) -> dict[str, str]:
    with Image.open(png) as im:
        im.load()
        return dict(im.text)


def test_summary_png_names_merstudio_and_the_model(project, tmp_path) -> None:
    aid = project.begin_analysis(1, {"model_identity": {"name": "ck.pt", "sha256": "0123456789abcdef" * 4}},
                                 model="/elsewhere/ck.pt")
    project.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                                 "AU12_r": 0.1 * f, "p_positive": 0.5} for f in range(40)])
    project.finish_analysis(aid)
    _, png = export_summary(project, 1, tmp_path / "s.csv", tmp_path / "s.png")
    assert _text(png) == {"Software": f"merstudio {__version__}", "Description": "model: ck.pt (0123456789ab)"}
    _, again = export_summary(project, 1, tmp_path / "t.csv", tmp_path / "t.png")
    assert again.read_bytes() == png.read_bytes()


def test_summary_png_without_a_model_names_merstudio_only(project, tmp_path) -> None:
    _, png = export_summary(project, 1, tmp_path / "s.csv", tmp_path / "s.png")
    assert _text(png) == {"Software": f"merstudio {__version__}"}
