"""The README's first command ends in `merstudio demo`; headless it must find the demo's events."""

import pandas as pd

from merstudio.cli.main import main
from merstudio.features.spotting import spotting_metric
from merstudio.resources import demo_truth, resources_dir


def test_demo_headless_spots_the_truth(tmp_path, capsys):
    demo = resources_dir() / "demo" / "interview.mp4"
    # committed: missing is a failure, never a skip
    assert demo.exists(), f"{demo} (committed) is missing (regenerate: scripts/make_demo.py)"
    assert main(["demo", "--headless", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "interview.csv" in out and "F1" in out
    # the portrait smiles with teeth showing all along, and its relaxed brows read AU4 (docs/aus.md): its resting
    # face, which the summary says is one, pointing at the neutral calibration
    assert "face 0: AU 4+12+25 present in over 90% of its frames, likely this person's resting face" in out
    frames = pd.read_csv(tmp_path / "interview.csv")
    assert len(frames) == 600 and frames["success"].all()
    assert (tmp_path / "interview.png").stat().st_size > 10_000
    spots = pd.read_csv(tmp_path / "interview.spots.csv")
    truth = pd.read_csv(demo_truth())
    score = spotting_metric(list(zip(spots["onset"], spots["offset"], strict=True)),
                            list(zip(truth["onset"], truth["offset"], strict=True)))
    assert score.f1 >= 0.8, score
    # each spotted true event carries the right AU suggestion
    for _, ev in truth.iterrows():
        hit = spots[(spots["onset"] <= ev["apex"]) & (spots["offset"] >= ev["apex"])]
        assert len(hit) == 1 and str(hit["aus"].iloc[0]) == str(ev["aus"]), (ev["aus"], hit)
    # each true event moves its own region of the micro-motion lane most (the demo's movements are synthetic
    # micro-warps of a photo that already smiles: they are the lane's job, too small for the learned AUs)
    region = {"12": "mouth", "4": "brows", "1+2": "brows", "14": "mouth", "15+17": "chin", "10": "mouth"}
    regions = [c for c in frames.columns if c.startswith("motion_") and c != "motion_eyes"]
    for _, ev in truth.iterrows():
        inside = frames[(frames["frame"] >= ev["onset"]) & (frames["frame"] <= ev["offset"] + 6)]
        top = inside[regions].max().idxmax()
        want = region[str(ev["aus"])]
        assert top == f"motion_{want}" or (want == "chin" and top == "motion_mouth"), (ev["aus"], top)
