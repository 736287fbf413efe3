"""Classification metrics for micro-expression recognition, MEGC style.

Predictions are pooled over all folds first and the metrics computed once (not averaged per fold).

- accuracy = correct / all
- UF1 = mean over classes of 2TP / (2TP + FP + FN)
- UAR = mean over classes of TP / N_class

Both average over the classes present in the ground truth (MEGC2019's definition): a class with no true sample
is left out of UF1 and UAR alike, predicted or not. Its predictions still count, as false positives of that class
and false negatives of the true ones; its per-class row in metrics.json keeps the numbers (support 0, F1 0 once
predicted), and summary.md's per-class table shows "—" for it. This matters for a
checkpoint evaluated on data lacking one of its classes (the starter's "none"), for a composite's per-dataset
breakdown, and for per-fold figures; a pooled LOSO/LODO figure has every class in its truth (a training run refuses
a class without samples), so its UF1 is the same under either rule.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.atomic import atomic_path
from merstudio.mpl_config import drawing, missing_glyphs_line

# Class indices: a list of ints or an integer array (e.g. probs.argmax(1)).
Labels = Sequence[int] | np.ndarray


def confusion_matrix(y_true: Labels, y_pred: Labels, n_classes: int) -> np.ndarray:
    """Rows = true class, columns = predicted class."""
    t = np.asarray(y_true, dtype=np.int64).ravel()
    p = np.asarray(y_pred, dtype=np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} items, y_pred {p.size}")
    if t.size and (t.min() < 0 or p.min() < 0 or t.max() >= n_classes or p.max() >= n_classes):
        raise ValueError(f"class index outside 0..{n_classes - 1}")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def per_class(cm: np.ndarray) -> list[dict[str, float]]:
    """Per-class support, TP/FP/FN, precision, recall, F1 (nan where undefined)."""
    rows = []
    for c in range(cm.shape[0]):
        tp = float(cm[c, c])
        fn = float(cm[c].sum() - tp)
        fp = float(cm[:, c].sum() - tp)
        support = tp + fn
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / support if support else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
        rows.append({"support": int(support), "tp": int(tp), "fp": int(fp), "fn": int(fn),
                     "precision": precision, "recall": recall, "f1": f1})
    return rows


def _nanmean(values: list[float]) -> float:
    v = [x for x in values if not np.isnan(x)]
    return float(np.mean(v)) if v else float("nan")


def scores_from_confusion(cm: np.ndarray) -> dict[str, float]:
    """Accuracy, UF1 and UAR of a confusion matrix; UF1 and UAR over the classes present in its truth (rows with
    a sample), so that the two average the same classes."""
    rows = [r for r in per_class(cm) if r["support"] > 0]
    n = int(cm.sum())
    return {
        "n": n,
        "accuracy": float(np.trace(cm) / n) if n else float("nan"),
        "uf1": _nanmean([r["f1"] for r in rows]),
        "uar": _nanmean([r["recall"] for r in rows]),
    }


def compute_metrics(y_true: Labels, y_pred: Labels, class_names: Sequence[str],
                    datasets: Sequence[str] | None = None) -> dict[str, Any]:
    """All metrics as a JSON-ready dict: accuracy, uf1, uar, n, per_class, confusion, per_dataset."""
    names = list(class_names)
    cm = confusion_matrix(y_true, y_pred, len(names))
    out: dict[str, Any] = scores_from_confusion(cm)
    out["class_names"] = names
    out["per_class"] = {name: row for name, row in zip(names, per_class(cm), strict=True)}
    out["confusion"] = cm.tolist()
    out["per_dataset"] = {}
    if datasets is not None:
        ds = np.asarray(list(datasets), dtype=object)
        t = np.asarray(y_true)
        p = np.asarray(y_pred)
        uniq = sorted({str(d) for d in ds})
        if len(uniq) > 1:
            for d in uniq:
                m = ds == d
                dcm = confusion_matrix(t[m], p[m], len(names))
                entry: dict[str, Any] = scores_from_confusion(dcm)
                entry["confusion"] = dcm.tolist()
                out["per_dataset"][d] = entry
    return out


def format_per_class_table(metrics: dict[str, Any]) -> str:
    """Markdown table: class, support, precision, recall, F1, and a line saying which classes UF1 and UAR average.
    A class with no true sample shows "—" throughout: UF1 and UAR leave it out, and its F1 and precision (0 once
    it is predicted at all) would read as a score that counted (metrics.json keeps the numbers, support 0)."""
    lines = ["| class | support | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    absent = []
    for name, r in metrics["per_class"].items():
        if not r["support"]:
            absent.append(str(name))
            lines.append(f"| {name} | 0 | — | — | — |")
            continue
        lines.append(f"| {name} | {r['support']} | {_fmt(r['precision'])} | {_fmt(r['recall'])} | {_fmt(r['f1'])} |")
    lines += ["", "UF1 and UAR average the classes present in the truth (MEGC2019)"
              + (f"; {', '.join(absent)} (support 0) {'is' if len(absent) == 1 else 'are'} left out: predictions "
                 f"of {'it' if len(absent) == 1 else 'them'} count against the true classes (the confusion "
                 f"matrix's column{'' if len(absent) == 1 else 's'})." if absent else ".")]
    return "\n".join(lines)


def format_per_dataset_table(metrics: dict[str, Any]) -> str:
    lines = ["| dataset | n | accuracy | UF1 | UAR |", "|---|---:|---:|---:|---:|"]
    for name, r in metrics.get("per_dataset", {}).items():
        lines.append(f"| {name} | {r['n']} | {_fmt(r['accuracy'])} | {_fmt(r['uf1'])} | {_fmt(r['uar'])} |")
    return "\n".join(lines)


def format_confusion_table(metrics: dict[str, Any]) -> str:
    names = metrics["class_names"]
    lines = ["| true \\ predicted | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for name, row in zip(names, metrics["confusion"], strict=True):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def _fmt(x: float) -> str:
    return "—" if x is None or np.isnan(x) else f"{x:.3f}"


def save_confusion_png(cm: np.ndarray | list, class_names: Sequence[str], path: str | Path,
                       title: str = "") -> Path:
    """Write the confusion matrix (`confusion_image`) to ``path``, in the format its suffix names (PNG)."""
    path = Path(path)
    image = confusion_image(cm, class_names, title, path.suffix.lstrip(".").lower() or "png", name=path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(image)
    return path


def confusion_image(cm: np.ndarray | list, class_names: Sequence[str], title: str = "", fmt: str = "png",
                    name: str | os.PathLike[str] = "confusion.png") -> bytes:
    """The confusion matrix (counts, row-normalised colour) drawn with the Agg backend in the plots' one style
    (mpl_config.drawing: CJK fonts as fallbacks, for a lab's classes named in Chinese or Japanese), as a ``fmt``
    file's bytes (a run folder writes it with its other results, as one set). Class names no installed font can draw
    are said in one warning naming the file as ``name``, as `analyze --plot` says them."""
    with drawing():
        return _confusion_image(cm, class_names, title, fmt, name)


def _confusion_image(cm: np.ndarray | list, class_names: Sequence[str], title: str, fmt: str,
                     name: str | os.PathLike[str]) -> bytes:
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cm = np.asarray(cm, dtype=np.int64)
    rows = cm.sum(axis=1, keepdims=True)
    norm = np.divide(cm, rows, out=np.zeros(cm.shape, dtype=float), where=rows > 0)
    n = len(class_names)
    fig = Figure(figsize=(2.2 + 0.9 * n, 1.3 + 0.8 * n), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    # the cells show counts, the colour each count's share of its row: said, or the figure reads as counts
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04).set_label("share of the true class (row)", fontsize=8)
    ax.set_xticks(range(n), labels=list(class_names), rotation=45, ha="right")
    ax.set_yticks(range(n), labels=list(class_names))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if norm[i, j] > 0.5 else "black", fontsize=9)
    ax.set_title((title + "\n" if title else "") + "counts; colour normalised per row", fontsize=9)
    fig.tight_layout()
    line = missing_glyphs_line(fig, name)
    if line:  # once for the figure (drawing() keeps matplotlib's own, a line a character at every draw, quiet)
        warnings.warn(line, UserWarning, stacklevel=3)
    buf = io.BytesIO()
    from merstudio.model.checkpoint_meta import png_metadata  # "Software: merstudio X", not matplotlib

    fig.savefig(buf, format=fmt, metadata=png_metadata() if fmt == "png" else None)
    return buf.getvalue()
