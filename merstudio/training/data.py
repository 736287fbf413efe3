"""From a `--data` spec to the arrays the trainer uses: load samples (merstudio.datasets), prepare inputs (cached),
AU targets and masks (merstudio.model.priors), and the input settings to store in checkpoints."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.training.protocols import DataArrays

_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
# model.inputs names the two-stream input "flow+grey"; datasets.preprocess calls it "both" (either is accepted)
MODALITY_TO_PREP = {"flow": "flow", "grey": "grey", "flow+grey": "both", "both": "both"}
PREP_TO_MODALITY = {"flow": "flow", "grey": "grey", "both": "flow+grey"}
_logger = logging.getLogger(__name__)


# Time steps per clip sample when --steps is not given: T flows from the onset to frames up to the apex, so the
# ConvLSTM sees the movement unfold (T = 1 makes it a single gated convolution). Per-frame inference in the app
# builds the same T steps ending at the current frame (merstudio.model.inputs).
DEFAULT_CLIP_STEPS = 2
# Where they lie when --step-spacing is not given: over the second half of the rise. Evenly over all of it, the
# half-way flow of a weak movement is near the flow's noise floor and two steps lost to one; placed late they do not
# (docs/model.md, "Where the steps lie").
DEFAULT_CLIP_SPACING = "late"


@dataclasses.dataclass
class PreparedArrays(DataArrays):
    """What load_arrays returns: the arrays and the input settings they were prepared with (info["input"]).
    train_final records these in the checkpoint itself, so a caller's meta cannot leave them out (meta={} saved a
    T=2 "late" model that per-frame inference then read as "even"). A subset is a plain DataArrays."""

    input: dict[str, Any] = dataclasses.field(default_factory=dict)


def _log_line(*parts: Any) -> None:
    """load_arrays' default `log`: its lines to the logging module, as print would join them."""
    _logger.info("%s", " ".join(str(p) for p in parts))


def default_steps(images: bool, steps: int | None = None, spacing: str | None = None) -> tuple[int, str]:
    """(T, spacing) a dataset is prepared with, given --steps / --step-spacing (None: the default). `images`: it
    holds precomputed flow images, which are one step; clips get DEFAULT_CLIP_STEPS, DEFAULT_CLIP_SPACING."""
    if steps is None:  # clips: T steps over onset -> apex for the ConvLSTM; a flow image is one step
        steps = 1 if images else DEFAULT_CLIP_STEPS
    if spacing is None:  # one step lies at the apex whatever the spacing: record the old default there
        spacing = DEFAULT_CLIP_SPACING if int(steps) > 1 else "even"
    return int(steps), spacing


def parse_data_spec(spec: str | os.PathLike[str]) -> tuple[str, Path]:
    """'KIND:ROOT' -> (kind, root); a table file (or any existing file) -> ('table', path). A known KIND wins over
    the file suffix: megc2019:gt.csv and samm:SAMM_Micro_FACS_Codes_v2.xlsx are read by that kind's loader, as the
    two-argument `datasets inspect KIND ROOT` reads them (load_samples says in one line what ROOT must be where its
    kind takes no such file)."""
    from merstudio.datasets import canonical_kind

    s = os.fspath(spec).strip()  # a Path too (a notebook's Path("samples.csv"): AttributeError 'strip' before)
    kind, sep, root = s.partition(":")
    if sep and len(kind) >= 2 and root:  # len(kind) == 1: a Windows drive letter, not a kind
        try:
            return canonical_kind(kind), Path(root).expanduser()  # table:FILE.csv, table:FOLDER (its samples.csv)
        except InputError:
            pass  # no kind: a path holding a colon, or a kind mistyped (refused below unless it is a table)
    p = Path(s).expanduser()
    if p.is_file() or (p.suffix.lower() in _TABLE_SUFFIXES and not (sep and Path(root).expanduser().exists())):
        return "table", p
    if not sep or len(kind) < 2 or not root:
        raise InputError(f"{spec}: expected KIND:ROOT (e.g. casme2:/data/CASME2) or a sample table .csv "
                         "(spec= / --data)")
    return canonical_kind(kind), Path(root).expanduser()


