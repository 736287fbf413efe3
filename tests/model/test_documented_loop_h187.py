"""docs/model.md's FramePredictor loop ("The app's numbers") asks the frames the app asks, with the app's
probabilities: the one documented before pushed the aligned face alone, without the blink, pose and covered parts
the analysis passes, and read a real clip's blink as surprise at p .78 where the app did not ask (audit a91
finding 4). The snippet is run as written, with the bundled starter model, on the bundled demo's blink (frames
250-300, cut to a clip of their own): the old loop asked 6 of its frames there, the app none."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np

from merstudio.analysis import AnalysisSettings, frame_table
from merstudio.io import open_source

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "resources" / "models" / "starter.pt"
DEMO = ROOT / "resources" / "demo" / "interview.mp4"


def _snippet() -> str:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    after = text[text.index("**The app's numbers.**"):]
    found = re.search(r"```python\n(.*?)```", after, re.S)
    assert found, "docs/model.md: no python block after 'The app's numbers'"
    return found.group(1)


def test_the_documented_loop_gives_the_apps_numbers(tmp_path) -> None:
    for resource in (STARTER, DEMO):
        assert resource.is_file(), f"{resource}: a committed resource is missing"
    clip = tmp_path / "blink.avi"
    with open_source(DEMO) as src:
        out = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), src.fps, src.size)
        for _, rgb in src.iter_frames(250, 300):
            out.write(rgb[:, :, ::-1])
        out.release()
    code = _snippet().replace('"model.pt"', repr(str(STARTER))).replace('"interview.mp4"', repr(str(clip)))
    scope: dict = {}
    exec(compile(code, "docs/model.md", "exec"), scope)  # noqa: S102 - the documented snippet, as a reader runs it
    mine = {p.frame_index: p.probs for p in scope["predictions"]}

    df = frame_table(clip, AnalysisSettings(checkpoint=str(STARTER)))
    names = [f"p_{c}" for c in scope["meta"]["class_names"]]
    app = {int(r.frame): np.array([getattr(r, c) for c in names], float) for r in df[["frame", *names]].itertuples()
           if r.frame in mine}
    assert sorted(app) == sorted(mine) and len(mine) == 50 and df["blink"].sum() > 0
    asked = [f for f in mine if np.isfinite(mine[f]).all()]
    assert asked == [f for f in app if np.isfinite(app[f]).all()]  # the same frames asked
    for f in asked:
        np.testing.assert_allclose(mine[f], app[f], atol=1e-3)
