"""Checkpoints: MENet weights + metadata in one torch file, read back with torch.load(weights_only=True).

File layout (a plain dict, so the safe unpickler accepts it):
    {"format": "merstudio-checkpoint", "format_version": 1, "meta": {...}, "state_dict": {name: tensor}}
meta holds only JSON-like values (dict/list/str/int/float/bool/None). save_checkpoint fills in
model_config, class_names, aus, n_parameters, merstudio_version, created, format_version and made_with (the torch,
numpy and Python versions: made_with()); the caller adds what it knows, by convention:
    input     {"modality": "flow"|"grey"|"flow+grey", "size", "T", "flow_method", "flow_size", "span_s"}
              (merstudio.model.inputs.InputSettings.to_dict())
    training  {"datasets", "protocol", "n_samples", "subjects", "epochs", "seed", "command", ...}
    metrics   {"uf1", "uar", "accuracy", ...}
    parent    path or name of the checkpoint this one was fine-tuned from (None for a fresh model)
    prior     the AU -> class prior (A x K nested lists) used in training, if any
save_checkpoint also records tta_flip ({"channels", "reflect"} or None: test-time flip averaging,
merstudio.model.tta), which load_checkpoint puts back on the model.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import platform
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from merstudio import __version__
from merstudio.atomic import atomic_path
from merstudio.errors import CheckpointError, InputError, OutputError, no_room
from merstudio.model.checkpoint_meta import FORMAT, FORMAT_VERSION  # defined once, torch-free
from merstudio.model.config import LEGACY_DEFAULTS, ModelConfig
from merstudio.model.device import pick_device
from merstudio.model.inputs import InputSettings, framing_note, spacing_note
from merstudio.model.network import MENet, count_parameters
from merstudio.model.tta import tta_from_meta, tta_to_meta
from merstudio.regular_files import not_a_file


def _unwrap(model: nn.Module) -> nn.Module:
    return getattr(model, "module", model)  # DistributedDataParallel / DataParallel


def _plain(x: Any, where: str) -> Any:
    """A copy of x made only of types torch.load(weights_only=True) accepts; numpy and paths converted."""
    if isinstance(x, str):  # a subclass (torch.__version__ is a TorchVersion) would pickle as that class
        return str(x)
    if x is None or isinstance(x, bool | int | float):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().tolist()
    if isinstance(x, Path):
        return str(x)
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if not isinstance(k, str):
                raise ValueError(f"checkpoint meta: key {k!r} at {where or 'top level'} is not a string")
            out[k] = _plain(v, f"{where}.{k}" if where else k)
        return out
    if isinstance(x, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(x)]
    raise ValueError(f"checkpoint meta: {where or 'value'} has type {type(x).__name__}, which cannot be stored")


def made_with() -> dict[str, str]:
    """The versions of what computes a model's figures (merstudio, torch, numpy, Python), for a checkpoint's meta and
    a run's run.json: the same seed gives the same figures on the same torch build only, so the record names it."""
    return {"merstudio": __version__, "torch": str(torch.__version__), "numpy": np.__version__,
            "python": platform.python_version()}


def save_checkpoint(path: str | Path, model: nn.Module, meta: dict[str, Any] | None = None) -> Path:
    """Write weights + metadata atomically (merstudio.atomic.atomic_path; the temporary is fsynced first).

    Raises OutputError when the file cannot be written, CheckpointError for weights that hold NaN or infinity
    (a diverged training), ValueError for meta that cannot be stored or that
    contradicts the model (class_names / aus differing from its config)."""
    path = Path(path)
    net = _unwrap(model)
    cfg = net.cfg
    if not isinstance(cfg, ModelConfig):
        raise TypeError(f"save_checkpoint: {type(net).__name__}.cfg is not a ModelConfig (expected an MENet)")
    user = _plain(dict(meta or {}), "")
    for key, value in (("class_names", cfg.class_names), ("aus", cfg.aus)):
        if key in user and list(user[key]) != list(value):
            raise ValueError(f"checkpoint meta: {key} {user[key]} differ from the model's {value}")
    full = {
        **user,
        "model_config": cfg.to_dict(),
        "class_names": list(cfg.class_names),
        "aus": list(cfg.aus),
        "n_parameters": count_parameters(net),
        "merstudio_version": __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "format_version": FORMAT_VERSION,
        "made_with": made_with(),
    }
    full.setdefault("parent", None)
    full["tta_flip"] = tta_to_meta(net)  # how predictions mirror the inputs (the app does as the figures did)
    state = net.state_dict()
    bad = _non_finite(state)
    if bad:  # a training that diverged (a learning rate far too high): its model would predict NaN, unsaid
        raise CheckpointError(f"{path}: not saved: {bad} of the model's {len(state)} weight tensors hold NaN or "
                              "infinity (the training diverged; a lower learning rate may help)")
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "meta": full,
        "state_dict": {k: v.detach().cpu().clone() for k, v in state.items()},
    }
    what = "cannot write the checkpoint"
    with atomic_path(path, what) as tmp:
        try:
            with open(tmp, "wb") as fh:
                torch.save(payload, fh)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as e:
            raise OutputError(f"{path}: {what} ({os_reason(e)})") from None
    return path


