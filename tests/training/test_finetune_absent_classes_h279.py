"""Fine-tuning on a project with no events of some of the model's classes keeps those classes as the parent had them
(a105 finding 1: a project without `others` events fine-tuned into a model that never said `others` again, while
check_counts said such classes were "kept from the parent"): the label loss runs over the trained classes' logits
only, their classifier rows stay bit for bit the parent's, and the parent's probability of them on the training
samples is distilled. The run says which classes have no or few events before training, and the report names the
classes it could not score."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support.finetune_project import project_fixtures, tiny_checkpoint

import merstudio.training.finetune as F
from merstudio.errors import InputError
from merstudio.model import MENet, ModelConfig, load_checkpoint
from merstudio.training.finetune_split import Item, check_counts, thin_classes_text
from merstudio.training.protocols import DataArrays
from merstudio.training.trainer import KeptClasses, TrainSettings, fit_model, predict, step_loss

built, cache, proj = project_fixtures("ft279")


def _tiny(seed: int = 0) -> MENet:
    torch.manual_seed(seed)
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, n_classes=3,
                      class_names=["a", "b", "kept"], input_size=28, T=1)
    return MENet(cfg).eval()


def _rows(n: int = 16) -> DataArrays:
    """Rows of classes 0 and 1 only (class 2 has none), told apart by the sign of their first channel."""
    rng = np.random.default_rng(0)
    y = np.arange(n) % 2
    X = rng.normal(0, 1, (n, 1, 3, 28, 28)).astype(np.float32)
    X[:, :, 0] += np.where(y == 0, 1.5, -1.5)[:, None, None, None]
    aus = len(ModelConfig().aus)
    return DataArrays(X=X, y=y.astype(np.int64), subjects=np.array([f"s{i % 4}" for i in range(n)], dtype=object),
                      samples=np.array([f"x{i}" for i in range(n)], dtype=object),
                      datasets=np.array(["t"] * n, dtype=object), au=np.zeros((n, aus), np.float32),
                      au_mask=np.zeros((n, aus), bool))


def _settings(**kw) -> TrainSettings:
    return TrainSettings(**{"epochs": 2, "batch_size": 8, "lr": 1e-2, "seed": 0, "device": "cpu", "mixup": 0.0,
                            "warmup_epochs": 0, "distill_weight": 0.5, "distill_temperature": 1.0, **kw})


def test_the_kept_class_rows_stay_the_parents():
    model, data = _tiny(), _rows()
    before = predict(model, data.X)[0]
    parent = {k: v.clone() for k, v in model.state_dict().items()}
    fit_model(model, data, _settings(), None, keep=[2], soft_targets=before)
    # weight decay, Adam, the distillation's gradient and SWA all leave the kept class's classifier row and centre
    # bit for bit as they were
    assert torch.equal(model.classifier.weight[2], parent["classifier.weight"][2])
    assert torch.equal(model.classifier.bias[2], parent["classifier.bias"][2])
    assert torch.equal(model.centers[2], parent["centers"][2])
    assert not torch.equal(model.classifier.weight[:2], parent["classifier.weight"][:2])  # the rest trained
    after = predict(model, data.X)[0]
    assert abs(after[:, 2].mean() - before[:, 2].mean()) < 0.1, (before[:, 2].mean(), after[:, 2].mean())


def test_the_label_loss_does_not_push_a_kept_class_down():
    """The gradient a batch without the class gives its logit: none when kept, a push down with the full softmax
    (the loop as fine-tuning ran it before)."""
    data = _rows(8)
    xb, targets = torch.from_numpy(data.X), (torch.from_numpy(data.y), torch.from_numpy(data.au),
                                           torch.from_numpy(data.au_mask))
    grads = []
    for keep in (None, [2]):
        model = _tiny().train()
        kept = KeptClasses(model, keep, torch.device("cpu")) if keep else None
        step_loss(model, xb, targets, None, None, None, _settings(), False, kept=kept).backward()
        grads.append(model.classifier.bias.grad[2].item())
    plain, kept_grad = grads
    assert plain > 0  # gradient descent lowers the absent class's bias
    assert kept_grad == 0.0


def test_keeping_a_class_the_rows_have_is_refused():
    model, data = _tiny(), _rows()
    with pytest.raises(InputError, match="classes to keep"):
        fit_model(model, data, TrainSettings(epochs=1, device="cpu"), None, keep=[1])


def test_finetune_keeps_a_class_the_project_has_no_events_of(built, proj, cache, tmp_path):
    """Through finetune(): the project codes negative, positive and surprise; the parent also has `others`."""
    path, _ = proj
    parent = tiny_checkpoint(tmp_path / "four.pt", classes=("negative", "others", "positive", "surprise", "none"))
    said: list[str] = []
    res = F.finetune(path, parent, tmp_path / "ft.pt", epochs=2, cache_dir=cache, log=lambda *a: said.append(a[0]))
    old, _ = load_checkpoint(parent)
    new, _ = load_checkpoint(res.checkpoint)
    k = res.class_names.index("others")
    assert torch.equal(new.classifier.weight[k], old.classifier.weight[k])
    assert torch.equal(new.classifier.bias[k], old.classifier.bias[k])
    assert not torch.equal(new.classifier.weight, old.classifier.weight)
    assert "others" not in res.train_counts
    # said before training, with the way out
    (line,) = [t for t in said if t.startswith("classes with no or few events")]
    assert "others (no events)" in line and "--mix DATA" in line and "kept as the parent had it" in line
    # the report names it as not measured instead of leaving it out
    assert "others: not measured (no held-out samples)" in res.table()


def test_thin_classes_line_names_none_and_few():
    text = thin_classes_text({"a": 5, "b": 1}, ["a", "b", "c"])
    assert text.startswith("classes with no or few events to train on: b (1 event), c (no events);")
    assert thin_classes_text({"a": 3, "b": 3}, ["a", "b"]) == ""


def test_too_few_events_names_the_ways_out():
    """a105 finding 6: the refusal named neither --min-per-class (the app had no such setting) nor a class map; the
    ways out come before the events left out, so the CLI's 400-character line keeps them."""
    from merstudio.messages import one_line

    items = [Item(f"event:{i}", i, 1, "v1", c, 0, 2, 4, None, "ann")
             for i, c in enumerate(["negative"] * 3 + ["positive"] * 3 + ["surprise"])]
    where = "/home/lab/studies/2026/micro-expressions/cohort-b/session-04/study.merproj"
    with pytest.raises(InputError) as err:
        check_counts(items, ["negative", "positive", "surprise", "none"], 3, where,
                     skipped={"happiness": 3, "sadness": 2, "fear": 1}, suggest=True)
    shown = one_line(err.value)  # as `merstudio finetune` prints it
    assert ("class 'surprise' has 1 accepted event (need at least 3): lower it (--min-per-class 1 / Min events "
            "per class) or leave it out (--classes negative,positive / Class map); 6 accepted events left "
            "out") in shown
    # a class map is no way out when it would leave fewer than 2 classes to train
    with pytest.raises(InputError) as err:
        check_counts(items, ["negative", "positive", "surprise", "none"], 4)
    assert "(need at least 4): lower it (--min-per-class 1 / Min events per class)" in str(err.value)
    assert "--classes" not in str(err.value)


def test_a_run_with_every_class_records_no_distillation(built, proj, cache, tmp_path):
    """Every class of the parent has events: nothing is distilled, and the checkpoint's training settings say so
    (a109: they recorded weight 0.5 at temperature 1 though none was applied); a run keeping a class records it."""
    from merstudio.model.checkpoint import read_checkpoint_meta

    path, _ = proj
    parent = tiny_checkpoint(tmp_path / "three.pt", classes=("negative", "positive", "surprise"))
    res = F.finetune(path, parent, tmp_path / "ft.pt", epochs=1, cache_dir=cache)
    assert set(res.train_counts) == {"negative", "positive", "surprise"}
    assert read_checkpoint_meta(res.checkpoint)["training"]["distill_weight"] == 0.0
    four = tiny_checkpoint(tmp_path / "four.pt", classes=("negative", "others", "positive", "surprise"))
    kept = F.finetune(path, four, tmp_path / "ft4.pt", epochs=1, cache_dir=cache)
    assert read_checkpoint_meta(kept.checkpoint)["training"]["distill_weight"] == F.KEEP_DISTILL_WEIGHT
