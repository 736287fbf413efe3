"""Checkpoints: round trip, safe loading, and every kind of bad file -> CheckpointError."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from merstudio.errors import CheckpointError
from merstudio.model import (
    InputSettings,
    MENet,
    ModelConfig,
    describe_checkpoint,
    load_checkpoint,
    read_checkpoint_meta,
    save_checkpoint,
    transfer_weights,
)
from merstudio.model.checkpoint import FORMAT, FORMAT_VERSION


class Smuggled:
    """Pickled by reference: loading it would import and build an arbitrary object."""


def _trained_model(cfg: ModelConfig) -> MENet:
    torch.manual_seed(0)
    net = MENet(cfg)
    net.train()
    x = torch.randn(4, cfg.T, cfg.in_channels, cfg.input_size, cfg.input_size)
    net(x)  # moves the BatchNorm running statistics away from their defaults
    return net.eval()


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, MENet, ModelConfig]:
    cfg = ModelConfig(T=2, in_channels=4, class_names=["negative", "positive", "none"])
    net = _trained_model(cfg)
    meta = {
        "input": InputSettings(modality="flow+grey", size=28, T=2).to_dict(),
        "training": {"datasets": ["synthetic"], "n_samples": np.int64(40), "epochs": 3},
        "metrics": {"uf1": np.float32(0.5), "per_class": np.array([0.1, 0.2, 0.3])},
        "parent": None,
    }
    path = save_checkpoint(tmp_path / "sub" / "model.pt", net, meta)
    return path, net, cfg


def test_round_trip_equal_outputs(saved: tuple[Path, MENet, ModelConfig]) -> None:
    path, net, cfg = saved
    model, meta = load_checkpoint(path)
    assert not model.training
    x = torch.randn(3, 2, 4, 28, 28)
    with torch.no_grad():
        a, b = net(x), model(x)
    for k in ("logits", "au_logits", "features"):
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0)
    assert model.cfg == cfg
    assert meta["class_names"] == ["negative", "positive", "none"]
    assert meta["aus"] == cfg.aus
    assert meta["training"]["n_samples"] == 40 and meta["metrics"]["per_class"] == pytest.approx([0.1, 0.2, 0.3])
    assert meta["format_version"] == FORMAT_VERSION and meta["merstudio_version"] and meta["created"]
    assert meta["input"]["modality"] == "flow+grey"
    assert read_checkpoint_meta(path)["n_parameters"] == meta["n_parameters"]
    assert not [p for p in path.parent.iterdir() if p.name != "model.pt"], "temporary file left behind"


def test_file_loads_with_weights_only(saved: tuple[Path, MENet, ModelConfig]) -> None:
    payload = torch.load(saved[0], weights_only=True)
    assert payload["format"] == FORMAT and "state_dict" in payload and "meta" in payload


def test_describe(saved: tuple[Path, MENet, ModelConfig]) -> None:
    text = describe_checkpoint(read_checkpoint_meta(saved[0]))
    assert "negative, positive, none" in text and "AU12" in text and "flow+grey" in text and "uf1 0.500" in text
    abl = describe_checkpoint({"model_config": ModelConfig().ablate("mswm").to_dict()})
    assert "ablated: MSWM" in abl
    two = {"model_config": ModelConfig(T=2).to_dict(), "input": {"modality": "flow", "T": 2}}
    assert "T=2 (evenly spaced steps)" in describe_checkpoint(two)  # saved before the spacing was recorded
    assert "T=2 (late steps)" in describe_checkpoint({**two, "input": {"modality": "flow", "T": 2, "spacing": "late"}})


def _write(path: Path, payload: object) -> Path:
    torch.save(payload, path)
    return path


def _valid_payload(saved: tuple[Path, MENet, ModelConfig]) -> dict:
    return torch.load(saved[0], weights_only=True)


def test_corrupt_and_incompatible_files(tmp_path: Path, saved: tuple[Path, MENet, ModelConfig]) -> None:
    good = saved[0]
    cases: dict[str, Path] = {}
    cases["random bytes"] = tmp_path / "random.pt"
    cases["random bytes"].write_bytes(np.random.default_rng(0).bytes(2000))
    data = good.read_bytes()
    cases["truncated"] = tmp_path / "trunc.pt"
    cases["truncated"].write_bytes(data[: len(data) // 2])
    cases["empty"] = tmp_path / "empty.pt"
    cases["empty"].write_bytes(b"")
    cases["plain state dict"] = _write(tmp_path / "sd.pt", saved[1].state_dict())
    p = _valid_payload(saved)
    p["format_version"] = FORMAT_VERSION + 1
    cases["newer format"] = _write(tmp_path / "newer.pt", p)
    p = _valid_payload(saved)
    del p["state_dict"]
    cases["no weights"] = _write(tmp_path / "noweights.pt", p)
    p = _valid_payload(saved)
    p["meta"]["model_config"]["wings"] = 2
    cases["unknown config field"] = _write(tmp_path / "unknown.pt", p)
    p = _valid_payload(saved)
    p["meta"]["model_config"]["input_size"] = 8
    cases["bad config value"] = _write(tmp_path / "badcfg.pt", p)
    p = _valid_payload(saved)
    p["meta"]["model_config"]["width"] = 8  # weights were made for width 16
    cases["weights of another shape"] = _write(tmp_path / "shape.pt", p)
    p = _valid_payload(saved)
    p["state_dict"].pop("classifier.weight")
    cases["missing tensor"] = _write(tmp_path / "missing.pt", p)
    p = _valid_payload(saved)
    p["meta"]["model_config"]["use_au"] = False
    cases["unexpected tensors"] = _write(tmp_path / "unexpected.pt", p)
    p = _valid_payload(saved)
    p["meta"]["input"]["modality"] = "grey"
    cases["input contradicts model"] = _write(tmp_path / "input.pt", p)
    p = _valid_payload(saved)
    p["meta"]["class_names"] = ["x", "y", "z"]
    cases["class names contradict"] = _write(tmp_path / "classes.pt", p)
    p = _valid_payload(saved)
    p["meta"]["extra"] = Smuggled()  # an arbitrary class: refused by the weights-only unpickler
    cases["unsafe object"] = _write(tmp_path / "unsafe.pt", p)
    cases["missing file"] = tmp_path / "nope.pt"
    for what, path in cases.items():
        with pytest.raises(CheckpointError) as info:
            load_checkpoint(path)
        msg = str(info.value)
        assert msg.startswith(f"{path}: "), what
        assert "\n" not in msg, what


def test_bytes_damaged_inside_the_weights_are_refused(tmp_path: Path, saved: tuple[Path, MENet, ModelConfig]) -> None:
    """torch.load does not check the zip's CRC-32s: damaged weight bytes loaded as other weights, without a word."""
    import zipfile

    path, _, _ = saved
    with zipfile.ZipFile(path) as zf:
        info = max(zf.infolist(), key=lambda i: i.file_size)  # the largest tensor's bytes
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.file_size // 2
    data[start:start + 16] = bytes(255 - b for b in data[start:start + 16])
    bad = tmp_path / "damaged.pt"
    bad.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="damaged checkpoint .*fails its checksum"):
        load_checkpoint(bad)