def _non_finite(state: dict[str, torch.Tensor]) -> int:
    """How many floating-point tensors of a state dict hold NaN or infinity."""
    return sum(1 for v in state.values() if v.is_floating_point() and not bool(torch.isfinite(v).all()))


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")  # terminal escape sequences (torch bolds its advice)
_UNSAFE_GLOBAL = re.compile(r"GLOBAL ([A-Za-z_][\w.]*)")


def plain_line(text: str, limit: int = 300) -> str:
    """`text` as one plain line: terminal escape codes and control characters removed, white space collapsed,
    cut at `limit` characters (with "...")."""
    text = _ANSI.sub("", text)
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in plain words; a read-only file system is not a missing permission."""
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "no permission"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if no_room(exc):  # a quota or a limit on file size (ulimit -f)
        return "disk quota exceeded" if exc.errno == getattr(errno, "EDQUOT", None) else "file too large (a size limit)"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    return plain_line((exc.strerror or type(exc).__name__).lower(), 120)


def _fail(path: Path, why: str) -> CheckpointError:
    return CheckpointError(f"{path}: {plain_line(why)}")


_ACCESS_ERRORS = frozenset({errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT})
_DAMAGED = "damaged checkpoint (the file is cut short or corrupt; copy it again)"
_NOT_OURS = "not a merstudio checkpoint"


def _load_error(path: Path, exc: BaseException, head: bytes) -> CheckpointError:
    """A refusal that says why torch.load failed: unsafe content, a damaged file, or another kind of file."""
    text = _ANSI.sub("", str(exc))
    found = _UNSAFE_GLOBAL.search(text)
    refused = "weights only" in text.lower() or "WeightsUnpickler" in text
    if found or (refused and head.startswith(b"PK") and "Unsupported operand" not in text):
        what = f" ({found.group(1)})" if found else ""
        return _fail(path, f"unsafe content refused: the file holds Python objects other than weights and plain "
                           f"values{what}, which could run code; it was not loaded")
    if head.startswith(b"PK"):  # a zip, as torch.save writes, that does not read back
        return _fail(path, _DAMAGED)
    if head[:1] == b"\x80":  # a pickle (the format before torch 1.6) that does not read back
        return _fail(path, f"{_NOT_OURS} (an old-style torch file, or a damaged one)")
    return _fail(path, f"{_NOT_OURS} (not a torch file)")


def read_checkpoint_meta(path: str | Path) -> dict[str, Any]:
    """The metadata alone (validated like load_checkpoint, without building the model)."""
    return _read(Path(path), "cpu")[0]


def _check_crc(path: Path) -> None:
    """torch.load does not check the zip's CRC-32s: bytes damaged inside the weights would load as other weights
    (and predict other classes) without a word. A file that is no complete zip is left to torch.load's own
    errors (a cut-off file, a legacy pickle)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return
    if bad is not None:
        raise _fail(path, f"damaged checkpoint (its part {bad!r} fails its checksum)")


