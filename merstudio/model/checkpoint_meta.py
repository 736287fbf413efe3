"""A checkpoint's metadata read without torch (merstudio.model.checkpoint): the app names the model behind a video's
class curves when the video is shown, and importing torch for that froze the window for about a second.

The file is torch's zip: ``<archive>/data.pkl`` pickles {"format", "format_version", "meta", "state_dict"}, whose
tensors refer to storages by persistent id. Those are read as placeholders, and no global outside torch's tensor
rebuilders and OrderedDict is accepted (as torch.load(weights_only=True) refuses them). Anything unexpected gives
None: the caller then asks torch (read_checkpoint_meta), which says what is wrong."""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

from merstudio.regular_files import open_regular, sha256_of

FORMAT = "merstudio-checkpoint"  # merstudio.model.checkpoint writes these
FORMAT_VERSION = 1
_REQUIRED = ("model_config", "class_names", "aus")


class _Tensor:
    """Stands in for a tensor (its storage is never read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" or module.startswith("torch."):  # rebuilders and storage types: placeholders
            return _Tensor
        raise pickle.UnpicklingError(f"global {module}.{name} refused")

    def persistent_load(self, pid: Any) -> Any:
        return None


def peek_checkpoint_meta(path: str | Path, verify: bool = False) -> dict[str, Any] | None:
    """The metadata of a merstudio checkpoint, without torch; None when the file is not plainly one (let
    merstudio.model.checkpoint.read_checkpoint_meta say why), or no regular file (regular_files.not_a_file: never read, a FIFO
    would block). ``verify``: every part's checksum too (a damaged weight file is then None, as torch's reader
    refuses it), not only the metadata's."""
    try:
        with open_regular(path) as fh, zipfile.ZipFile(fh) as zf:
            names = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
            if len(names) != 1 or (verify and zf.testzip() is not None):
                return None
            raw = zf.read(names[0])  # checks the member's CRC-32
        payload = _Unpickler(io.BytesIO(raw)).load()
    except Exception:  # noqa: BLE001 - any doubt goes to torch's reader, which names the problem
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    version, meta = payload.get("format_version"), payload.get("meta")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION or not isinstance(meta, dict):
        return None
    if not isinstance(payload.get("state_dict"), dict) or any(k not in meta for k in _REQUIRED):
        return None
    return meta


# the data sets fine-tuning mixed in (`merstudio finetune --mix`), each recorded as `training_data` records a training
# set (spec, loader_options, subjects, subject_inputs, data_fingerprint, ...): this fine-tuning's and its ancestors'
# (the fine-tuned weights inherit them). Always written by a fine-tuning since 2026-12-07, [] for none.
MIXED_TRAINING_DATA = "mixed_training_data"


def mixed_training_sets(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The data sets fine-tuning mixed into the checkpoint (MIXED_TRAINING_DATA). A fine-tuned checkpoint saved
    before 2026-12-07 recorded its own mix by its spec alone (finetune.mix): that spec as a record without subjects
    (evaluate then counts all subjects of the same --data, as for a training_data record without them)."""
    mixed = meta.get(MIXED_TRAINING_DATA)
    if isinstance(mixed, list):
        return [m for m in mixed if isinstance(m, dict)]
    ft = meta.get("finetune")
    mix = ft.get("mix") if isinstance(ft, dict) else None
    if isinstance(mix, dict) and mix.get("spec"):
        return [{"spec": mix["spec"], **({"loader_options": mix["loader_options"]}
                                         if isinstance(mix.get("loader_options"), dict) else {})}]
    return []


def training_sets(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Every data set whose samples trained the checkpoint's weights, as `training_data` records: its training's (a
    fine-tuned checkpoint's is the first ancestor's) and those fine-tuning mixed in (mixed_training_sets). The
    project events a fine-tuning trained on are in its ``finetune`` record, not here (no --data names them)."""
    td = meta.get("training_data")
    return ([td] if isinstance(td, dict) else []) + mixed_training_sets(meta)


def checkpoint_identity(path: str | Path, sha256: str = "") -> dict[str, str]:
    """Which model a result came from, as a project run and the exports record it: {"name": the file's name,
    "sha256": its content's SHA-256, "merstudio_version"/"created": from its metadata, where it has them}. A path
    names a file only while nobody replaces it; the digest tells two files called model.pt apart. ``sha256``: the
    digest of the file as loaded, where the caller has it (not read again). {} for no path; a file that cannot be
    read keeps its name alone (the run still says which model was asked for)."""
    if not str(path or ""):
        return {}
    out = {"name": Path(path).name}
    if not sha256:
        try:
            sha256 = sha256_of(path)  # a FIFO or a device is refused, never read
        except (OSError, ValueError):
            sha256 = ""
    if sha256:
        out["sha256"] = sha256
    meta = peek_checkpoint_meta(path) or {}
    for key in ("merstudio_version", "created"):
        if meta.get(key):
            out[key] = str(meta[key])
    return out


def identity_text(identity: dict[str, Any] | None, short: bool = False) -> str:
    """A :func:`checkpoint_identity` in words: "starter.pt (SHA-256 1a2b3c4d5e6f, merstudio 0.1.0, created …)";
    ``short``: the name and the first 12 hex digits only (a PNG's Description). "" for none."""
    if not identity or not identity.get("name"):
        return ""
    digest = str(identity.get("sha256") or "")
    if short:
        return f"{identity['name']} ({digest[:12]})" if digest else str(identity["name"])
    bits = [f"SHA-256 {digest}" if digest else "SHA-256 unknown (the file could not be read)"]
    if identity.get("merstudio_version"):
        bits.append(f"merstudio {identity['merstudio_version']}")
    if identity.get("created"):
        bits.append(f"created {identity['created']}")
    return f"{identity['name']} ({', '.join(bits)})"


def png_metadata(model: str = "", note: str = "") -> dict[str, str]:
    """The text chunks of a PNG merstudio writes (matplotlib's savefig ``metadata=``): ``Software`` names merstudio
    and its version (instead of matplotlib's), ``Description`` the checkpoint behind its class curves or predictions
    (``model``: :func:`identity_text` short: its name and digest) and ``note``. No date: a re-run writes the same
    bytes."""
    from merstudio import __version__

    described = "; ".join(t for t in (f"model: {model}" if model else "", note) if t)
    return {"Software": f"merstudio {__version__}", **({"Description": described} if described else {})}
