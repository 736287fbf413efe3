"""What a model was trained on, shown where its output is used: a readable checkpoint dialog (classes, training
data, evaluation figures, fine-tuning, date; the whole metadata in a scrollable box, never cut off), a note beside
the class-confidence lane naming the model whose curves are drawn, and a badge in the status bar. A model trained
on synthetic faces only (the bundled starter, or any checkpoint whose metadata says ``training_data.synthetic``)
gets a warning: its class confidences on real footage are not evidence.

``provenance(path, meta)`` is plain Python (tested without a window)."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.commands import AppCommand, CommandContext, Params
from merstudio.gui.look import ElidedLabel, fit_screen, on_window, small_text
from merstudio.gui.plain_text import escaped, literal_tip
from merstudio.model.checkpoint_meta import mixed_training_sets
from merstudio.regular_files import not_a_file, sha256_of

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

SYNTHETIC_NOTE = "synthetic faces only — not evidence"
WARN_COLOUR = "#b35900"


# the largest file hashed (on the GUI thread, once: cached): a checkpoint is a few MB (the starter 0.8 MB); a
# received one names its parent by path, and a path to something huge would hold the window
MAX_HASHED = 1 << 30


@lru_cache(maxsize=32)
def _sha256(path: str, mtime: float, size: int) -> str:
    return sha256_of(path)  # a FIFO or a device is refused, never read (/dev/zero never ends)


def file_digest(path: str | Path, size: int | None = None) -> str | None:
    """SHA-256 of a regular file (cached by path, time and size), None when it cannot be read, is no regular file
    (merstudio.regular_files.not_a_file) or is over MAX_HASHED bytes; ``size``: None too for a file of
    another size (it cannot be the one sought: not read at all)."""
    try:
        p = Path(path).resolve()
        st = p.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_HASHED or size is not None and st.st_size != size:
            return None
        return _sha256(str(p), st.st_mtime, st.st_size)
    except OSError:
        return None


def _size(path: str | Path | None) -> int | None:
    try:
        return Path(path).stat().st_size if path is not None else None
    except OSError:
        return None


def _starter_path() -> Path | None:
    from merstudio.resources import starter_checkpoint

    return starter_checkpoint()


def starter_digest() -> str | None:
    ckpt = _starter_path()
    return file_digest(ckpt) if ckpt is not None else None


@dataclass
class Provenance:
    """What a checkpoint was trained on, in a few words."""

    name: str
    synthetic_only: bool = False
    starter: bool = False  # the bundled starter model, or fine-tuned from it
    trained_on: str = ""  # one line: the training data (fine-tuned: the parent and the coded events)
    parent_trained_on: str = ""  # fine-tuned: its parent's training data, which its metadata keeps
    evaluation: str = ""  # one line: protocol and figures (fine-tuned: its hold-out's, with what they rest on)
    parent_evaluation: str = ""  # fine-tuned: the parent's own evaluation, named, which `metrics` replaced
    not_measured: str = ""  # the classes the evaluation had no samples of, named (a fine-tuning's hold-out)
    created: str = ""
    finetuned: str = ""  # one line when fine-tuned on corrections
    # one line per data set fine-tuning mixed in (`finetune --mix`, the dialog's Mix with): this one's and its ancestors'
    mixed_in: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)

    def lane_note(self) -> str:
        """The note beside the class-confidence lane."""
        if self.synthetic_only:
            who = "starter model" if self.starter else f"model {self.name}"
            return f"{who}: {SYNTHETIC_NOTE}"
        bits = [f"model {self.name}"]
        if self.trained_on and not self.finetuned:
            bits.append(f"trained on {self.trained_on}")
        if self.finetuned:
            bits.append(self.finetuned)
        if self.parent_trained_on:
            bits.append(f"parent trained on {self.parent_trained_on}")
        return " — ".join(bits)


def _fmt(v: Any) -> str:
    """A figure to 3 decimals; a small one (a learning rate 3e-4, a weight decay 5e-5) to 3 significant digits,
    which 3 decimals showed as 0.000."""
    if not isinstance(v, float):
        return str(v)
    return f"{v:.3g}" if v and abs(v) < 0.001 else f"{v:.3f}"


def _block(meta: dict[str, Any], key: str) -> dict[str, Any]:
    """A dict-valued entry of the metadata ({} when absent or not a dict)."""
    v = meta.get(key)
    return v if isinstance(v, dict) else {}


def provenance(path: str | Path | None, meta: dict[str, Any] | None) -> Provenance:
    """Read a checkpoint's metadata (as ``load_checkpoint`` returns it) into a Provenance. A model is "synthetic
    only" when it is the bundled starter file (same content) or its ``training_data`` says ``synthetic: true``, and
    it was not fine-tuned on coded events since (a ``finetune`` block)."""
    meta = dict(meta or {})
    name = Path(path).name if path else "model"
    data = _block(meta, "training_data")
    tuned = _block(meta, "finetune") or None
    sdig = starter_digest()
    starter_size = _size(_starter_path()) if sdig is not None else None
    # hashed only where it may be the starter (its size): a large checkpoint was read whole on the GUI thread
    is_starter_file = path is not None and sdig is not None and file_digest(path, size=starter_size) == sdig
    lineage = meta.get("lineage") if isinstance(meta.get("lineage"), list) else []
    assert isinstance(lineage, list)
    from_starter = sdig is not None and any(isinstance(x, dict) and x.get("sha256") == sdig for x in lineage)
    synthetic_data = bool(data.get("synthetic")) or is_starter_file or from_starter
    prov = Provenance(name=name, starter=is_starter_file or from_starter,
                      synthetic_only=synthetic_data and tuned is None,
                      created=str(meta.get("created") or ""), classes=[str(c) for c in meta.get("class_names") or []])
    if is_starter_file or from_starter or data.get("synthetic"):
        desc = "synthetic faces (merstudio.synth)"
    else:
        desc = str(data.get("description") or "")
    counts = [f"{data[k]} {w}" for k, w in (("n_samples", "samples"), ("n_subjects", "subjects")) if data.get(k)]
    prov.trained_on = desc + (f" ({', '.join(counts)})" if counts else "") if desc or counts else ""
    if tuned is not None:  # `training_data` is the parent's (kept for `merstudio evaluate`): said as the parent's
        prov.parent_trained_on = prov.trained_on or "not recorded"
        if len(lineage) > 1:
            k = len(lineage) - 1  # the lineage ends with the parent; the fine-tunings before it
            prov.parent_trained_on += f", then fine-tuned {'once' if k == 1 else f'{k} times'} before this"
        prov.trained_on = _finetuned_from(meta, tuned)
    m = _block(meta, "metrics")
    if m:
        if tuned is not None and "basis" not in m and str(m.get("protocol", "")).startswith("fine-tuning hold-out"):
            m = _judged_from_counts(m, tuned, prov.classes)
        prov.evaluation = _evaluation(m)
        prov.not_measured = _not_measured(m)
        origin = _block(m, "config_origin")
        if origin.get("seen_subjects"):
            prov.evaluation += (f"; its settings were chosen by a search that saw {origin['seen_subjects']} of these "
                                f"{origin.get('n_subjects', '?')} subjects: not a nested estimate")
        if origin.get("named_like_search"):  # training.run.NAMED_LIKE_SEARCH: ids shared, inputs not (h288)
            prov.evaluation += (f"; {origin['named_like_search']} of these subjects share a name with subjects the "
                                "search that chose its settings looked at (with other inputs): if the same people, "
                                "not a nested estimate")
        if synthetic_data and tuned is None:
            prov.evaluation += ", on synthetic faces: says nothing about real footage"
    if tuned is not None:
        n = len(tuned.get("events") or [])
        coders = ", ".join(tuned.get("coders") or []) or "?"
        prov.finetuned = f"fine-tuned on {n} coded event(s) of {Path(str(tuned.get('project', '?'))).name} " \
                         f"(coders {coders})"
        prov.parent_evaluation = _parent_evaluation(meta)
    prov.mixed_in = [_mixed_text(r) for r in mixed_training_sets(meta)]
    return prov


def _mixed_text(record: dict[str, Any]) -> str:
    """A mixed-in data set (a checkpoint_meta.training_sets record) in a few words: 'CASME II (casme2:/data/casme2;
    120 samples, 24 subjects)'. One recorded by its spec alone (fine-tuned before 2026-12-07) says so."""
    spec, desc = str(record.get("spec") or ""), str(record.get("description") or "")
    n, subjects = record.get("n_samples"), record.get("subjects")
    k = record.get("n_subjects", len(subjects) if isinstance(subjects, list) else 0)
    counts = (f"{n} sample{'s' * (n != 1)}, {k} subject{'s' * (k != 1)}" if isinstance(n, int)
              else "samples and subjects not recorded")  # 0 is a count: every sample came from a held-out video
    name = desc or spec or "?"
    return f"{name} ({'; '.join([*([spec] if spec and spec != name else []), counts])})"


