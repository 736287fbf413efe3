"""Results an older merstudio left in an output folder, met by today's batch (audit a102):

- a single-run result (`analyze X -o out`) of an older analysis revision refused the whole batch ("already
  exists (use --overwrite to replace it)", nothing said of the revision); it is analysed again now, as a manifest's
  row of an older revision is, and the batch says why; other options (the user's choice) are still refused, the
  refusal naming them;
- a result folder copied or moved with its video: a plain rerun wrote `clip.avi.csv` beside the old `clip.csv`,
  unsaid (only the recorded path was compared); the same content is this input's now, and the run says so;
- a result from before revisions were recorded read "analysis revision None -> N, --max-faces" (4 recorded, today's
  default None, which is 4 for a video): "not recorded", and the effective face limit compared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis.files import analyze_file
from merstudio.analysis.pipeline import ANALYSIS_REVISION, AnalysisSettings
from merstudio.errors import OutputError

S = AnalysisSettings()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Path]:
    """A clip and its single-run result (`a` in out), made once: tests copy them."""
    root = tmp_path_factory.mktemp("made")
    clip = write_clip(root / "a.avi", n=10)
    analyze_file(clip, root / "out", "a", S)
    return clip, root / "out"


def _copy(made: tuple[Path, Path], where: Path, **meta: object) -> tuple[Path, Path]:
    """The clip and its result folder copied to `where` (the meta's input_path left naming the original), with
    `meta`'s keys set (None: removed) as an older merstudio wrote them."""
    clip, out = made
    where.mkdir()
    shutil.copy(clip, where / clip.name)
    shutil.copytree(out, where / "out")
    path = where / "out" / "a.meta.json"
    data = json.loads(path.read_text())
    for k, v in meta.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    path.write_text(json.dumps(data))
    return where / clip.name, where / "out"


def _revision(out: Path) -> object:
    return json.loads((out / "a.meta.json").read_text()).get("analysis_revision")


def test_a_batch_analyses_a_single_run_result_of_an_older_revision_again(made, tmp_path: Path) -> None:
    clip, out = _copy(made, tmp_path / "x", analysis_revision=ANALYSIS_REVISION - 1)
    said: list[str] = []
    plan = B.plan_batch([clip], out, settings=S, notice=said.append)  # refused the whole batch before
    assert [(it.name, it.overwrite) for it in plan.items] == [("a", True)]
    assert plan.changed_text().endswith(f"analysis revision {ANALYSIS_REVISION - 1} -> {ANALYSIS_REVISION}")
    assert any("made from" in line and str(made[0]) in line for line in said), said  # copied with its video
    B.run_batch(plan, S, B.execution.backend_from_args(1, None))
    assert _revision(out) == ANALYSIS_REVISION and sorted(p.name for p in out.glob("a*.csv")) == ["a.csv",
                                                                                                  "a.spots.csv"]
    assert B.Manifest.read(out).rows[B.Manifest.key(clip)].status == "done"


def test_other_options_are_still_refused_and_the_refusal_names_them(made, tmp_path: Path) -> None:
    clip, out = _copy(made, tmp_path / "x")
    with pytest.raises(OutputError, match=r"already exists, a result of this input made with other settings "
                                          r"\(--landmarks\); use --overwrite"):
        B.plan_batch([clip], out, settings=AnalysisSettings(landmarks=True))


def test_a_result_folder_moved_with_its_video_is_this_inputs(made, tmp_path: Path) -> None:
    clip, out = _copy(made, tmp_path / "moved")
    said: list[str] = []
    # a plain run: the same name (not a.avi beside a), refused as any existing result, and said whose it is
    with pytest.raises(OutputError, match="a.csv: already exists"):
        B.plain_plan([clip], out, False, notice=said.append, settings=S)
    assert any(str(made[0]) in line and "same content" in line for line in said), said
    assert B.plain_plan([clip], out, True, settings=S).items[0].name == "a"
    # a batch adopts it (today's revision, the same settings)
    plan = B.plan_batch([clip], out, settings=S)
    assert plan.items == [] and len(plan.adopted) == 1 and plan.adopted[0].output == "a"
    # an older revision in a plain run: the refusal says so
    clip2, out2 = _copy(made, tmp_path / "older", analysis_revision=ANALYSIS_REVISION - 1)
    with pytest.raises(OutputError, match=f"made by an older merstudio \\(analysis revision {ANALYSIS_REVISION - 1}"):
        B.plain_plan([clip2], out2, False, settings=S)


def test_a_result_before_revisions_were_recorded_reads_not_recorded_and_the_face_limit_is_compared(
        made, tmp_path: Path) -> None:
    clip, out = _copy(made, tmp_path / "x", analysis_revision=None)
    data = json.loads((out / "a.meta.json").read_text())
    data["settings"]["max_faces"] = 4  # the default an older merstudio wrote out: 4 in a video
    (out / "a.meta.json").write_text(json.dumps(data))
    assert B.settings_changes(out, "a", clip, S) == [f"analysis revision not recorded -> {ANALYSIS_REVISION}"]
    assert B.settings_changes(out, "a", clip, AnalysisSettings(max_faces=2))[1:] == ["--max-faces"]
    data["frame_count"] = 1  # a photo: the default limit is 16, not 4
    (out / "a.meta.json").write_text(json.dumps(data))
    assert "--max-faces" in B.settings_changes(out, "a", clip, S)