def load_arrays(spec: str | os.PathLike[str], *, classes: str | None = None, allow_missing: bool = False,
                options: Any = None, input_kind: str | None = None,
                size: int | None = None, steps: int | None = None, spacing: str | None = None, flow: str = "dis",
                aus: list[int] | None = None, cache_dir: str | Path | None = None, framing: Any = None,
                log: Callable[..., Any] | None = None, option_flags: str = "--",
                progress: Callable[[int, int], None] | None = None,
                on_samples: Callable[[Any], None] | None = None,
                split_by_subject: bool = True) -> tuple[DataArrays, dict[str, Any]]:
    """Load and prepare a dataset (`spec`: a `--data` spec, "KIND:ROOT" or a sample table, as a str or a path).
    Returns (arrays, info): the arrays (PreparedArrays: they carry info["input"], which train_final records) and
    info with keys: description, class_names, class_map, loader_options, input (InputSettings dict for
    checkpoints/inference), in_channels, input_size, T, flip_channels, skipped. `options`
    (merstudio.datasets.LoadOptions): --sheet, --variant, --modality, ... for the dataset of `spec`; one that its
    kind does not read is refused (named with `option_flags`, e.g. "--mix-"). They are part of
    the description and of the arrays' identity (DataArrays.options, in run.data_fingerprint).
    `framing` (model.inputs.parse_framing): the framing clips are cropped to, or the one precomputed flow images
    have; the checkpoint records it so that per-frame inference frames video faces the same way. `on_samples` is
    given the SampleSet the arrays were made of, one sample per row in order (their paths: the arrays hold none).
    `log` takes the lines said on the way (the class map, the labels dropped, the samples skipped): the CLI passes
    print; by default they go to the logger ``merstudio.training.data`` at INFO (a library prints nothing; info
    holds them too: class_map, dropped, skipped). ``split_by_subject``: whether the data are to be split by subject
    (train's folds) or scored whole (evaluate), for what its identical-inputs warning says they do."""
    from merstudio.datasets import DatasetWarning, LoadOptions, PreprocessSettings, load_samples, prepare
    from merstudio.datasets.classes import rare_classes_note
    from merstudio.datasets.parse import is_empty_cell
    from merstudio.model.config import DEFAULT_AUS
    from merstudio.model.inputs import InputSettings
    from merstudio.model.priors import au_targets_from_sets

    if log is None:
        log = _log_line
    if steps is not None and steps < 1:  # before the data is read, in the option's own name
        raise InputError(f"steps must be at least 1, got {steps} (steps= / --steps)")
    modality = (input_kind or "flow").strip().lower()
    if modality not in MODALITY_TO_PREP:  # before the data is read too
        raise InputError(f"input {input_kind!r}: expected flow, grey or flow+grey (input_kind= / --input)")
    kind, root = parse_data_spec(spec)
    opts = options if options is not None else LoadOptions()
    opts.check(kind, classes, option_flags)
    ds = load_samples(kind, root, classes=classes, allow_missing=allow_missing, verbose=False,
                      **opts.loader_kwargs())
    log(ds.class_map.describe())
    if ds.dropped:
        log("dropped (label maps to no class): " + ", ".join(f"{k} {v}" for k, v in sorted(ds.dropped.items())))
    if ds.skipped:
        log(f"skipped {len(ds.skipped)} samples (allow_missing= / --allow-missing):")
        for s in ds.skipped:
            log(f"  {s}")
    rare = rare_classes_note(s.label for s in ds)  # a mistyped label is a class of its own: said, not refused
    if rare:
        log(rare)
    images = [s for s in ds if s.kind == "image"]
    if images and modality != "flow":
        raise InputError(f"{images[0].source}: precomputed flow images give a flow input only, not {modality} "
                         "(input_kind= / --input)")
    if size is None:  # precomputed images: their own size; clips: the 28 px default
        size = _image_size(images[0].path) if images else 28
    steps, spacing = default_steps(bool(images), steps, spacing)
    prep = PreprocessSettings(modality=MODALITY_TO_PREP[modality], size=int(size), T=steps, flow=flow,
                              spacing=spacing, framing=framing)
    if images and prep.framing is None:
        log("precomputed flow images: their framing of the face is taken to be merstudio's aligned face, which video "
            "is fed as; if they are the MEGC2019 composite's shared flow images, give framing='megc2019' / "
            "--framing megc2019 (tighter and higher: docs/model.md, \"Framing\")")
    with warnings.catch_warnings():  # its "no face found" warning: said once, below
        warnings.filterwarnings("ignore", message=".*had no face found", category=DatasetWarning)
        X, pinfo = prepare(list(ds), prep, progress=progress, cache_dir=cache_dir, skip_bad=allow_missing)
    failed = pinfo.get("failed", [])
    if failed:  # frames the loader's checks did not read (a step between onset and apex): skipped too
        log(f"skipped {len(failed)} more samples whose frames cannot be read (allow_missing= / --allow-missing):")
        for _, key, why in failed:
            log(f"  {key}: {why}")
        bad = {i for i, _, _ in failed}
        ds = dataclasses.replace(ds, samples=[x for i, x in enumerate(ds) if i not in bad])
    if on_samples is not None:
        on_samples(ds)
    au_list = list(aus) if aus is not None else list(DEFAULT_AUS)
    # A sample counts as AU-coded when the dataset wrote AUs for it; SMIC writes no AU cell and a NULL, "/" or "-"
    # cell says nothing either: masked, never a target of "no AU at all"
    au_sets = [s.aus if (s.aus or not is_empty_cell(s.aus_raw)) else None for s in ds]
    au, au_mask = au_targets_from_sets(au_sets, au_list)
    inp = InputSettings(modality=modality, size=prep.size, T=prep.T, flow_method=flow, spacing=prep.spacing,
                        framing=None if prep.framing is None else list(prep.framing)).to_dict()
    # How the flow channels were normalised (merstudio.datasets.preprocess): per sample, per channel, min-max
    # to 0..1. Recorded so that inference can do the same.
    inp["normalise"] = "minmax"
    inp["preprocess"] = prep.to_dict()
    # what the training inputs were, apart from how the app prepares video for the model (the settings above): a
    # table of precomputed flow images was used as it is (no flow computed, no face aligned)
    inp["training_source"] = training_source(kind, root, ds, prep)
    arrays = PreparedArrays(X=X, y=ds.labels, subjects=np.array(ds.subjects, dtype=object),
                            samples=np.array([s.sample for s in ds], dtype=object),
                            datasets=np.array([s.dataset for s in ds], dtype=object), au=au, au_mask=au_mask,
                            options=opts.identity(), input=dict(inp))
    duplicates = duplicate_inputs_note(arrays, split_by_subject=split_by_subject)
    if duplicates:
        log(duplicates)
    if pinfo.get("centre_cropped"):
        print(f"merstudio: {len(pinfo['centre_cropped'])} samples had no face found and were centre-cropped",
              file=sys.stderr)
    info = {
        "description": opts.describe(f"{kind}:{root}" if kind != "table" else str(root)),
        "loader_options": opts.given(),
        "class_names": list(ds.classes),
        "class_map": ds.class_map.describe(),
        "input": inp,
        "in_channels": prep.channels,
        "input_size": prep.size,
        "T": prep.T,
        "flip_channels": [0] if modality != "grey" else [],
        "aus": au_list,
        "n_au_coded": int(au_mask.sum()),
        "skipped": [str(s) for s in ds.skipped] + [f"{key}: {why}" for _, key, why in failed],
        "dropped": dict(sorted(ds.dropped.items())),
        "rare_classes": rare,
        "duplicate_inputs": duplicates,
        "notes": list(ds.notes),
        "centre_cropped": [key for key, _ in pinfo.get("centre_cropped", [])],
    }
    return arrays, info