def _evaluation(m: dict[str, Any]) -> str:
    """A `metrics` record in a line: protocol and figures. A fine-tuning hold-out says what they rest on
    (training.finetune_split.holdout_basis, recorded as "basis"): one too small to be an estimate says so first, its
    figures after (2 held-out samples of one class headlined UF1/UAR/accuracy 1.000)."""
    figs = [f"{k.upper()} {_fmt(m[k])}" for k in ("uf1", "uar", "accuracy") if isinstance(m.get(k), int | float)]
    n = f" (n = {m['n']})" if m.get("n") else ""
    protocol = str(m.get("protocol") or "protocol not recorded")
    basis = m.get("basis")
    if isinstance(basis, str) and basis and m.get("estimate") is False:
        return f"{protocol}: {basis}. Its figures: {', '.join(figs) or 'none'}{n}"
    text = ", ".join([protocol, *figs]) + n
    return f"{text}; {basis}" if isinstance(basis, str) and basis else text


def _not_measured(m: dict[str, Any]) -> str:
    """The classes a hold-out had no samples of, named as the fine-tuning's report names them (metric_rows: "others:
    not measured (no held-out samples)"); '' when it measured every class or records no counts. h288: the Evaluation
    row's "3 of 5 classes" left the reader to guess which two."""
    per = m.get("per_class_n")
    missing = [str(c) for c, k in per.items() if not k] if isinstance(per, dict) else []
    return f"{', '.join(missing)}: no held-out samples, so the Evaluation's figures leave them out" \
        if missing else ""


