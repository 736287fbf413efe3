"""What fine-tuning's held-out figures rest on: a hold-out of 2 samples of one class (UF1/UAR/accuracy 1.000
before and after, a61) is said to be no estimate, per-class counts are recorded, and the parent's own evaluation,
which the new checkpoint's `metrics` replaces, is kept beside it (`parent_metrics`) and printed by the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from support.finetune_project import project_fixtures

import merstudio.training.finetune as F
from merstudio.training.metrics import compute_metrics

built, cache, proj = project_fixtures("ftbasis")

CLASSES3 = ["negative", "positive", "surprise"]
# the parent's own figures: a 309-sample LODO evaluation, as a61's dev.pt records it
PARENT_METRICS = {"protocol": "lodo", "uf1": 0.768, "uar": 0.778, "accuracy": 0.773, "n": 309}


def test_two_held_out_samples_of_one_class_are_no_estimate():
    # what a61 saw: both held-out samples positive, both predicted positive -> every figure 1.000
    scored = compute_metrics([1, 1], [1, 1], CLASSES3)
    assert (scored["uf1"], scored["uar"], scored["accuracy"]) == (1.0, 1.0, 1.0)
    b = F.holdout_basis(["positive", "positive"], CLASSES3)
    assert b["text"] == ("not an estimate: 2 samples, 1 of 3 classes (UAR/UF1 over the classes present only); "
                         "too few to compare models")
    assert b["per_class"] == {"negative": 0, "positive": 2, "surprise": 0}
    assert (b["n"], b["classes_present"], b["n_classes"], b["estimate"]) == (2, 1, 3, False)


@pytest.mark.parametrize(("counts", "estimate", "text"), [
    ((4, 4, 4), True, "12 samples, 3 of 3 classes"),
    ((6, 6, 0), True, "12 samples, 2 of 3 classes (UAR/UF1 over the classes present only)"),
    ((3, 3, 3), False, "not an estimate: 9 samples, 3 of 3 classes; too few to compare models"),
    ((0, 20, 0), False, "not an estimate: 20 samples, 1 of 3 classes (UAR/UF1 over the classes present only); "
                        "too few to compare models"),
])
def test_the_basis_counts_samples_and_classes(counts, estimate, text):
    labels = [c for c, k in zip(CLASSES3, counts, strict=True) for _ in range(k)]
    b = F.holdout_basis(labels, CLASSES3)
    assert b["estimate"] is estimate and b["text"] == text
    assert b["per_class"] == dict(zip(CLASSES3, counts, strict=True))


def _parent_with_metrics(ckpt: Path, out: Path) -> Path:
    """The support project's tiny checkpoint, re-saved with an evaluation of its own."""
    from merstudio.model import load_checkpoint, save_checkpoint

    model, meta = load_checkpoint(ckpt)
    return save_checkpoint(out, model, {"input": meta["input"], "training_data": meta["training_data"],
                                        "metrics": dict(PARENT_METRICS)})


def _held_out_events_per_class(path: Path, video_names: list[str], classes: list[str]) -> dict[str, int]:
    """The accepted events of a class on the held-out videos, counted from the project itself."""
    from merstudio.project import Project

    with Project.open(path, read_only=True) as p:
        held = [v for v in p.videos() if Path(v.path).name in video_names]
        counts = {c: 0 for c in classes}
        for v in held:
            for e in p.events(v.id, status="accepted"):
                if e.emotion in counts:
                    counts[e.emotion] += 1
    return counts


def test_the_checkpoint_records_the_basis_and_keeps_the_parents_figures(proj, cache):
    from merstudio.model import read_checkpoint_meta

    path, ckpt = proj
    parent = _parent_with_metrics(ckpt, path.parent / "dev.pt")
    res = F.finetune(path, parent, epochs=1, cache_dir=cache)
    meta = read_checkpoint_meta(res.checkpoint)
    m = meta["metrics"]
    # per class, every class of the model: the held-out videos' events from the project, the rest 'none' windows
    events = _held_out_events_per_class(path, res.holdout["video_names"], ["negative", "positive", "surprise"])
    assert sum(events.values()) == 6  # one video of the support project: 2 events of each class
    assert m["per_class_n"] == {**events, "none": res.holdout["n"] - 6}
    assert m["n_classes"] == 4 and m["classes_present"] == sum(1 for k in m["per_class_n"].values() if k)
    assert m["basis"] == res.basis["text"] and m["estimate"] == res.basis["estimate"]
    assert m["basis"].startswith(f"{'' if m['estimate'] else 'not an estimate: '}{res.holdout['n']} samples, ")
    # the parent's 309-sample figures are kept, named, beside the hold-out's
    assert meta["parent_metrics"] == {"checkpoint": "dev.pt", "sha256": F.file_sha256(parent), **PARENT_METRICS}
    assert res.parent_metrics == meta["parent_metrics"]

    # fine-tuned again: its parent's figures are the hold-out's, with the first parent's under them
    res2 = F.finetune(path, res.checkpoint, epochs=1, cache_dir=cache)
    kept = read_checkpoint_meta(res2.checkpoint)["parent_metrics"]
    assert kept["checkpoint"] == res.checkpoint.name and kept["protocol"].startswith("fine-tuning hold-out")
    assert kept["uf1"] == pytest.approx(res.after["uf1"]) or (math.isnan(kept["uf1"]) and math.isnan(res.after["uf1"]))
    assert kept["parent_metrics"]["uf1"] == 0.768 and kept["parent_metrics"]["checkpoint"] == "dev.pt"


def test_the_cli_says_what_the_figures_rest_on_and_the_parents_own(proj, cache, capsys):
    from merstudio.cli.main import main

    path, ckpt = proj
    parent = _parent_with_metrics(ckpt, path.parent / "dev.pt")
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(parent), "--epochs", "1", "--cache",
               str(cache), "--no-progress", "--classes", "megc2019"])
    out = capsys.readouterr().out
    assert rc == 0, out
    lines = out.splitlines()
    # 6 events of one held-out video and its 'none' windows: under ten samples or not, the line says how many
    basis = next(line for line in lines if line.startswith("held-out figures: "))
    held = next(line for line in lines if line.startswith("held out video "))
    n = int(held.split("(", 1)[1].split(" samples", 1)[0])
    assert f"{n} samples, " in basis and ("not an estimate" in basis) == (n < 10)
    assert lines.index(basis) < next(i for i, line in enumerate(lines) if line.startswith("UF1 "))
    assert ("dev.pt's own evaluation (its test data, not these samples; kept in the new checkpoint): lodo, "
            "UF1 0.768, UAR 0.778, accuracy 0.773 (n = 309)") in lines
