"""The sample record every loader produces, the set a load returns, and what was skipped on the way."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from merstudio.datasets.classes import ClassMap


class DatasetWarning(UserWarning):
    """An irregularity a loader recovered from (e.g. an apex of `/` replaced by the middle frame)."""


@dataclass(frozen=True)
class Sample:
    """One labelled clip (or one precomputed input image) of a dataset.

    `onset/apex/offset` are frame numbers as the dataset writes them (the number in the frame file name, or the
    0-based frame index of a video); `*_pos` are 0-based positions into `frames` (None when `frames` is None).
    """

    dataset: str  # "casme2", "casme", "smic", "samm", "casme_sq", "casme3a", or the table's `dataset`
    subject: str  # normalised and prefixed with the dataset: "casme2_sub01", "samm_006", "smic_s01"
    sample: str  # unique within (dataset, subject): the clip name, plus "_<onset>" for CAS(ME)^3
    label: str  # class name after the class map
    raw_label: str  # the label as written in the sheet / folder / table
    path: Path  # frame folder, video file, or one image file (precomputed input)
    # frame files onset..offset, when the sample is a frame folder (not hashed: Sample stays hashable)
    frames: list[Path] | None = field(default=None, hash=False)
    onset: int | None = None
    apex: int | None = None
    offset: int | None = None
    onset_pos: int | None = None
    apex_pos: int | None = None
    offset_pos: int | None = None
    aus: frozenset[int] = frozenset()
    aus_raw: str = ""
    fps: float | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """Unique over a composite: dataset/subject/sample."""
        return f"{self.dataset}/{self.subject}/{self.sample}"

    @property
    def kind(self) -> str:
        """"frames" (a frame folder), "video", or "image" (a precomputed network input)."""
        return str(self.meta.get("kind", "frames" if self.frames is not None else "image"))

    @property
    def source(self) -> str:
        """Where the sample was declared ("file: row N"), for messages."""
        return str(self.meta.get("source", self.path))


@dataclass(frozen=True)
class Skipped:
    """A row or clip left out because of bad input (only with allow_missing=True)."""

    file: str
    row: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: row {self.row}" if self.row is not None else self.file
        return f"{where}: {self.reason}"


@dataclass
class SampleSet:
    """What `load_samples` returns: the samples plus the class map used and everything left out.

    Behaves as a sequence of Sample (iterate, len, index)."""

    kind: str
    root: Path
    samples: list[Sample]
    class_map: ClassMap
    skipped: list[Skipped] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # "dataset:raw_label" -> count mapped to no class
    notes: list[str] = field(default_factory=list)  # recovered irregularities (also emitted as warnings)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> Sample:
        return self.samples[i]  # a slice gives a list of Sample

    def __repr__(self) -> str:
        # counts, not the samples: the dataclass's repr printed every Sample (127 KB for the MEGC2019 dev table);
        # summary() is the full report
        left = [f"{n} {what}" for n, what in ((len(self.skipped), "skipped"),
                                              (sum(self.dropped.values()), "dropped (no class)"),
                                              (len(self.notes), "notes")) if n]
        return (f"SampleSet({self.kind!r}, {str(self.root)!r}, {len(self)} samples, {len(set(self.subjects))} "
                f"subjects, classes {list(self.classes)}{''.join(', ' + x for x in left)})")

    def au_targets(self, aus: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Multi-label AU targets (N, len(aus)) float32 and a mask (N,) bool of samples that have AU codes at
        all (SMIC, a table without `aus`, or an empty/NULL cell: False, so the AU loss can skip them)."""
        y = np.array([[1.0 if a in s.aus else 0.0 for a in aus] for s in self.samples], dtype=np.float32)
        mask = np.array([bool(s.aus) for s in self.samples], dtype=bool)
        return y.reshape(len(self.samples), len(aus)), mask

    @property
    def classes(self) -> tuple[str, ...]:
        return self.class_map.classes

    @property
    def labels(self) -> np.ndarray:
        """Class index per sample (int64), in `classes` order."""
        index = {c: i for i, c in enumerate(self.classes)}
        return np.array([index[s.label] for s in self.samples], dtype=np.int64)

    @property
    def subjects(self) -> list[str]:
        return [s.subject for s in self.samples]

    def counts(self) -> dict[str, dict[str, int]]:
        """subject -> class -> count."""
        out: dict[str, dict[str, int]] = {}
        for s in self.samples:
            out.setdefault(s.subject, Counter())[s.label] += 1
        return {k: dict(v) for k, v in sorted(out.items())}

    def summary(self) -> str:
        """A printable report: counts per subject and class, the class map, dropped and skipped rows."""
        classes = self.classes
        width = max([len("subject"), *(len(s) for s in self.subjects)]) + 2
        cw = max(8, *(len(c) + 2 for c in classes)) if classes else 8
        lines = [f"{self.kind}: {len(self)} samples, {len(set(self.subjects))} subjects, "
                 f"{len(classes)} classes  ({self.root})", ""]
        lines.append("subject".ljust(width) + "".join(c.rjust(cw) for c in classes) + "total".rjust(cw))
        totals = Counter(s.label for s in self.samples)
        for subject, per in self.counts().items():
            lines.append(subject.ljust(width) + "".join(str(per.get(c, 0)).rjust(cw) for c in classes)
                         + str(sum(per.values())).rjust(cw))
        lines.append("total".ljust(width) + "".join(str(totals.get(c, 0)).rjust(cw) for c in classes)
                     + str(len(self)).rjust(cw))
        datasets = Counter(s.dataset for s in self.samples)
        if len(datasets) > 1:
            lines.append("")
            for name, n in sorted(datasets.items()):
                subj = len({s.subject for s in self.samples if s.dataset == name})
                lines.append(f"  {name}: {n} samples, {subj} subjects")
        lines += ["", self.class_map.describe()]
        if self.dropped:
            lines += ["", f"dropped (label maps to no class): {sum(self.dropped.values())}"]
            lines += [f"  {k}: {v}" for k, v in sorted(self.dropped.items())]
        if self.notes:
            lines += ["", f"notes: {len(self.notes)}"] + [f"  {n}" for n in self.notes]
        if self.skipped:
            lines += ["", f"skipped: {len(self.skipped)}"] + [f"  {s}" for s in self.skipped]
        return "\n".join(lines)


def note(notes: list[str], message: str) -> None:
    """Record a recovered irregularity and show it as a warning."""
    notes.append(message)
    warnings.warn(message, DatasetWarning, stacklevel=3)