def _judged_from_counts(m: dict[str, Any], tuned: dict[str, Any], classes: list[str]) -> dict[str, Any]:
    """`metrics` of a checkpoint fine-tuned before its hold-out's basis was recorded (2026-12-07), with the verdict
    a fine-tuning gives now (finetune_split.holdout_basis) drawn from the per-class counts it does record: a61's
    dev-ft1.pt, 2 held-out positives, reads 'not an estimate' as a new one does. Unchanged when it records none."""
    from merstudio.training.finetune_split import holdout_basis

    counts = tuned.get("holdout_counts")
    if not isinstance(counts, dict) or not counts:
        return m
    labels = [str(c) for c, k in counts.items() if isinstance(k, int) for _ in range(max(0, k))]
    b = holdout_basis(labels, classes or list(counts))
    per = ", ".join(f"{c} {k}" for c, k in counts.items())
    return {**m, "estimate": b["estimate"], "per_class_n": m.get("per_class_n") or b["per_class"],
            "basis": f"{b['text']} (held out {per}: the counts it records, judged as a fine-tuning is now)"}


def _parent_evaluation(meta: dict[str, Any], depth: int = 0) -> str:
    """A fine-tuned checkpoint's parent's own evaluation, named: kept as `parent_metrics` since 2026-12-07 (a
    fine-tuned parent's with its own parent's after it); for an older one, read from the parent file while it is
    the same file (its SHA-256), else said to be unknown."""
    rec = meta.get("parent_metrics")
    if isinstance(rec, dict):
        text = f"{rec.get('checkpoint') or '?'}: {_evaluation(rec)}"
        if isinstance(rec.get("parent_metrics"), dict) and depth < 3:
            text += f"; its parent {_parent_evaluation(rec, depth + 1)}"
        return text
    if depth or "parent_metrics" in meta:  # recorded as none: the parent had no evaluation
        return "not recorded in the parent"
    parent, sha = meta.get("parent"), meta.get("parent_sha256")
    odd = not_a_file(parent) if isinstance(parent, str) and parent else ""
    if odd and odd != "no such file":  # a received file's parent path to a FIFO or a device: named, never read
        return f"not recorded (fine-tuned before 2026-12-07), and its parent path {parent} is {odd}"
    if isinstance(parent, str) and parent and sha and file_digest(parent) == sha:
        from merstudio.model.checkpoint_meta import peek_checkpoint_meta

        pm = peek_checkpoint_meta(parent)  # no torch: this runs on the GUI thread
        own = pm.get("metrics") if isinstance(pm, dict) else None
        if isinstance(own, dict):
            return f"{Path(parent).name}: {_evaluation(own)} (read from the parent file)"
    return "not recorded (fine-tuned before 2026-12-07, and the parent file is gone or has changed)"


