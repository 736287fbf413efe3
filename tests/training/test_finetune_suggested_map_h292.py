"""The too-few refusal of fine-tuning names a class map only when the counts under it would pass (h292, after h288):
h288's project (a model of CASME II's five classes; 'repression' 1 event, 'fear' 1 event left out) was told
'--classes casme2-5-merge would use it', and following that was refused again ('others' 1 event: fear -> others)."""

from __future__ import annotations

import pytest
from support.cli_run import tiny_video

from merstudio.errors import InputError
from merstudio.training.finetune_split import Item, check_counts, collect_samples

FIVE = ["disgust", "happiness", "others", "repression", "surprise"]  # as /tmp/h288/five25.pt


@pytest.fixture
def refusal(tmp_path):
    from merstudio.project import Event, Project

    def make(emotions: list[str], min_per_class: int = 3) -> str:
        path = tmp_path / f"p{len(list(tmp_path.glob('*.merproj')))}.merproj"
        with Project.create(path) as p:
            vid = p.add_video(tiny_video(tmp_path / "a.avi", n=10 * len(emotions) + 10), fps=30.0,
                              frame_count=10 * len(emotions) + 10, width=64, height=48).id
            p.add_events([Event(vid, 10 * k, 10 * k + 2, 10 * k + 4, emotion=e, coder="ann", status="accepted")
                          for k, e in enumerate(emotions)])
            got = collect_samples(p, FIVE)
        with pytest.raises(InputError) as err:
            check_counts(got.items, FIVE, min_per_class, str(path), skipped=got.skipped, suggest=True)
        return str(err.value)

    return make


def test_a_map_whose_counts_would_be_refused_again_is_not_suggested(refusal) -> None:
    # h288's labmap.merproj: repression 1 and fear 1, which casme2-5-merge makes 'others' 1: refused again
    text = refusal(["happiness"] * 6 + ["disgust"] * 6 + ["surprise"] * 6 + ["repression", "fear"])
    assert "class 'repression' has 1 accepted event" in text
    assert "1 accepted event left out, its emotion not a class of the model; by emotion: fear 1" in text
    assert "casme2-5-merge" not in text and "Class map) would use" not in text


def test_a_map_whose_counts_would_pass_is_still_suggested(refusal) -> None:
    # 'others' 2 coded and 1 fear: under casme2-5-merge 'others' has 3, enough at the default 3
    text = refusal(["happiness"] * 3 + ["disgust"] * 3 + ["others"] * 2 + ["fear"])
    assert "class 'others' has 2 accepted events" in text
    assert "--classes casme2-5-merge (Class map) would use it" in text


def test_the_check_is_at_the_runs_min_per_class(refusal) -> None:
    # at --min-per-class 4 the merged 'others' (3) is too few too: no map is named
    text = refusal(["happiness"] * 4 + ["disgust"] * 4 + ["others"] * 2 + ["fear"], min_per_class=4)
    assert "class 'others' has 2 accepted events" in text and "casme2-5-merge" not in text


def test_a_sample_keeps_its_coders_emotion(tmp_path) -> None:
    from merstudio.project import Event, Project

    with Project.create(tmp_path / "p.merproj") as p:
        vid = p.add_video(tiny_video(tmp_path / "a.avi", n=20), fps=30.0, frame_count=20, width=64, height=48).id
        p.add_events([Event(vid, 2, 4, 6, emotion="Happiness", coder="ann", status="accepted")])
        items = collect_samples(p, FIVE).items
    assert [(it.label, it.emotion) for it in items] == [("happiness", "Happiness")]
    assert Item("event:1", 1, 1, "1", "others", 0, 1, 2, None).emotion == ""  # made without one: its label is used
