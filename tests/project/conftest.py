import numpy as np
import pytest
from project_rows import rows

from merstudio.project import Event, Project


@pytest.fixture
def video_file(tmp_path):
    p = tmp_path / "videos" / "interview.avi"
    p.parent.mkdir()
    rng = np.random.default_rng(0)
    p.write_bytes(rng.integers(0, 256, 3 * (1 << 20) + 123, dtype=np.uint8).tobytes())
    return p


@pytest.fixture
def project(tmp_path, video_file):
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        aid = proj.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        proj.append_frames(aid, rows(20))
        proj.append_frames(aid, rows(20, start=20))
        proj.finish_analysis(aid)
        proj.add_event(Event(v.id, 5, 8, 12, emotion="positive", aus="12+6", coder="ann"))
        proj.add_event(Event(v.id, 20, 22, 30, emotion="negative", aus="4+7", coder="ann", confidence=0.8))
        proj.add_event(Event(v.id, 33, 34, 36, source="model", status="proposal", model_confidence=0.4))
        yield proj


@pytest.fixture
def clip72(tmp_path):
    """A project of one 72-frame 30 fps video (id 1), no analysis, no events."""
    with Project.create(tmp_path / "study.merproj") as proj:
        proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=72, width=64, height=48)
        yield proj


@pytest.fixture
def drawn_figures(monkeypatch: pytest.MonkeyPatch) -> list:
    """The matplotlib Figures saved while the test runs, kept to look into after the drawing returned."""
    from matplotlib.figure import Figure

    drawn: list = []
    real = Figure.savefig

    def keep(fig: Figure, *args, **kwargs):  # noqa: ANN202 - Figure.savefig's own
        drawn.append(fig)
        return real(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return drawn
