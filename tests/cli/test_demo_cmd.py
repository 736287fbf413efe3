"""The README's first command ends in `merstudio demo`; headless it must find the demo's events."""

import pandas as pd
import pytest

from merstudio.cli.main import main
from merstudio.features.spotting import spotting_metric
from merstudio.resources import demo_truth, resources_dir

pytestmark = pytest.mark.skipif(not (resources_dir() / "demo" / "interview.mp4").exists(),
                                reason="demo clip not generated")


def test_demo_headless_spots_the_truth(tmp_path, capsys):
    assert main(["demo", "--headless", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "interview.csv" in out and "F1" in out
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
    # each true event's own AUs peak inside it (the AU table, not only the motion signal, is right)
    for _, ev in truth.iterrows():
        inside = frames[(frames["frame"] >= ev["onset"]) & (frames["frame"] <= ev["offset"])]
        for au in str(ev["aus"]).split("+"):
            col = f"AU{int(au):02d}_r"
            assert inside[col].max() >= 0.5 * frames[col].max(), (ev["aus"], col)