def data_record(info: dict[str, Any], n_samples: int) -> str:
    """What the loader read and left out, as Markdown (a run folder's data.md): the class map, the labels mapped to
    no class, the rows skipped (--allow-missing) and the irregularities it recovered from. The console showed them
    once; a run's results are read later, without it."""
    lines = [f"# Data: {info.get('description', '')}", "", f"{n_samples} samples.", "", "## Class map", "",
             "```", str(info.get("class_map", "")).rstrip(), "```", ""]
    dropped = info.get("dropped") or {}
    lines += ["## Labels mapped to no class (left out)", ""]
    lines += [f"- {k}: {v}" for k, v in dropped.items()] or ["none"]
    if info.get("rare_classes"):
        lines += ["", "## Classes with very few samples", "", str(info["rare_classes"])]
    if info.get("duplicate_inputs"):
        lines += ["", "## Identical inputs under different subjects", "", str(info["duplicate_inputs"])]
    skipped = info.get("skipped") or []
    lines += ["", f"## Rows skipped ({len(skipped)})", ""]
    lines += [f"- {s}" for s in skipped] or ["none"]
    cropped = info.get("centre_cropped") or []
    if cropped:
        lines += ["", f"## No face found: centre-cropped ({len(cropped)})", ""] + [f"- {k}" for k in cropped]
    notes = info.get("notes") or []
    lines += ["", f"## Notes ({len(notes)})", ""]
    lines += [f"- {n}" for n in notes] or ["none"]
    return "\n".join(lines) + "\n"