def _finetuned_from(meta: dict[str, Any], tuned: dict[str, Any]) -> str:
    """'fine-tuned from <parent> on N coded events of K videos (class map X)'; a checkpoint fine-tuned before
    those were recorded (2026-12-06): its event count and project."""
    parent = Path(str(meta.get("parent"))).name if meta.get("parent") else "?"
    records = tuned.get("trained_on")
    if isinstance(records, list):
        n = len(records)
        k = len({(r.get("video_hash"), r.get("video")) for r in records if isinstance(r, dict)})
        where = f"{k} video{'s' * (k != 1)}"
    else:
        n = len(tuned.get("events") or [])
        where = Path(str(tuned.get("project", "?"))).name
    return f"fine-tuned from {parent} on {n} coded event{'s' * (n != 1)} of {where} ({_class_map_text(tuned)})"


def _class_map_text(tuned: dict[str, Any]) -> str:
    """The class map a fine-tuning used, in a few words."""
    if "class_map" not in tuned:
        return "class map not recorded"
    cmap = tuned["class_map"]
    if not isinstance(cmap, dict):
        return "no class map: emotions by class name"
    return f"class map {cmap.get('spec') or cmap.get('name') or '?'}"


class CheckpointDialog(QDialog):
    """A checkpoint's metadata, readable: what it predicts, what it was trained and evaluated on, when; with a
    warning when it saw synthetic faces only. ``use`` False: an information box (Close) rather than a question."""

    def __init__(self, path: str, meta: Any, parent: Any = None, use: bool = True) -> None:
        super().__init__(parent)
        meta = dict(meta) if isinstance(meta, dict) else {}
        self.setWindowTitle("Load checkpoint" if use else f"Model: {Path(path).name}")
        self.prov = provenance(path, meta)
        lay = QVBoxLayout(self)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)  # names the file
        self.warning.setStyleSheet(f"QLabel {{ color: white; background: {WARN_COLOUR}; padding: 8px; "
                                   "font-weight: bold; }")
        if self.prov.synthetic_only:
            self.warning.setText(
                f"{'The starter model' if self.prov.starter else Path(path).name} was trained on synthetic faces "
                "only. It has never seen a real micro-expression: its class confidences and suggested labels on "
                "real footage are not evidence. Train or fine-tune on real coded data for research use.")
        self.warning.setVisible(self.prov.synthetic_only)
        lay.addWidget(self.warning)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, str] = {}

        def row(label: str, text: str) -> None:
            if not text:
                return
            lab = QLabel(text, self)
            lab.setTextFormat(Qt.TextFormat.PlainText)  # the file's own words (classes, data, parent), as written
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"<b>{label}</b>", lab)
            self.rows[label] = text

        row("File", str(path))
        classes = self.prov.classes
        row("Classes", f"{len(classes)}: {', '.join(classes)}" if classes else "")
        aus = meta.get("aus") or []
        row("AUs", ", ".join(f"AU{int(a)}" for a in aus) if aus else "")
        row("Trained on", self.prov.trained_on or "not recorded")
        data = meta.get("training_data") if isinstance(meta.get("training_data"), dict) else {}
        tuned = meta.get("finetune") if isinstance(meta.get("finetune"), dict) else None
        if tuned is not None:  # its own class map; the parent's data and map as the parent's
            row("Class map", _class_map_text(tuned))
            row("Parent trained on", self.prov.parent_trained_on)
            if data.get("class_map"):
                row("Parent's class map", str(data["class_map"]))
        elif data.get("class_map"):
            row("Class map", str(data["class_map"]))
        row("Evaluation", self.prov.evaluation or "not recorded")
        row("Parent's evaluation", self.prov.parent_evaluation)  # beside the hold-out's: the figures it replaced
        row("Not measured", self.prov.not_measured)
        m = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
        per = m.get("per_class") if isinstance(m.get("per_class"), dict) else {}
        if per:
            row("Per class F1", ", ".join(f"{c} {_fmt(v.get('f1'))}" for c, v in per.items() if isinstance(v, dict)))
        training = meta.get("training") if isinstance(meta.get("training"), dict) else {}
        row("Training", "; ".join(f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in training.items()
                                  if not isinstance(v, dict | list) or len(str(v)) <= 60))
        row("Fine-tuned", self.prov.finetuned)
        # beside the parent's training data: these samples trained the weights too (evaluate on them is fit)
        row("Mixed in by fine-tuning", "\n".join(self.prov.mixed_in))
        row("Parent", str(meta.get("parent") or ""))
        inp = meta.get("input") if isinstance(meta.get("input"), dict) else {}
        if inp:
            from merstudio.model.checkpoint import input_provenance
            from merstudio.model.inputs import framing_note, spacing_note

            row("Input", f"{inp.get('modality', '?')} {inp.get('size', '?')}×{inp.get('size', '?')}, "
                         f"T={inp.get('T', '?')}{spacing_note(inp)}{framing_note(inp)}")
            # what it learnt from apart from what it will be given: precomputed flow images are no flow of ours
            trained, video = input_provenance(inp)
            row("Parent trained on inputs" if tuned is not None else "Trained on inputs", trained)
            row("On video", video)
        whose = "Parent's training" if tuned is not None else "Training"  # training_data is the parent's then
        data_fp = data.get("data_fingerprint")
        row(f"{whose} data", f"fingerprint {data_fp}" if data_fp else "")
        row(f"{whose} command", str(data.get("command") or ""))
        row("Created", f"{self.prov.created or '?'} (merstudio {meta.get('merstudio_version', '?')}, "
                       f"{meta.get('n_parameters', '?')} parameters)")
        body = QWidget(self)
        body.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lay.addWidget(scroll, 1)

        self.more = QToolButton(self)
        self.more.setText("All metadata ▸")
        self.more.setCheckable(True)
        self.raw = QPlainTextEdit(self)
        self.raw.setReadOnly(True)
        self.raw.setPlainText(json.dumps({k: v for k, v in meta.items() if k != "prior"}, indent=1, default=str))
        self.raw.setVisible(False)
        self.more.toggled.connect(self._show_raw)
        lay.addWidget(self.more)
        lay.addWidget(self.raw, 1)
        if use:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                       parent=self)
            buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use this model")
        else:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 520)
        self._fitted = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)  # 640x520 was taller than a 200%-scaled laptop's 540: its buttons went off the screen

    def _show_raw(self, on: bool) -> None:
        self.raw.setVisible(on)
        self.more.setText("All metadata ▾" if on else "All metadata ▸")