def _read(path: Path, map_location: Any) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    if path.is_dir():
        raise _fail(path, "is a folder, not a checkpoint file")
    if not path.is_file():  # a FIFO or a device is named, never opened: reading one would block or never end
        raise _fail(path, "no such checkpoint file" if not path.exists() else not_a_file(path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise _fail(path, f"cannot read the checkpoint ({os_reason(e)})") from None
    _check_crc(path)
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except OSError as e:
        if e.errno in _ACCESS_ERRORS:
            raise _fail(path, f"cannot read the checkpoint ({os_reason(e)})") from None
        raise _load_error(path, e, head) from None  # torch's reader says EINVAL etc. for a cut-off zip
    except Exception as e:  # noqa: BLE001 - zip, pickle, EOF and "unsafe global" errors: _load_error sorts them
        raise _load_error(path, e, head) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        what = "a plain state dict" if isinstance(payload, dict) and payload and all(
            isinstance(v, torch.Tensor) for v in payload.values()) else "no 'format: merstudio-checkpoint' header"
        raise _fail(path, f"{_NOT_OURS} (a torch file, but {what})")
    version = payload.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise _fail(path, f"damaged checkpoint (invalid format_version {version!r})")
    if version > FORMAT_VERSION:
        raise _fail(path, f"written by a newer version of merstudio (checkpoint format {version}; this version "
                          f"reads up to {FORMAT_VERSION}): update merstudio")
    meta, state = payload.get("meta"), payload.get("state_dict")
    if not isinstance(meta, dict) or not isinstance(state, dict):
        raise _fail(path, "damaged checkpoint (missing 'meta' or 'state_dict')")
    if not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise _fail(path, "damaged checkpoint (its state_dict holds something other than tensors)")
    for key in ("model_config", "class_names", "aus"):
        if key not in meta:
            raise _fail(path, f"damaged checkpoint (its metadata lacks '{key}')")
    return meta, state


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> tuple[MENet, dict[str, Any]]:
    """(model in eval mode on map_location, meta). Any problem -> CheckpointError("<path>: <why>")."""
    path = Path(path)
    device = pick_device(map_location)
    meta, state = _read(path, "cpu")
    try:
        cfg = ModelConfig.from_dict(meta["model_config"])
    except InputError as e:
        raise _fail(path, f"incompatible {e}") from None
    if list(meta["class_names"]) != cfg.class_names or [int(a) for a in meta["aus"]] != cfg.aus:
        raise _fail(path, "class_names / aus in the metadata contradict the model config")
    inp = meta.get("input")
    if isinstance(inp, dict) and "modality" in inp:
        try:
            settings = InputSettings.from_dict(inp)
        except InputError as e:
            raise _fail(path, f"bad input settings: {e}") from None
        if settings.uses_flow:  # refused now, naming the file, not at the first analysis
            from merstudio.features.flow import FLOW_METHODS

            method = str(settings.flow_method).strip().lower().replace("-", "_")
            if method not in FLOW_METHODS:
                raise _fail(path, f"bad input settings: flow method {settings.flow_method!r} is not one this "
                                  f"merstudio computes ({', '.join(FLOW_METHODS)})")
        if settings.channels != cfg.in_channels or settings.size != cfg.input_size or settings.T != cfg.T:
            raise _fail(path, f"input settings ({settings.modality}, {settings.channels} channels, "
                              f"{settings.size} px, T={settings.T}) contradict the model ({cfg.in_channels} "
                              f"channels, {cfg.input_size} px, T={cfg.T})")
    model = MENet(cfg)
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = sorted(k for k in set(own) & set(state) if tuple(own[k].shape) != tuple(state[k].shape))
    if missing or unexpected or wrong:
        bits = []
        for label, keys in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong)):
            if keys:
                bits.append(f"{label}: {', '.join(keys[:4])}{' ...' if len(keys) > 4 else ''}")
        raise _fail(path, f"weights do not fit the model config ({'; '.join(bits)})")
    bad = _non_finite(state)
    if bad:
        raise _fail(path, f"{bad} of its {len(state)} weight tensors hold NaN or infinity (its training diverged); "
                          "it was not loaded")
    model.load_state_dict(state, strict=True)
    try:
        model.tta_flip = tta_from_meta(meta.get("tta_flip"))  # type: ignore[assignment]
    except ValueError as e:
        raise _fail(path, str(e)) from None
    model.to(device).eval()
    return model, meta


def transfer_weights(src: nn.Module | dict[str, torch.Tensor], dst: nn.Module) -> list[str]:
    """Copy every tensor whose name and shape match from src (a model or state dict) into dst, e.g. to fine-tune
    a checkpoint with a different class list (the classifier and centres stay fresh). Returns the copied names."""
    sd = src if isinstance(src, dict) else _unwrap(src).state_dict()
    target = _unwrap(dst)
    own = target.state_dict()
    take = {k: v for k, v in sd.items() if k in own and tuple(own[k].shape) == tuple(v.shape)}
    own.update({k: v.to(own[k].device, own[k].dtype) for k, v in take.items()})
    target.load_state_dict(own)
    return sorted(take)


def _torch_said(meta: dict[str, Any]) -> str:
    """", torch 2.13.0" for a checkpoint that records its torch build (made_with; none before 2026-12-07)."""
    made = meta.get("made_with")
    return f", torch {made['torch']}" if isinstance(made, dict) and made.get("torch") else ""