def duplicate_inputs_note(data: DataArrays, limit: int = 4, split_by_subject: bool = True) -> str:
    """One line where samples of different subjects have byte-identical network inputs (the same clip or image under
    two ids: a CASME II table merged with the MEGC composite, which holds CASME II): protocols split by subject, so
    such a sample can be trained on in the fold that tests its twin. Names how many samples and the subject pairs;
    '' when there are none. One hash per sample (run.sample_fingerprint, as evaluate matches a checkpoint's).
    ``split_by_subject`` False: data scored whole (evaluate, no folds), where they count more than once."""
    from merstudio.training.run import sample_fingerprint

    owners: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for x, subject in zip(data.X, data.subjects, strict=True):
        h = sample_fingerprint(x)
        owners.setdefault(h, set()).add(str(subject))
        counts[h] += 1
    shared = {h: sorted(s) for h, s in owners.items() if len(s) > 1}
    if not shared:
        return ""
    n = sum(counts[h] for h in shared)
    pairs = sorted({f"{a}={b}" for subs in shared.values() for i, a in enumerate(subs) for b in subs[i + 1:]})
    shown = ", ".join(pairs[:limit]) + (f" and {len(pairs) - limit} more" if len(pairs) > limit else "")
    harm = "a split by subject (train's folds, LOSO) puts them on both sides, so those subjects' folds are " \
        "invalid" if split_by_subject else "this evaluation counts such an input once under each subject that has " \
        "it (more than once in its figures)"
    return (f"warning: {n} samples have an identical input under another subject ({len(pairs)} subject pair"
            f"{'s' * (len(pairs) > 1)}: {shown}): {harm}; drop the duplicate rows or give them one subject id")


def training_source(kind: str, root: Path, ds: Any, prep: Any) -> dict[str, Any]:
    """What a model's training inputs were made from, for its checkpoint (meta["input"]["training_source"]): how
    many precomputed flow images (used as they are) and their sizes in pixels; how many clips (flow computed by
    merstudio with ``prep``); for a sample table, the file and the first 16 hex digits of its SHA-256."""
    images = [s for s in ds if s.kind == "image"]
    out: dict[str, Any] = {"images": len(images), "clips": len(ds) - len(images)}
    if images:
        out["image_sizes"] = _image_sizes(s.path for s in images)
    if out["clips"]:
        out["flow"] = prep.flow if prep.modality != "grey" else None
    if kind == "table":
        table = _table_file(root)
        out["table"] = str(table)
        try:
            out["table_sha256"] = hashlib.sha256(table.read_bytes()).hexdigest()[:16]
        except OSError:
            pass
    return out


def _table_file(root: Path) -> Path:
    """The sample table a table:ROOT reads (a folder: its samples.csv, else its first .csv, as the loader)."""
    if root.is_dir():
        return next((p for p in [root / "samples.csv", *sorted(root.glob("*.csv"))] if p.is_file()),
                    root / "samples.csv")
    return root


def _image_sizes(paths: Any) -> dict[str, int]:
    """{"WxH": how many} of image files (their headers only); "?" for one that cannot be read."""
    from PIL import Image

    sizes: Counter[str] = Counter()
    for p in paths:
        try:
            with Image.open(p) as im:
                sizes[f"{im.width}x{im.height}"] += 1
        except (OSError, ValueError):
            sizes["?"] += 1
    return dict(sizes.most_common())


def _image_size(path: Path) -> int:
    import cv2

    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise InputError(f"{path}: cannot read the image")
    h, w = img.shape[:2]
    return max(28, min(h, w))
