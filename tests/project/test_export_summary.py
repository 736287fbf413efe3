"""The summary report: nothing written when either of its paths is refused, counts written as integers, and its
events counted per coder (two coders coding one expression are not two expressions of twice the duration)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.errors import OutputError
from merstudio.project import Event
from merstudio.project.export import export_summary, summary_data, write_summary


def _rows(path, face: str = "0") -> dict[tuple[str, str, str], float | None]:
    """The video's rows (face empty) and those of ``face`` ("all": pooled over the faces), by measure, category
    and coder; an empty value None."""
    s = pd.read_csv(path, keep_default_na=False, dtype=str)
    return {(m, c, k): float(v) if v else None for m, c, v, k, f in
            zip(s["measure"], s["category"], s["value"], s["coder"], s["face"], strict=True) if f in ("", face)}


def test_a_csv_path_that_is_a_folder_writes_no_png(project, tmp_path):
    data = summary_data(project, 1, np.arange(40) / 30.0)
    folder = tmp_path / "reports"
    (folder / "s.csv").mkdir(parents=True)
    with pytest.raises(OutputError, match="s.csv: cannot write .*folder"):
        write_summary(data, folder / "s.csv", folder / "s.png")
    assert sorted(p.name for p in folder.iterdir()) == ["s.csv"]  # no PNG beside it, no temporary
    assert list((folder / "s.csv").iterdir()) == []


def test_counts_are_written_as_integers(project, tmp_path):
    (path,) = export_summary(project, 1, tmp_path / "s.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "video,measure,category,value,coder,face"  # the old columns first, as they were
    assert "interview.avi,frames,total,40,," in lines
    assert "interview.avi,events,all,2,ann,all" in lines and "interview.avi,events,positive,1,ann,0" in lines
    assert "interview.avi,proposals,open,1,," in lines and "interview.avi,au_events,AU12,1,ann,0" in lines
    assert not [line for line in lines if line.split(",")[1] in ("frames", "events", "proposals", "au_events",
                                                                  "face_frames", "coders") and ".0," in line]
    mean = next(line for line in lines if line.startswith("interview.avi,mean_duration_s,negative,"))
    assert float(mean.split(",")[3]) == pytest.approx(11 / 30)


def test_events_are_counted_per_coder_and_it_says_which(project, tmp_path):
    # bob codes the same expression as ann (frames 5-12), and one of his own
    project.add_event(Event(1, 5, 8, 12, emotion="positive", aus="12", coder="bob"))
    project.add_event(Event(1, 14, 15, 17, emotion="surprise", aus="1+2", coder="bob"))
    project.add_event(Event(1, 25, 26, 27, emotion="surprise", aus="", coder=""))
    (path,) = export_summary(project, 1, tmp_path / "s.csv")
    get = _rows(path)
    assert get[("coders", "count", "")] == 3
    assert get[("events", "all", "ann")] == 2 and get[("events", "all", "bob")] == 2
    assert get[("events", "all", "(no coder)")] == 1
    assert get[("events", "positive", "ann")] == 1 and get[("events", "positive", "bob")] == 1
    assert get[("total_duration_s", "positive", "ann")] == pytest.approx(8 / 30)  # not doubled by bob's
    assert get[("total_duration_s", "positive", "bob")] == pytest.approx(8 / 30)
    # a class or AU another coder coded: 0, not left out (a pivot read it as missing); no mean of no events
    assert get[("events", "surprise", "ann")] == 0 and get[("events", "surprise", "bob")] == 1
    assert get[("mean_duration_s", "surprise", "ann")] is None and get[("total_duration_s", "surprise", "ann")] == 0
    assert get[("au_events", "AU12", "ann")] == 1 and get[("au_events", "AU12", "bob")] == 1
    assert get[("au_events", "AU06", "ann")] == 1 and get[("au_events", "AU06", "bob")] == 0
    assert get[("frames", "total", "")] == 40 and get[("proposals", "open", "")] == 1


def test_a_video_with_no_coded_event_says_none(project, tmp_path):
    for e in project.events(1):
        if e.status == "accepted":
            project.delete_event(e.id)
    get = _rows(export_summary(project, 1, tmp_path / "s.csv")[0], "all")
    assert get[("events", "all", "")] == 0 and get[("coders", "count", "")] == 0


def test_a_class_is_one_row_whatever_its_spelling(project, tmp_path):
    """An event's 'Positive' is the model's p_positive (merstudio.model.columns.class_key): one class row counting
    both, spelled as the model's column; an event with no emotion stays '(none)' (h280: the export split them)."""
    project.add_event(Event(1, 14, 15, 17, emotion="Positive", aus="12", coder="ann"))
    project.add_event(Event(1, 25, 26, 27, emotion="", aus="4", coder="ann"))
    (path,) = export_summary(project, 1, tmp_path / "s.csv")
    get = _rows(path)
    categories = {c for (m, c, k) in get if m == "events"}
    assert "Positive" not in categories and "(none)" in categories
    assert get[("events", "positive", "ann")] == 2 and get[("events", "(none)", "ann")] == 1