def describe_checkpoint(meta: dict[str, Any]) -> str:
    """A few human-readable lines: what the model is, its input, how it was trained, how well it did."""
    cfg = meta.get("model_config", {}) or {}
    parts = (("MSWM", "use_mswm"), ("AU module", "use_au"), ("clustering", "use_cluster"),
             ("ConvLSTM", "use_convlstm"), ("per-sample input standardisation", "sample_norm"),
             ("MixStyle in training", "mixstyle"))
    on = [name for name, key in parts if cfg.get(key, False)]
    off = [name for name, key in parts if not cfg.get(key, True)]
    if cfg.get("sample_norm", False):  # a config saved without sample_center was made before the median
        centre = cfg.get("sample_center", LEGACY_DEFAULTS["sample_center"])
        on[on.index("per-sample input standardisation")] += f" ({centre}-centred)"
    if cfg.get("use_au", False):
        if cfg.get("w_consistency", 1.0) == 0:  # the module kept, its AU-emotion constraint off
            off.append("AU-emotion constraint")
        if int(cfg.get("local_grid", LEGACY_DEFAULTS["local_grid"])) > 1:
            on[on.index("AU module")] = f"AU module (region-wise {cfg['local_grid']}x{cfg['local_grid']})"
    classes = meta.get("class_names", [])
    aus = meta.get("aus", [])
    lines = [
        f"merstudio checkpoint (format {meta.get('format_version', '?')}, merstudio "
        f"{meta.get('merstudio_version', '?')}{_torch_said(meta)}, created {meta.get('created', '?')})",
        f"classes ({len(classes)}): {', '.join(map(str, classes))}",
        f"AUs ({len(aus)}): {', '.join(f'AU{int(a)}' for a in aus)}",
        f"network: MENet width {cfg.get('width', '?')}, depth {cfg.get('depth', '?')}, "
        f"{meta.get('n_parameters', '?')} parameters; modules: {', '.join(on) or 'backbone only'}"
        + (f" (ablated: {', '.join(off)})" if off else ""),
    ]
    inp = meta.get("input")
    if isinstance(inp, dict):
        lines.append(f"input: {inp.get('modality', '?')} {inp.get('size', '?')}x{inp.get('size', '?')}, "
                     f"T={inp.get('T', '?')}{spacing_note(inp)}{framing_note(inp)}")
        trained, video = input_provenance(inp)
        whose = "its parent " if isinstance(meta.get("finetune"), dict) else ""  # fine-tuned on video since
        lines += [f"{whose}trained on: {trained}", f"on video: {video}"]
    else:
        lines.append(f"input: {cfg.get('in_channels', '?')} channels, {cfg.get('input_size', '?')} px, "
                     f"T={cfg.get('T', '?')}")
    if isinstance(meta.get("tta_flip"), dict):
        lines.append("predicts: the mean of each input and its mirror image (test-time flip averaging)")
    for key in ("training", "metrics"):
        block = meta.get(key)
        if isinstance(block, dict) and block:
            items = [f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in block.items()
                     if not isinstance(v, dict | list) or len(str(v)) <= 60]
            lines.append(f"{key}: " + "; ".join(items))
    td = meta.get("training_data")
    if isinstance(td, dict) and (td.get("data_fingerprint") or td.get("command")):
        if td.get("data_fingerprint"):
            lines.append(f"training data fingerprint: {td['data_fingerprint']} (as run.json and `merstudio "
                         "evaluate` name data)")
        if td.get("command"):
            lines.append(f"trained by: {td['command']}")
    lines.append(f"parent: {meta.get('parent') or 'none (trained from scratch)'}")
    return "\n".join(lines)


def input_provenance(inp: dict[str, Any]) -> tuple[str, str]:
    """(what the training inputs were, what the app computes from video for this model), in words, from a
    checkpoint's input dict: a model trained on precomputed flow images was trained on no flow merstudio computed,
    whatever flow it is given on video. Checkpoints saved before 2026-12-07 did not record the first."""
    modality = str(inp.get("modality", "flow"))
    if modality == "grey":
        video = "the aligned face's grey frames"
    else:
        video = f"flow {inp.get('flow_method', '?')} at {inp.get('flow_size', '?')} px on the aligned face"
        if modality != "flow":
            video += ", with its grey frames"
    video = f"the app computes {video}, shrunk to {inp.get('size', '?')} px"
    src = inp.get("training_source")
    if not isinstance(src, dict):
        return "not recorded (saved before 2026-12-07)", video
    bits = []
    n_img, n_clip = int(src.get("images") or 0), int(src.get("clips") or 0)
    if n_img:
        sizes: dict[str, Any] = src["image_sizes"] if isinstance(src.get("image_sizes"), dict) else {}
        shown = ", ".join(f"{k} px" if len(sizes) == 1 else f"{v} at {k} px" for k, v in sizes.items())
        bits.append(f"{n_img} precomputed flow image{'s' * (n_img != 1)}" + (f" ({shown})" if shown else "")
                    + ", used as they are (merstudio computed no flow and aligned no face)")
    if n_clip:
        how = f"flow {src.get('flow')} computed by merstudio" if src.get("flow") else "prepared by merstudio"
        bits.append(f"{n_clip} clip{'s' * (n_clip != 1)} ({how})")
    text = " and ".join(bits) or "no samples recorded"
    if src.get("table"):
        text += f", from {src['table']}" + (f" (SHA-256 {src['table_sha256']}…)" if src.get("table_sha256") else "")
    return text, video