def read_meta(path: str | Path) -> dict[str, Any] | None:
    """A checkpoint's metadata (None when the file is gone or not readable). Read without torch when the file is
    plainly a checkpoint (milliseconds: this runs on the GUI thread when a video is shown); else torch's reader
    decides."""
    from merstudio.errors import MerstudioError
    from merstudio.model.checkpoint_meta import peek_checkpoint_meta

    meta = peek_checkpoint_meta(path)
    if meta is not None:
        return meta
    from merstudio.model.checkpoint import read_checkpoint_meta

    try:
        return read_checkpoint_meta(path)
    except (MerstudioError, OSError):
        return None


class ModelNote:
    """The note beside the class-confidence lane (and a badge in the status bar) naming the model whose class
    curves are drawn: the one the current video's stored analysis used. Synthetic-only models are flagged."""

    def __init__(self, win: MainWindow) -> None:
        self.win = win
        self.text = ""
        self.synthetic = False
        self._key: tuple[Any, ...] | None = None
        # in the legend column under the class names, never over the curves (inside the lane it hid the top of
        # the lane, where confident classes run); the whole text is the status-bar badge's and the tooltip's
        self._box = win.timeline.legend_boxes[win.timeline.class_plot]
        # the legend's small text (7 pt at the default 9 pt), as the class names above it: a fixed 7 pt stayed 7 pt
        # beside them at a coder's 16-pt font
        self.item = pg.LabelItem("", size=small_text(), justify="left", parent=self._box)
        self.item.item.document().setDocumentMargin(0)  # one line's own height, kept in the lane's (_place)
        self._box.geometryChanged.connect(self._place)
        # the class names arrive with the streamed curves, after the lane has its size: placed again then
        names = win.timeline.class_plot.legend
        if names is not None:
            names.geometryChanged.connect(self._place)
        # its whole text where the status bar has room, else the legend's short form (a 561-px badge made the
        # window wider than a 200%-scaled laptop screen at a 16-pt font)
        self.badge = ElidedLabel("", win)
        self.badge.hide()
        win.statusBar().addPermanentWidget(self.badge)
        self._meta_cache: dict[tuple[str, float], dict[str, Any] | None] = {}
        self._short = ""  # the note in the legend column
        self._style: dict[str, Any] = {}
        self.dialog: CheckpointDialog | None = None
        win._action(win.menus["analysis"], "&Model in use… (what it was trained on)",
                    lambda: win.ctx.execute(ShowModelInfo))

    def model_path(self) -> str:
        """The checkpoint behind the class curves drawn now ('' when none)."""
        win = self.win
        if win.project is None or win.video is None:
            return ""
        a = win.project.analysis(win.video.id)
        return a.model if a is not None and a.model else ""

    def _meta(self, path: str) -> dict[str, Any] | None:
        try:
            key = (path, Path(path).stat().st_mtime)
        except OSError:
            return None
        if key not in self._meta_cache:
            self._meta_cache[key] = read_meta(path)
        return self._meta_cache[key]

    def update(self) -> None:
        win = self.win
        buf = win.buffer
        # cheap when nothing changed (called on every frame of playback): the project is asked only after a change
        blind = win.coders_view.blind if hasattr(win, "coders_view") else False
        key = (win.video.id if win.video is not None else None, id(buf), win.worker is None,
               buf is not None and any(c.startswith("p_") for c in buf.columns), blind)
        if key == self._key:
            return
        self._key = key
        # blind coding hides the model's output, and so its name
        path = self.model_path() if (key[3] or win.worker is not None) and not blind else ""
        if not path:
            self.text, self.synthetic = "", False
        else:
            meta = self._meta(path)
            if meta is None:
                self.text, self.synthetic = f"model {Path(path).name} (file not found: training data unknown)", False
            else:
                prov = provenance(path, meta)
                self.text, self.synthetic = prov.lane_note(), prov.synthetic_only
        colour = WARN_COLOUR if self.synthetic else "#37474f"
        # short enough for the legend column (the whole SYNTHETIC_NOTE was cut off there)
        self._short = "synthetic only — not evidence" if self.synthetic else f"model {Path(path).name}" if path else ""
        self._style = {"color": colour, "bold": self.synthetic}
        self.item.setText(escaped(self._short), **self._style)
        self.item.setToolTip(literal_tip(self.text))
        self.item.setVisible(bool(self.text))
        # its line under the class names is kept in the lane's height (at 1366x768 it was cut in half there)
        self.win.timeline.reserve_legend_room(self.win.timeline.class_plot,
                                              self.item.item.boundingRect().height() if self.text else 0.0)
        self.badge.short = self.badge.least = self._short
        self.badge.setText(self.text)
        self.badge.setStyleSheet(f"QLabel {{ color: white; background: {WARN_COLOUR}; padding: 0 6px; }}"
                                 if self.synthetic else
                                 f"QLabel {{ color: {on_window(self.win, '#37474f')}; padding: 0 6px; }}")
        self.badge.setToolTip("The model whose class confidences are drawn (Analysis > Model in use…)")
        self.badge.setVisible(bool(self.text))
        self._place()

    def _place(self) -> None:
        """At the bottom of the legend cell, under the class names; in a lane too short for both (1366x768 with
        coder lanes: the note ran over the names' second row) on the names' last row, after its last name, cut
        to its first words when the whole does not fit there (the badge and the tooltip say all of it)."""
        if not self._short:
            return
        self.item.setText(escaped(self._short), **self._style)
        box_h, note_h = self._box.size().height(), self.item.item.boundingRect().height()  # the text's own size
        legend = self.win.timeline.class_plot.legend
        names_h = legend.boundingRect().height() if legend is not None and legend.isVisible() else 0.0
        if names_h + note_h <= box_h or legend is None or not legend.items:
            self.item.setPos(2, max(names_h, box_h - note_h))
            return
        # the free end of the names' last row, right of its last name
        names = [label.geometry() for _sample, label in legend.items]
        y = max(g.top() for g in names)
        x = max(g.right() for g in names if g.top() == y) + 6
        room = self._box.size().width() - x
        if self.item.item.boundingRect().width() > room and "—" in self._short:
            self.item.setText(escaped(self._short.split("—")[0].strip()), **self._style)
        self.item.setPos(x, y)  # what still does not fit is clipped at the column's edge



def show_model_info(win: MainWindow) -> None:
    """Analysis > Model in use…: the checkpoint loaded, else the one behind the drawn class curves."""
    from merstudio.errors import InputError

    path = str(win.checkpoint) if win.checkpoint is not None else win.model_note.model_path()
    if not path:
        raise InputError("model: none loaded, and this video's analysis used none (Analysis > Load checkpoint)")
    meta = win.checkpoint_meta if win.checkpoint is not None and isinstance(win.checkpoint_meta, dict) \
        else read_meta(path)
    if meta is None:
        odd = not_a_file(path)
        raise InputError(f"{path}: {odd if odd and odd != 'no such file' else 'the checkpoint is gone or cannot be read'}")
    dlg = CheckpointDialog(path, meta, win, use=False)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.model_note.dialog = dlg
    dlg.open()


class ShowModelInfo(AppCommand):
    """Analysis > Model in use…: the readable checkpoint dialog (Close only)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        show_model_info(ctx.win)