def test_unstorable_meta_and_contradictions(tmp_path: Path) -> None:
    net = MENet(ModelConfig())
    with pytest.raises(ValueError, match="cannot be stored"):
        save_checkpoint(tmp_path / "m.pt", net, {"training": {"when": object()}})
    with pytest.raises(ValueError, match="differ"):
        save_checkpoint(tmp_path / "m.pt", net, {"class_names": ["a", "b", "c"]})
    assert not list(tmp_path.iterdir())


def test_save_overwrites_atomically(tmp_path: Path) -> None:
    path = tmp_path / "m.pt"
    a = MENet(ModelConfig())
    save_checkpoint(path, a, {"parent": None})
    b = MENet(ModelConfig(n_classes=4, class_names=list("abcd")))
    save_checkpoint(path, b, {"parent": str(path)})
    model, meta = load_checkpoint(path)
    assert model.cfg.n_classes == 4 and meta["parent"] == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def test_transfer_weights() -> None:
    src = _trained_model(ModelConfig())
    dst = MENet(ModelConfig(n_classes=4, class_names=list("abcd")))
    names = transfer_weights(src, dst)
    assert "backbone.stem.0.weight" in names and "classifier.weight" not in names
    torch.testing.assert_close(dst.state_dict()["backbone.stem.0.weight"], src.state_dict()["backbone.stem.0.weight"])


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on machines without CUDA")
def test_cuda_requested_without_cuda(saved: tuple[Path, MENet, ModelConfig]) -> None:
    from merstudio.errors import InputError

    with pytest.raises(InputError, match="CUDA is not available"):
        load_checkpoint(saved[0], map_location="cuda")


def test_description_names_every_ablated_part_and_the_region_wise_module() -> None:
    from merstudio.model.checkpoint import describe_checkpoint
    from merstudio.model.config import ModelConfig

    def network(cfg: ModelConfig) -> str:
        return next(ln for ln in describe_checkpoint({"model_config": cfg.to_dict()}).splitlines()
                    if ln.startswith("network:"))

    line = network(ModelConfig().ablate("au_emotion"))
    assert "(ablated: AU-emotion constraint)" in line and "AU module (region-wise 2x2)" in line
    line = network(ModelConfig(local_grid=1).ablate("fam,convlstm"))
    assert "ablated: AU module, ConvLSTM" in line and "region-wise" not in line
    assert "MixStyle in training" in network(ModelConfig()).split("(ablated")[0]
    assert "(ablated: MixStyle in training)" in network(ModelConfig().ablate("mixstyle"))
    # a checkpoint from before MixStyle existed: not claimed, not called ablated
    old = ModelConfig().to_dict()
    del old["mixstyle"]
    assert "MixStyle" not in next(ln for ln in describe_checkpoint({"model_config": old}).splitlines()
                                  if ln.startswith("network:"))
    # how the input is centred; a config saved before the choice existed was mean-centred
    assert "per-sample input standardisation (median-centred)" in network(ModelConfig())
    del old["sample_center"]
    assert "(mean-centred)" in next(ln for ln in describe_checkpoint({"model_config": old}).splitlines()
                                    if ln.startswith("network:"))


def test_flip_averaging_survives_a_round_trip(tmp_path: Path) -> None:
    """A model trained with test-time flip averaging predicts the same way once saved and loaded (the app loads it);
    one without stays without, and a damaged record is a one-line error."""
    cfg = ModelConfig(T=1, in_channels=3, class_names=["negative", "positive", "surprise"])
    net = _trained_model(cfg)
    plain = load_checkpoint(save_checkpoint(tmp_path / "plain.pt", net))[0]
    assert plain.tta_flip is None
    net.tta_flip = ((0,), "range")
    path = save_checkpoint(tmp_path / "tta.pt", net)
    back, meta = load_checkpoint(path)
    assert back.tta_flip == ((0,), "range")
    assert "flip averaging" in describe_checkpoint(meta)
    payload = torch.load(path, weights_only=True)
    payload["meta"]["tta_flip"] = {"channels": [0], "reflect": "sideways"}
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="bad.pt: tta_flip"):
        load_checkpoint(tmp_path / "bad.pt")
