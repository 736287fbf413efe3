"""Loaders for the micro-expression datasets as distributed (see ../shared/reference/datasets.md).

One entry point, `load_samples(kind, root, ...)`, dispatches to a loader per dataset. Every loader maps the
label first (a row whose label maps to no class is dropped and counted, and its files are never checked),
then resolves the clip on disk. Bad input raises InputError("<file>: row N: <what>") unless
allow_missing=True, which records it in `SampleSet.skipped` and goes on.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from merstudio.datasets.classes import ClassMap, class_map, is_unknown
from merstudio.datasets.parse import (
    IMAGE_EXTS,
    TEXT_SHEET_SUFFIXES,
    SheetRow,
    cell_text,
    f_twin,
    find_child,
    find_dir,
    find_file,
    find_files,
    frame_number,
    glob_to_re,
    list_images,
    numbered_dirs,
    numbered_frames,
    parse_aus,
    person_key,
    read_table,
    read_table_rows,
    read_workbook_rows,
    sheet_delimiter,
    sheet_names,
    subject_number,
)
from merstudio.datasets.sample import Sample, SampleSet, Skipped, note
from merstudio.errors import InputError
from merstudio.facs import objective_class, read_objective_class
from merstudio.io import VIDEO_EXTENSIONS
from merstudio.textfile import csv_rows, read_table_text

KINDS = ("casme2", "casme", "smic", "samm", "casme_sq", "casme3a", "megc2019", "table")
_ALIASES = {
    "casmeii": "casme2", "casme-ii": "casme2", "casme_ii": "casme2", "casme1": "casme", "casmei": "casme",
    "casme-i": "casme", "smic-hs": "smic", "smic_hs": "smic", "cas(me)2": "casme_sq", "cas(me)^2": "casme_sq",
    "casme^2": "casme_sq", "casmesq": "casme_sq", "casme-sq": "casme_sq", "cas(me)3": "casme3a",
    "cas(me)^3": "casme3a", "casme3": "casme3a", "casme3-a": "casme3a", "casme^3": "casme3a", "megc": "megc2019",
    "composite": "megc2019", "generic": "table", "csv": "table",
}
FPS = {"casme2": 200.0, "casme": 60.0, "samm": 200.0, "casme_sq": 30.0, "casme3a": 30.0}
SMIC_FPS = {"HS": 100.0, "VIS": 25.0, "NIR": 25.0}


def canonical_kind(kind: str) -> str:
    k = kind.strip().lower()
    k = _ALIASES.get(k, k)
    if k not in KINDS:
        raise InputError(f"{kind}: unknown dataset kind (choose from {', '.join(KINDS)})")
    return k


class _Ctx:
    """Collects samples, drops, skips and notes for one load."""

    def __init__(self, cmap: ClassMap, allow_missing: bool, check_images: bool) -> None:
        self.cmap = cmap
        self.allow_missing = allow_missing
        self.check_images = check_images
        self.samples: list[Sample] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.dropped: Counter[str] = Counter()
        self.keys: set[tuple[str, str, str]] = set()
        self.by_key: dict[tuple[str, str, str], Sample] = {}
        # Composite with an official GT file: (dataset, subject no., canonical name, "file: row N") -> its label
        # and where the GT writes it (file, row, the name as written there: a bad label is that row's), None for a
        # row it does not choose (_GroundTruth)
        self.select: Callable[[str, int, str, str], tuple[str, Path, int, str] | None] | None = None
        self.relabelled: list[str] = []  # "casme2 sub01/EP02_01f: happiness -> GT negative": GT against own label
        self.listed: set[tuple[str, int, str]] = set()  # (dataset, subject no., lower-case name) the sheet codes
        # an objective class map: (dataset, "sheet" | "aus") -> rows whose class came from the sheet's objective
        # class column or from their AUs (said in the notes)
        self.objective_from: Counter[tuple[str, str]] = Counter()

    def problem(self, file: Path | str, row: int | None, reason: str) -> None:
        if not self.allow_missing:
            where = f"{file}: row {row}" if row is not None else f"{file}"
            raise InputError(f"{where}: {reason}")
        self.skipped.append(Skipped(str(file), row, reason))

    def label(self, dataset: str, raw: Any, file: Path, row: int | None,
              subject_no: int | None = None, name: str = "", aus: Any = None,
              objective: Any = None) -> tuple[str, str] | None:
        """(class, raw label) for a row, or None when the row is left out (dropped, unselected, or bad). `aus` (the
        row's AU cell) and `objective` (its objective class cell, where the sheet has the column) label the row
        under an objective class map; `aus` None: the row has no AU column at all."""
        raw_text = cell_text(raw)
        if self.cmap.objective:
            return self._objective_label(dataset, raw_text, file, row, subject_no, name, aus, objective)
        if self.select is not None:
            if subject_no is None:
                return None
            chosen = self.select(dataset, subject_no, name, f"{file.name}: row {row}" if row is not None else str(file))
            if chosen is None:
                return None
            (raw_text, gt_file, gt_row, gt_name), source = chosen, raw_text
            mapped = self.cmap.lookup(dataset, raw_text)
            if is_unknown(mapped) or mapped is None:
                # the ground truth's row is wrong, not the sheet's or the clip's it chose
                classes = ", ".join(f"{i} {c}" for i, c in enumerate(self.cmap.classes))
                self.problem(gt_file, gt_row, f"label '{raw_text}' of {dataset} {gt_name} is not a {self.cmap.name} "
                                              f"class ({classes})")
                return None
            own = self.cmap.lookup(dataset, source) if source else None
            if source and (own is None or is_unknown(own) or str(own) != str(mapped)):
                self.relabelled.append(f"{dataset} {subject_no}/{name}: its own label '{source}' "
                                       f"({'not in the map' if own is None or is_unknown(own) else own}) -> "
                                       f"{mapped} by the ground truth")
            return str(mapped), source or raw_text
        if not raw_text:
            self.problem(file, row, "empty label")
            return None
        mapped = self.cmap.lookup(dataset, raw_text)
        if is_unknown(mapped):
            self.problem(file, row, f"unknown label '{raw_text}' for class map {self.cmap.name}")
            return None
        if mapped is None:
            self.dropped[f"{dataset}:{raw_text.lower()}"] += 1
            return None
        return str(mapped), raw_text

    def _objective_label(self, dataset: str, raw_text: str, file: Path, row: int | None, subject_no: int | None,
                         name: str, aus: Any, objective: Any) -> tuple[str, str] | None:
        """ctx.label under an objective class map (MEGC2018's protocol): the sheet's objective class where it codes
        one (SAMM "3", CAS(ME)^3 "III"), else the class of the row's AUs (merstudio.facs: CASME II has no column;
        AUs in no class are VII). A composite's ground truth chooses the samples, not their class."""
        if self.select is not None and (subject_no is None or self.select(
                dataset, subject_no, name, f"{file.name}: row {row}" if row is not None else str(file)) is None):
            return None
        cell = cell_text(objective)
        numeral = read_objective_class(cell)
        if numeral is None:
            self.problem(file, row, f"objective class '{cell}' is none of I-VII (or 1-7), which class map "
                                    f"{self.cmap.name} reads")
            return None
        source = "sheet"
        if not numeral:
            if aus is None:  # a structural fault of the file, not of one row: refused whatever --allow-missing says
                raise InputError(f"{file}: row {row}: class map {self.cmap.name} labels each row by its FACS "
                                 f"objective class, and label '{raw_text}' is none (I-VII) while the table has no "
                                 "aus column to find it from: add one (e.g. 4+7), or label the rows I-VII")
            numeral, source = objective_class(parse_aus(aus)[0]), "aus"
            if not numeral:
                self.dropped[f"{dataset}:no AUs coded"] += 1  # nothing moved to classify: counted, as a drop is
                return None
        mapped = self.cmap.lookup(dataset, numeral)
        if mapped is None or is_unknown(mapped):
            self.dropped[f"{dataset}:class {numeral}"] += 1
            return None
        self.objective_from[(dataset, source)] += 1
        return str(mapped), raw_text or numeral

    def objective_notes(self) -> None:
        """Per dataset, where its rows' objective classes came from (the notes)."""
        for dataset in dict.fromkeys(d for d, _ in self.objective_from):
            sheet, aus = self.objective_from[(dataset, "sheet")], self.objective_from[(dataset, "aus")]
            parts = ([f"from the sheet's objective class column for {_rows(sheet)}"] if sheet else []) + \
                ([f"from the AUs for {_rows(aus)}" + (" (their cell blank)" if sheet else "")] if aus else [])
            note(self.notes, f"{dataset}: objective class {' and '.join(parts)} (class map {self.cmap.name})")

    def add(self, sample: Sample, file: Path, row: int | None) -> None:
        # The same row twice is one clip counted twice: a problem. A clip named again with another onset is a
        # second expression in it (a raw clip coded twice; CAS(ME)^3 keys its repeats by onset itself): keyed by
        # its onset, and noted.
        key = (sample.dataset, sample.subject, sample.sample)
        if key in self.keys:
            first = self.by_key[key]
            if (first.onset, first.apex, first.offset, first.label) == \
                    (sample.onset, sample.apex, sample.offset, sample.label) or sample.onset is None:
                self.problem(file, row, f"duplicate sample {sample.subject}/{sample.sample} (the same row again)")
                return
            note(self.notes, f"{file}: row {row}: {sample.subject}/{sample.sample} is coded again (frames "
                             f"{sample.onset}-{sample.offset}, first {first.onset}-{first.offset}): kept as "
                             f"{sample.sample}_{sample.onset}")
            sample = _replace(sample, sample=f"{sample.sample}_{sample.onset}")
            key = (sample.dataset, sample.subject, sample.sample)
            if key in self.keys:
                self.problem(file, row, f"duplicate sample {sample.subject}/{sample.sample}")
                return
        self.keys.add(key)
        self.by_key[key] = sample
        self.samples.append(sample)


def _rows(n: int) -> str:
    return f"{n} row{'s' * (n != 1)}"


def _replace(s: Sample, **kw: Any) -> Sample:
    from dataclasses import replace

    return replace(s, **kw)


def _unreadable(path: Path) -> str | None:
    """Why an image cannot be a sample's frame (it does not decode, or is cut short), or None."""
    from merstudio.io.images import cut_note, read_image

    img = read_image(path)
    if img is None:
        return f"unreadable image {path}"
    return None if img.cut is None else f"image {path} is cut short ({cut_note(img.cut)})"


def _clip_sample(ctx: _Ctx, file: Path, row: int | None, *, dataset: str, subject: str, name: str,
                 label: tuple[str, str], folder: Path | None, onset: int | None, apex: int | None,
                 offset: int | None, aus: tuple[frozenset[int], str], fps: float | None,
                 meta: dict[str, Any] | None = None, frames_by_number: dict[int, Path] | None = None,
                 coded: bool = False) -> None:
    """Resolve a clip folder to frames onset..offset and add the sample (or report what is missing).

    coded: a sheet row, whose frames its coder wrote: one with neither onset nor offset, or an onset with neither
    apex nor offset, is a broken row (its folder is a whole RAW clip or task video, whose ends say nothing of the
    expression's). Without (SMIC's folders, a table's plain folder) the clip is the folder's frames."""
    if coded and offset is None and (onset is None or apex is None):
        what, unknown = ("no onset or offset", "starts and ends") if onset is None else \
            (f"an onset ({onset}) but no apex or offset", "ends")
        ctx.problem(file, row, f"{subject}/{name} has {what} coded (blank, / or not a frame number): where the "
                               f"expression {unknown} is not known")
        return
    if folder is None or not folder.is_dir():
        ctx.problem(file, row, f"clip folder not found: {folder}")
        return
    by_num = frames_by_number if frames_by_number is not None else numbered_frames(folder)
    if not by_num:
        ctx.problem(file, row, f"no frames in {folder}")
        return
    nums = sorted(by_num)
    if onset is None and (apex is not None or offset is not None):  # a coded row whose onset cell is empty or odd
        note(ctx.notes, f"{file}: row {row}: {subject}/{name} has no usable onset (blank, / or not a frame number); "
                        f"the clip starts at its first frame {nums[0]}")
    onset = nums[0] if onset is None else onset
    if offset is None and apex is None:
        offset = nums[-1]  # no annotation (SMIC, a plain table folder; never a sheet row): the clip runs onset..last
    end = offset if offset is not None else (apex if apex is not None else nums[-1])
    for what, n in (("onset", onset), ("offset", offset), ("apex", apex)):
        if n is not None and n not in by_num:
            ctx.problem(file, row, f"{what} frame {n} not found in {folder} (frames {nums[0]}..{nums[-1]})")
            return
    if end < onset:
        ctx.problem(file, row, f"offset {end} is before onset {onset}")
        return
    if offset is None and apex is not None and apex < nums[-1]:
        note(ctx.notes, f"{file}: row {row}: {subject}/{name} has no offset coded; the clip ends at its apex "
                        f"{apex} (onset -> apex, what the network reads)")
    span = [n for n in nums if onset <= n <= end]
    if len(span) < end - onset + 1:  # frames missing from the folder: steps are placed on the ones there
        gone = [n for n in range(onset, end + 1) if n not in by_num]
        note(ctx.notes, f"{file}: row {row}: {subject}/{name}: {len(gone)} frame(s) of {onset}..{end} missing in "
                        f"{folder.name} ({', '.join(map(str, gone[:5]))}{', ...' if len(gone) > 5 else ''})")
    frames = [by_num[n] for n in span]
    if apex is None or not onset <= apex <= end:
        mid = span[len(span) // 2]
        if meta is None or not meta.get("apex_is_middle"):
            note(ctx.notes, f"{file}: row {row}: {subject}/{name} has no usable apex "
                            f"({'blank, / or not a frame number' if apex is None else apex}); using the middle "
                            f"frame {mid}")
        apex = mid
        meta = {**(meta or {}), "apex_is_middle": True}  # not coded: an import tags it (interchange.imputed_apex)
    if ctx.check_images:
        for n in dict.fromkeys((onset, apex, span[-1])):
            why = _unreadable(by_num[n])
            if why is not None:
                ctx.problem(file, row, why)
                return
    ctx.add(Sample(
        dataset=dataset, subject=subject, sample=name, label=label[0], raw_label=label[1], path=folder,
        frames=frames, onset=onset, apex=apex, offset=offset if offset is not None else None,
        onset_pos=0, apex_pos=span.index(apex), offset_pos=len(span) - 1 if offset is not None else None,
        aus=aus[0], aus_raw=aus[1], fps=fps,
        meta={"kind": "frames", "source": f"{file}: row {row}" if row is not None else str(file), **(meta or {})},
    ), file, row)


def _annotation(ctx: _Ctx, root: Path, sheet: str | Path | None, patterns: list[str]) -> tuple[Path, str | None]:
    """The annotation file (given, or found in root or its parent: the .xlsx names, then the same names saved as
    .csv) and the sheet name to read, if any. Several candidates (CASME II's two coding versions) are noted."""
    if sheet is not None and Path(sheet).is_file():
        return Path(sheet), None
    if sheet is not None and (Path(sheet).suffix.lower() in (".xlsx", ".xls", *TEXT_SHEET_SUFFIXES)
                              or "/" in str(sheet)):
        raise InputError(f"{sheet}: annotation file not found (sheet= / --sheet names the file, or a sheet inside "
                         "the one found beside the dataset)")
    if root.is_file():
        return root, None if sheet is None else str(sheet)
    # a sheet saved as text under its own name (Excel: CSV, or "Unicode text" as .txt); not a bare "*.csv", which
    # any table beside the data would match
    texts = [p[:-5] + ext for ext in (".csv", ".txt") for p in patterns
             if p.lower().endswith(".xlsx") and p.lower() != "*.xlsx"]
    found = find_files([root, root.parent], patterns + texts)
    if not found:
        raise InputError(f"{root}: no annotation file found (looked for {', '.join(patterns)} and the same names "
                         "as .csv or .txt; give it with sheet= / --sheet)")
    if len(found) > 1:
        note(ctx.notes, f"{found[0].parent}: {len(found)} annotation files: read {found[0].name} (the latest name); "
                        f"not read: {', '.join(p.name for p in found[1:])} (sheet= / --sheet FILE reads another)")
    return found[0], None if sheet is None else str(sheet)


def _tree(ctx: _Ctx, root: Path, variant: str | None, default: list[str], by_variant: dict[str, list[str]],
          subject_rx: str) -> Path:
    """The folder holding the subject folders: root itself, or a child matching the variant's patterns (`default`
    without one), descending one level more where the archive nests e.g. CASME2-RAW/CASME2-RAW/sub01. Noted: which
    tree (selected, raw, cropped) was read. A ROOT that is itself the tree of another variant than --variant's is
    refused, as SMIC refuses it: a cropped run must not read raw frames without a word."""
    rx = re.compile(subject_rx, re.IGNORECASE)
    patterns = _order(variant, default, by_variant)

    def has_subjects(d: Path) -> bool:
        try:
            return any(p.is_dir() and rx.fullmatch(p.name) for p in d.iterdir())
        except OSError:
            return False

    def is_variant(name: str, key: str) -> bool:
        return any(re.fullmatch(glob_to_re(p), name, re.IGNORECASE) for p in by_variant[key])

    def which(name: str) -> str | None:
        if variant is not None and is_variant(name, variant.lower()):
            return variant.lower()
        return next((k for k in by_variant if is_variant(name, k)), None)

    base = root if root.is_dir() else root.parent
    tree, named = None, base.name
    if has_subjects(base):
        tree = base
        if variant is not None and which(base.name) not in (None, variant.lower()):
            raise InputError(f"{base}: is itself the {which(base.name)} frame tree, and --variant {variant} reads "
                             f"the {variant.lower()} one: give the dataset folder holding the trees, or leave out "
                             "--variant")
    else:
        child = find_dir(base, patterns)
        for cand in [child] + ([c for c in child.iterdir() if c.is_dir()] if child else []):
            if cand is not None and has_subjects(cand):
                tree, named = cand, (child or cand).name  # CASME2-RAW/CASME2-RAW: the outer name
                break
    if tree is None:
        raise InputError(f"{base}: no frame tree with subject folders found (looked for {', '.join(patterns)})")
    kind = which(named)
    choice = f"--variant {variant}" if variant is not None else \
        f"the first found of {', '.join(by_variant)}; --variant chooses"
    note(ctx.notes, f"{tree}: frames read from " + (f"the {kind} tree ({choice})" if kind is not None else
                                                    f"this tree, whose name says none of {', '.join(by_variant)} "
                                                    f"({choice})"))
    return tree


def _order(variant: str | None, default: list[str], by_variant: dict[str, list[str]]) -> list[str]:
    if variant is None:
        return default
    key = variant.lower()
    if key not in by_variant:
        raise InputError(f"{variant}: unknown variant (choose from {', '.join(by_variant)})")
    return by_variant[key]  # that tree or nothing: a cropped run must not read raw frames without a word


# --------------------------------------------------------------------------------------------- CASME II / I


def _load_casme2(ctx: _Ctx, root: Path, sheet: str | Path | None, variant: str | None) -> None:
    ann, sheet_name = _annotation(ctx, root, sheet, ["CASME2-coding*.xlsx", "CASME2*.xlsx", "*coding*.xlsx"])
    rows = read_table(ann, ["Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Action Units",
                            "Estimated Emotion"], sheet=sheet_name, notes=ctx.notes,
                      sample_cols=["Filename", "OnsetFrame", "ApexFrame", "OffsetFrame"])
    tree = _tree(ctx, root, variant, ["CASME2_RAW_selected", "*RAW_selected*", "CASME2-RAW*", "*RAW*", "Cropped*",
                                      "*crop*"],
                 {"selected": ["*RAW_selected*"], "raw": ["CASME2-RAW*", "*RAW"], "cropped": ["Cropped*", "*crop*"]},
                 r"sub\d+")
    _casme_rows(ctx, "casme2", ann, rows, tree, ("onsetframe", "apexframe", "offsetframe", "actionunits",
                                                  "estimatedemotion"))


def _load_casme(ctx: _Ctx, root: Path, sheet: str | Path | None, variant: str | None) -> None:
    ann, sheet_name = _annotation(ctx, root, sheet, ["casme.xlsx", "CASME*.xlsx", "*.xlsx"])
    rows = read_table(ann, ["Subject", "Filename", "OnsetF", "ApexF1", "OffsetF", "AU", "Emotion"],
                      sheet=sheet_name, optional=["ApexF2"], notes=ctx.notes,
                      sample_cols=["Filename", "OnsetF", "ApexF1", "ApexF2", "OffsetF"])
    tree = _tree(ctx, root, variant, ["CASME_raw_selected*", "*raw*", "Cropped*", "*crop*"],
                 {"selected": ["*raw_selected*"], "raw": ["*raw*"], "cropped": ["Cropped*", "*crop*"]}, r"sub\d+")
    _casme_rows(ctx, "casme", ann, rows, tree, ("onsetf", "apexf1", "offsetf", "au", "emotion"))


def _listed(ctx: _Ctx, dataset: str, rows: list[SheetRow]) -> dict[int, set[str]]:
    """subject no. -> the lower-case clip names the sheet codes for it (also kept in ctx.listed for the GT)."""
    out: dict[int, set[str]] = {}
    for r in rows:
        try:
            subj = subject_number(r.values.get("subject"))
        except InputError:
            continue  # said when the row is read
        name = cell_text(r.values.get("filename")).lower()
        out.setdefault(subj, set()).add(name)
        ctx.listed.add((dataset, subj, name))
    return out


def _clip_folder(ctx: _Ctx, ann: Path, row: int, sdir: Path | None, name: str, others: set[str]) -> Path | None:
    """The clip folder of a sheet row (find_child), noting when it is read under another name than the sheet's."""
    folder = find_child(sdir, name, others) if sdir is not None and name else None
    if folder is not None and folder.name.lower() != name.lower():
        note(ctx.notes, f"{ann}: row {row}: no folder {name} in {sdir}; read {folder.name} (the names differ by a "
                        f"trailing f, and the sheet codes no clip {folder.name})")
    return folder


def _labelled_rows(ctx: _Ctx, dataset: str, ann: Path, rows: list[SheetRow], emotion: str, aus: str,
                   objective: str = "") -> Iterator[tuple[SheetRow, str, int, tuple[str, str]]]:
    """(row, clip name, subject number, ctx.label's (class, raw label)) of the sheet rows that can make samples, as
    the CASME, SAMM and CAS(ME)^3 sheets are read: a row whose subject is no number is a problem (said); one whose
    ``emotion`` column ctx.label leaves out (dropped, not selected, bad) is skipped. ``aus`` and ``objective``: the
    AU and objective class columns an objective class map labels by."""
    for r in rows:
        v = r.values
        name = cell_text(v["filename"])
        try:
            subj = subject_number(v["subject"])
        except InputError as exc:
            ctx.problem(ann, r.row, str(exc))
            continue
        label = ctx.label(dataset, v[emotion], ann, r.row, subj, _canon(dataset, name), aus=v[aus],
                          objective=v.get(objective))
        if label is None:
            continue
        if not name:  # not the subject's folder "not found": the row names no clip
            ctx.problem(ann, r.row, f"the Filename cell is empty (subject {cell_text(v['subject'])}): the row names "
                                    "no clip folder")
            continue
        yield r, name, subj, label


def _casme_rows(ctx: _Ctx, dataset: str, ann: Path, rows: list[SheetRow], tree: Path,
                cols: tuple[str, str, str, str, str]) -> None:
    c_on, c_apex, c_off, c_au, c_emo = cols
    subjects = numbered_dirs(tree)
    listed = _listed(ctx, dataset, rows)
    for r, name, subj, label in _labelled_rows(ctx, dataset, ann, rows, c_emo, c_au):
        v = r.values
        apex = frame_number(v[c_apex])
        if apex is None and dataset == "casme":
            apex = frame_number(v.get("apexf2"))
            if apex is not None:  # CASME I codes two apex columns; the second stands in, said
                note(ctx.notes, f"{ann}: row {r.row}: {name} has no usable ApexF1; its ApexF2 {apex} is the apex")
        folder = _clip_folder(ctx, ann, r.row, subjects.get(subj), name, listed.get(subj, set()))
        if folder is None:
            ctx.problem(ann, r.row, f"clip folder not found: {tree / f'sub{subj:02d}' / name}")
            continue
        # the id is the folder's name, as the composite's ground truth and its flow tables write it (EP18_01f
        # where the sheet says ep18_01F)
        _clip_sample(ctx, ann, r.row, dataset=dataset, subject=f"{dataset}_sub{subj:02d}", name=folder.name,
                     label=label, folder=folder, onset=frame_number(v[c_on]), apex=apex,
                     offset=frame_number(v[c_off]), aus=parse_aus(v[c_au]), fps=FPS[dataset], coded=True)


# -------------------------------------------------------------------------------------------------- SAMM


def _load_samm(ctx: _Ctx, root: Path, sheet: str | Path | None, variant: str | None) -> None:
    ann, sheet_name = _annotation(ctx, root, sheet, ["SAMM_Micro_FACS_Codes*.xlsx", "SAMM*.xlsx", "*FACS*.xlsx"])
    rows = read_table(ann, ["Subject", "Filename", "Onset Frame", "Apex Frame", "Offset Frame", "Action Units",
                            "Estimated Emotion"], sheet=sheet_name,
                      optional=["Objective Classes", "Micro", "Inducement Code", "Notes"], notes=ctx.notes,
                      sample_cols=["Filename", "Onset Frame", "Apex Frame", "Offset Frame"])
    tree = _tree(ctx, root, variant, ["SAMM", "SAMM_*", "*crop*"], {"raw": ["SAMM"], "cropped": ["*crop*"]},
                 r"\d{3}")
    subjects = numbered_dirs(tree)
    listed = _listed(ctx, "samm", rows)
    for r, name, subj, label in _labelled_rows(ctx, "samm", ann, rows, "estimatedemotion", "actionunits",
                                               "objectiveclasses"):
        v = r.values
        folder = _clip_folder(ctx, ann, r.row, subjects.get(subj), name, listed.get(subj, set()))
        if folder is None:
            ctx.problem(ann, r.row, f"clip folder not found: {tree / f'{subj:03d}' / name}")
            continue
        meta = {"objective_class": cell_text(v.get("objectiveclasses"))}
        _clip_sample(ctx, ann, r.row, dataset="samm", subject=f"samm_{subj:03d}", name=folder.name, label=label,
                     folder=folder, onset=frame_number(v["onsetframe"]), apex=frame_number(v["apexframe"]),
                     offset=frame_number(v["offsetframe"]), aus=parse_aus(v["actionunits"]), fps=FPS["samm"],
                     meta=meta, coded=True)


# -------------------------------------------------------------------------------------------------- SMIC


def _load_smic(ctx: _Ctx, root: Path, modality: str, variant: str | None = None) -> None:
    mod = modality.upper()
    if mod not in SMIC_FPS:
        raise InputError(f"{modality}: SMIC modality must be HS, VIS or NIR")
    rx = re.compile(r"s\d+", re.IGNORECASE)
    base = None
    by_variant = {"raw": [root / mod, root / "SMIC_all_raw" / mod, root], "cropped": [root / "SMIC_all_cropped" / mod]}
    if variant is not None and variant.lower() not in by_variant:
        raise InputError(f"{variant}: unknown variant (choose from {', '.join(by_variant)})")
    cands = by_variant[variant.lower()] if variant is not None else \
        [root / mod, root / "SMIC_all_raw" / mod, root / "SMIC_all_cropped" / mod, root]
    for cand in cands:
        if cand.is_dir() and any(p.is_dir() and rx.fullmatch(p.name) and _smic_micro(p) for p in cand.iterdir()):
            base = cand
            break
    if base is None:
        raise InputError(f"{root}: no SMIC {mod} tree found (expected {mod}/s1/micro/<label>/<clip>/)")
    cropped = "cropped" in base.parent.name.lower()
    if cropped and variant is not None and variant.lower() == "raw":  # ROOT given as the cropped tree itself
        raise InputError(f"{base}: is itself the cropped frame tree, and --variant {variant} reads the raw one: give "
                         "the dataset folder holding the trees, or leave out --variant")
    if variant is not None or (not cropped and (root / "SMIC_all_cropped" / mod).is_dir()):
        # which of two trees was read, as the sheet datasets say (a lone raw tree, SMIC's usual copy, is no news)
        note(ctx.notes, f"{base}: frames read from the {'cropped' if cropped else 'raw'} tree ("
                        + (f"--variant {variant}" if variant is not None else "the first found of raw, cropped; "
                           "--variant chooses") + ")")
    for sdir in sorted(base.iterdir(), key=lambda p: int(re.sub(r"\D", "", p.name) or 0)):
        if not (sdir.is_dir() and rx.fullmatch(sdir.name)):
            continue
        subj = subject_number(sdir.name)
        micro = _smic_micro(sdir)
        if micro is None:  # a subject recorded without a micro-expression (non_micro/ alone): nothing to read
            held = sorted(d.name for d in sdir.iterdir() if d.is_dir())
            what = "no folders" if not held else "only " + ", ".join(held[:4]) + (", ..." if len(held) > 4 else "")
            note(ctx.notes, f"{sdir}: no micro/ folder ({what}): no micro-expressions of this subject, left out")
            continue
        for ldir in sorted(p for p in micro.iterdir() if p.is_dir()):
            for clip in sorted(p for p in ldir.iterdir() if p.is_dir()):
                # SMIC has no sheet: the label is the folder name, the clip runs onset..offset, no apex.
                label = ctx.label("smic", ldir.name, clip, None, subj, _canon("smic", clip.name))
                if label is None:
                    continue
                # the id as the composite's ground truth and its flow tables write it (s01_ne_01; s1_ne_01 on disk)
                _clip_sample(ctx, clip, None, dataset="smic", subject=f"smic_s{subj:02d}", name=_smic_id(clip.name),
                             label=label, folder=clip, onset=None, apex=None, offset=None,
                             aus=(frozenset(), ""), fps=SMIC_FPS[mod],
                             meta={"modality": mod, "apex_is_middle": True, "clip": clip.name})


def _smic_micro(sdir: Path) -> Path | None:
    """A SMIC subject's micro/ folder, whatever its case (Micro/ in some copies), as the CASME and SAMM clip folders
    are found; None when it has none."""
    exact = sdir / "micro"
    return exact if exact.is_dir() else find_dir(sdir, ["micro"])


# ------------------------------------------------------------------------------------------------ CAS(ME)^2


# What the naming-rule sheets map (for messages): CAS(ME)^2's rows name participants and expressions, its folders
# name subjects and videos (s15/15_0102eatingworms).
_NAMING = {1: "participant -> subject folder (rows: folder number, folder, participant: 15, s15, 1)",
           2: "expression name -> video code (rows: code, name: 0102, disgust2)"}


def _casme_sq_naming(ann: Path) -> tuple[dict[int, int], dict[str, str], dict[int, str]]:
    """The naming-rule sheets of CAS(ME)^2code_final.xlsx: participant -> folder number ('naming rule1': folder
    no., ..., participant) and expression name -> video code ('naming rule2': '0101', 'disgust1'); a sheet not so
    named is taken by position (2nd, 3rd). Also, per rule, why it gave nothing ({} when both were read)."""
    subjects: dict[int, int] = {}
    videos: dict[str, str] = {}
    if ann.suffix.lower() != ".xlsx":
        plain = f"{ann.name} is not a workbook, so it has no 'naming rule1'/'naming rule2' sheets"
        return subjects, videos, {1: plain, 2: plain}
    names = sheet_names(ann)
    found: dict[int, str | None] = {}
    for k in (1, 2):
        named = [n for n in names if re.sub(r"[^a-z0-9]", "", n.lower()) == f"namingrule{k}"]
        found[k] = named[0] if named else (names[k] if len(names) > k else None)
    if found[1] is not None:
        for row in read_workbook_rows(ann, found[1])[1]:
            cells = [cell_text(c) for c in row if cell_text(c)]
            nums = [c for c in cells if re.fullmatch(r"s?\d+", c, re.IGNORECASE)]
            if len(nums) >= 2:
                subjects[int(re.sub(r"\D", "", nums[-1]))] = int(re.sub(r"\D", "", nums[0]))
    if found[2] is not None:
        for row in read_workbook_rows(ann, found[2])[1]:
            cells = [cell_text(c) for c in row if cell_text(c)]
            code = next((c for c in cells if re.fullmatch(r"\d{3,4}", c)), None)
            word = next((c for c in cells if re.fullmatch(r"[A-Za-z]+\d*", c)), None)
            if code and word:
                videos[word.lower()] = code.zfill(4)
    why: dict[int, str] = {}
    for k, got in ((1, subjects), (2, videos)):
        if found[k] is None:
            why[k] = f"{ann.name} has no sheet 'naming rule{k}' (sheets: {', '.join(names)})"
        elif not got:
            why[k] = f"its sheet '{found[k]}' has no rows mapping {_NAMING[k].split(' (')[0]}"
    return subjects, videos, why


def _load_casme_sq(ctx: _Ctx, root: Path, sheet: str | Path | None, variant: str | None,
                   expression: str) -> None:
    ann, sheet_name = _annotation(ctx, root, sheet, ["CAS(ME)*code*.xlsx", "*code_final*.xlsx", "*code*.xlsx"])
    _, rows = read_workbook_rows(ann, sheet_name)
    tree = _tree(ctx, root, variant, ["rawpic", "selectedpic", "cropped"],
                 {"raw": ["rawpic"], "selected": ["selectedpic"], "cropped": ["cropped"]}, r"s\d+")
    subj_map, video_map, why = _casme_sq_naming(ann)
    subjects = numbered_dirs(tree)
    want = expression.lower()
    if want not in ("micro", "macro", "all"):
        raise InputError(f"{expression}: expression must be micro, macro or all")
    seen_type = False
    for i, row in enumerate(rows, start=1):
        cells = list(row) + [None] * (9 - len(row))
        if not re.fullmatch(r"\d+(\.0+)?", cell_text(cells[0])):
            continue  # a title or header row some copies add
        kind = cell_text(cells[7]).lower()
        if "micro" not in kind and "macro" not in kind:
            ctx.problem(ann, i, f"column 8 should be the expression type (micro-/macro-expression), "
                                f"found '{cell_text(cells[7])}'")
            continue
        seen_type = True
        if want != "all" and want not in kind:
            continue
        participant = int(float(cell_text(cells[0])))
        folder_no = subj_map.get(participant, participant)
        expr = cell_text(cells[1])
        label = ctx.label("casme_sq", cells[6], ann, i, folder_no, expr.lower(), aus=cells[5])
        if label is None:
            continue
        sdir = subjects.get(folder_no)
        if sdir is None:
            hint = f"; the loader maps {_NAMING[1]} by the workbook's 'naming rule1' sheet: " + \
                (why[1] if 1 in why else f"it maps no folder to participant {participant}")
            ctx.problem(ann, i, f"no subject folder for participant {participant} in {tree}{hint}")
            continue
        video = expr.split("_")[0].lower()
        code = video_map.get(video)
        clip = None
        for d in sorted(p for p in sdir.iterdir() if p.is_dir()):
            low = d.name.lower()
            if (code and re.match(rf"0*{folder_no}_{code}", low)) or (not code and video in low):
                clip = d
                break
        if clip is None:
            hint = "" if code else f"; the loader maps {_NAMING[2]} by the workbook's 'naming rule2' sheet: " + \
                why.get(2, f"it has no code for '{video}'")
            ctx.problem(ann, i, f"no clip folder for '{expr}' (video code {code or '?'}) in {sdir}{hint}")
            continue
        onset, apex, offset = (frame_number(cells[k]) for k in (2, 3, 4))
        if onset is None or (apex is None and offset is None):
            ctx.problem(ann, i, "onset, or both apex and offset, not coded (0)")
            continue
        _clip_sample(ctx, ann, i, dataset="casme_sq", subject=f"casme_sq_s{folder_no:02d}", name=expr,
                     label=label, folder=clip, onset=onset, apex=apex, offset=offset, aus=parse_aus(cells[5]),
                     fps=FPS["casme_sq"], meta={"type": kind, "self_report": cell_text(cells[8]),
                                                "clip": clip.name}, coded=True)
    if rows and not seen_type:
        raise InputError(f"{ann}: not a CAS(ME)^2 code sheet (no row has micro-/macro-expression in column 8)")


# ------------------------------------------------------------------------------------------------ CAS(ME)^3


def _load_casme3a(ctx: _Ctx, root: Path, sheet: str | Path | None) -> None:
    ann, sheet_name = _annotation(ctx, root, sheet, ["cas(me)3_part_A*label*.xlsx", "*part_A*.xlsx", "*label*.xlsx"])
    if sheet_name is None and ann.suffix.lower() == ".xlsx" and "label" in [n.lower() for n in sheet_names(ann)]:
        sheet_name = "label"
    rows = read_table(ann, ["Subject", "Filename", "Onset", "Apex", "Offset", "AU", "emotion"], sheet=sheet_name,
                      optional=["Objective class"], notes=ctx.notes,
                      sample_cols=["Filename", "Onset", "Apex", "Offset"])
    tree = None
    base = root if root.is_dir() else root.parent
    for cand in [base, base / "part_A", *sorted(base.glob("*/part_A")), *sorted(base.glob("*/*/part_A"))]:
        if cand.is_dir() and any(p.is_dir() and p.name.lower().startswith("spno") for p in cand.iterdir()):
            tree = cand
            break
    if tree is None:
        raise InputError(f"{base}: no part_A tree with spNO.* subject folders found")
    subjects = numbered_dirs(tree)
    listed = _listed(ctx, "casme3a", rows)
    frame_cache: dict[Path, dict[int, Path]] = {}
    for r, name, subj, label in _labelled_rows(ctx, "casme3a", ann, rows, "emotion", "au", "objectiveclass"):
        v = r.values
        onset = frame_number(v["onset"])
        if onset is None:  # the onset names the sample (Filenames repeat): a row without one has no id
            ctx.problem(ann, r.row, f"{name}: onset not coded ('{cell_text(v['onset'])}'); CAS(ME)^3 samples are "
                                    "named by Filename and onset")
            continue
        clip = _clip_folder(ctx, ann, r.row, subjects.get(subj), name, listed.get(subj, set()))
        folder = None
        if clip is not None:
            folder = clip / "color" if (clip / "color").is_dir() else clip  # depth/ beside it is not read
        if folder is not None and folder not in frame_cache:
            frame_cache[folder] = numbered_frames(folder)
        # Filenames repeat within a subject (several expressions in one task video): the onset keys them.
        _clip_sample(ctx, ann, r.row, dataset="casme3a", subject=f"casme3a_sp{subj:03d}", name=f"{name}_{onset}",
                     label=label, folder=folder, onset=onset, apex=frame_number(v["apex"]),
                     offset=frame_number(v["offset"]), aus=parse_aus(v["au"]), fps=FPS["casme3a"],
                     meta={"objective_class": cell_text(v.get("objectiveclass")), "clip": name},
                     frames_by_number=frame_cache.get(folder) if folder is not None else None, coded=True)


# ------------------------------------------------------------------------------------------ MEGC2019 composite


def _smic_id(name: str) -> str:
    """A SMIC clip's id: its subject zero-padded to 2 as the composite's ground truth writes it (s1_ne_01 on disk
    -> s01_ne_01)."""
    return re.sub(r"^([sS])0*(\d+)_", lambda m: f"{m.group(1)}{int(m.group(2)):02d}_", name.strip())


def _canon(dataset: str, name: str) -> str:
    """A clip name as the composite GT and the sheets/trees are compared: lower case, SMIC's subject zero-padded.
    CASME II's trailing "f" is kept (EP05_03 and EP05_03f are two clips); select() drops it only as a fallback."""
    n = name.strip().lower()
    return _smic_id(n) if dataset == "smic" else n


def _gt_dataset(text: str) -> str | None:
    t = re.sub(r"[^a-z0-9]", "", text.lower())
    if t.startswith(("casme2", "casmeii")):
        return "casme2"
    if t.startswith("samm"):
        return "samm"
    if t.startswith("smic"):
        return "smic"
    return None


def _load_megc2019(ctx: _Ctx, root: Path, gt: str | Path | None, roots: dict[str, str | Path] | None,
                   variant: str | None) -> None:
    base = root if root.is_dir() else root.parent
    given = {k.lower(): Path(v) for k, v in (roots or {}).items()}
    found: dict[str, Path] = {}
    # MEGC2018's objective-class protocol reads CASME II and SAMM: SMIC codes no AUs to find a class from
    objective = ctx.cmap.objective
    for name, pats in (("casme2", ["CASME2", "CASME_2", "CASME II", "CASMEII", "CASME2*", "CASME_II*"]),
                       ("samm", ["SAMM", "SAMM*"]), *(() if objective else (("smic", ["SMIC", "SMIC*"]),))):
        d = given.get(name) or find_dir(base, pats)
        if d is None or not d.is_dir():
            raise InputError(f"{base}: no {name} folder for the MEGC2019 composite (ROOT must hold the CASME II, SAMM "
                             f"and SMIC folders side by side; in Python, roots={{'{name}': ...}} names one elsewhere)")
        found[name] = d
    gt_path = Path(gt) if gt is not None else (root if root.is_file() and root.suffix.lower() == ".csv"
                                                else find_file([base], ["*3class*gt*.csv", "*gt*.csv", "*3class*.csv",
                                                                      "*composite*.csv", "*megc*.csv"]))
    truth = _GroundTruth(ctx, gt_path) if gt_path is not None else None
    ctx.select = truth
    # "selected" (onset..offset frame folders) is CASME II's alone: the others read their default tree then
    other = None if variant is not None and variant.lower() == "selected" else variant
    _load_casme2(ctx, found["casme2"], None, variant)
    _load_samm(ctx, found["samm"], None, other)
    if objective:
        note(ctx.notes, f"{base}: SMIC left out: it codes no AUs or objective classes, which class map "
                        f"{ctx.cmap.name} labels by (MEGC2018's objective-class protocol: CASME II and SAMM)")
    else:
        _load_smic(ctx, found["smic"], "HS", other)
    ctx.select = None
    if truth is None:
        made = f"its rows' objective classes ({ctx.cmap.name})" if objective else \
            "each dataset's own labels mapped to the 3 classes"
        note(ctx.notes, f"{base}: no ground-truth file (*3class*gt*.csv) found: the composite is made from {made} "
                        "(give the official one: gt= / --gt FILE)")
        return
    summary = truth.summary(len(ctx.samples))
    if objective:  # its 3-class labels are not the classes trained on here
        summary = summary.replace("chose the samples and their labels",
                                  f"chose the samples (their classes: the objective ones, {ctx.cmap.name})")
    note(ctx.notes, summary)
    if ctx.relabelled:
        shown = "; ".join(ctx.relabelled[:5]) + (f"; and {len(ctx.relabelled) - 5} more" if len(ctx.relabelled)
                                                 > 5 else "")
        note(ctx.notes, f"{truth.path}: {len(ctx.relabelled)} sample(s) labelled otherwise than their dataset's own "
                        f"label maps to: {shown}")
    for key, (row, _, written) in sorted(truth.wanted.items(), key=lambda kv: kv[1][0]):
        if key not in truth.hits and key[0] in found:
            ctx.problem(truth.path, row, f"{key[0]} sample {written} of subject {key[1]} is not in the "
                                         f"{key[0]} sheet/tree ({found[key[0]]})")


class _GroundTruth:
    """The composite's official ground truth choosing the samples and their labels (ctx.select). Each of its rows
    selects ONE sheet row or SMIC clip: the first in reading order (sheet order; SMIC's folders sorted by name), so
    that the composite holds as many samples as the ground truth lists. A later sheet row coding that clip again
    (a second expression in it) is left out and named; so is a row the ground truth does not list (counted)."""

    def __init__(self, ctx: _Ctx, path: Path) -> None:
        self.path = path
        self.wanted, self.repeats = _read_gt(ctx, path)
        self.listed = ctx.listed  # filled as each sheet is read, before its rows are selected
        self.hits: set[tuple[str, int, str]] = set()
        self.twins: list[str] = []  # GT names matched to a sheet name that differs by a trailing f
        self.again: list[str] = []  # "file: row N" of the rows coding a chosen sample again
        self.unlisted: Counter[str] = Counter()  # per dataset: rows the ground truth does not list

    def __call__(self, dataset: str, subj: int, name: str, where: str) -> tuple[str, Path, int, str] | None:
        key = (dataset, subj, _canon(dataset, name))
        twin = (dataset, subj, f_twin(key[2]))
        if key not in self.wanted and dataset == "casme2" and twin in self.wanted and twin not in self.listed:
            key = twin  # EP15_01 in the GT, EP15_01f in the sheet: one clip, unless the sheet codes both names
        if key not in self.wanted:
            self.unlisted[dataset] += 1
            return None
        if key in self.hits:
            self.again.append(where)
            return None
        if key == twin:
            self.twins.append(f"{self.wanted[key][2]} ~ {name}")
        self.hits.add(key)
        row, label, written = self.wanted[key]
        return label, self.path, row, written

    def summary(self, loaded: int) -> str:
        """The note saying what the ground truth chose; `loaded`: the samples loaded (fewer than it lists where
        --allow-missing skipped some)."""
        n = len(self.wanted)
        left = ", ".join(f"{k} {d}" for d, k in sorted(self.unlisted.items()))
        again = "; ".join(self.again[:3]) + (f"; and {len(self.again) - 3} more" if len(self.again) > 3 else "")
        twins = ", ".join(self.twins[:5]) + (", ..." if len(self.twins) > 5 else "")
        count = f"{n} samples" + (f", {loaded} of them loaded" if loaded != n else "")
        return (f"{self.path}: the composite's ground truth ({count}) chose the samples and their labels"
                + (f"; sheet/tree samples it does not list left out: {left}" if left else "")
                + (f"; {len(self.repeats)} row(s) naming a sample again left out "
                   f"(row {', '.join(map(str, self.repeats))})" if self.repeats else "")
                + (f"; {len(self.again)} sheet row(s) coding a chosen sample again left out, each ground-truth row "
                   f"taking the first row of its clip in sheet order ({again})" if self.again else "")
                + (f"; {len(self.twins)} CASME II name(s) matched to the sheet's ignoring a trailing f ({twins})"
                   if self.twins else ""))


def _read_gt(ctx: _Ctx, path: Path) -> tuple[dict[tuple[str, int, str], tuple[int, str, str]], list[int]]:
    """The official composite GT: no header, CRLF, rows dataset,subject,filename,label (or ";" or tab separated, as
    Excel saves it in comma-decimal locales: told as a sheet saved as text is, sheet_delimiter). Returns
    (dataset, subject no., _canon name) -> (row, label, name as written), and the rows that name a sample again
    (a problem: the first is kept)."""
    if not path.is_file():
        raise InputError(f"{path}: ground-truth file not found")
    out: dict[tuple[str, int, str], tuple[int, str, str]] = {}
    repeats: list[int] = []
    text = read_table_text(path, "ground-truth file")
    delimiter = sheet_delimiter(text)
    for i, row in enumerate(csv_rows(path, text, delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 4:
            raise InputError(f"{path}: row {i}: expected dataset,subject,filename,label, got "
                             f"{delimiter.join(row)}")
        cells[3] = re.sub(r"^(\d+)\.0+$", r"\1", cells[3])  # 1.0: class 1 as a float column exports it
        dataset = _gt_dataset(cells[0])
        if dataset is None:
            if i == 1 and cells[3].lower() in ("label", "emotion", "class"):
                continue  # tolerate a header someone added
            raise InputError(f"{path}: row {i}: unknown dataset '{cells[0]}' (casme2, samm or smic)")
        try:
            subj = subject_number(cells[1])
        except InputError:
            raise InputError(f"{path}: row {i}: subject '{cells[1]}' has no number") from None
        key = (dataset, subj, _canon(dataset, cells[2]))
        if key in out:
            first = out[key]
            ctx.problem(path, i, f"{dataset} subject {subj} {cells[2]} is named again (row {first[0]}, "
                                 f"'{first[1]}'; here '{cells[3]}'): one sample, the first row kept")
            repeats.append(i)
            continue
        out[key] = (i, cells[3], cells[2])
    if not out:
        raise InputError(f"{path}: no rows")
    return out, repeats


# ------------------------------------------------------------------------------------------ generic table

TABLE_REQUIRED = ("subject", "sample", "label", "path")
TABLE_OPTIONAL = ("onset", "apex", "offset", "aus", "dataset", "face_box")  # keyed as norm_col spells them: facebox


def _box_cell(value: str, ctx: _Ctx, file: Path, row: int) -> tuple[bool, list[float] | None]:
    """``face_box``: "x0 y0 x1 y1" in pixels of the onset frame (which person, in a video of several), or empty."""
    text = value.strip()
    if text == "":
        return True, None
    try:
        box = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        box = []
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        ctx.problem(file, row, f"face_box '{text}' is not 'x0 y0 x1 y1' (pixels, x0 < x1, y0 < y1)")
        return False, None
    return True, box


def _int_cell(value: str, what: str, ctx: _Ctx, file: Path, row: int) -> tuple[bool, int | None]:
    text = value.strip()
    if text == "":
        return True, None
    try:
        f = float(text)
    except ValueError:
        f = float("nan")
    if not f.is_integer() or f < 0:
        ctx.problem(file, row, f"{what} '{text}' is not a frame number")
        return False, None
    return True, int(f)


def _table_objective(label: str) -> str | None:
    """A table's label as an objective class ("III", "Class III", "III anger" as the objective maps name it), or
    None; never a bare digit, which in a table is as likely MEGC2019's class index (1: positive) as class I."""
    m = re.fullmatch(r"((?:class\s*)?[IVX]+)(?:\s+[A-Za-z]+)?", label.strip(), re.IGNORECASE)
    return m.group(1) if m and read_objective_class(m.group(1)) else None


class _TableSubjects:
    """A sample table's subject cells as the people they name, for LOSO and every subject-wise split: one person
    written two ways (`7` and `007`, `sub07`, `s7`: the spellings the sheet loaders read as one number, datasets.md)
    is one subject, under the spelling seen first. Taken as written until 2026-12-08, a person spelt two ways was
    trained and tested on in one fold (a119: UF1 .856 against .794). When in doubt the rule joins, never splits: a
    subject split in two leaks one person into both sides of a fold, one joined only makes a fold larger. So the same
    cell in two named datasets (CASME II's `1` and SMIC's `1`) stays one subject, said in the notes with how to tell
    them apart. `see` every row first, then call per row."""

    def __init__(self, ctx: _Ctx, path: Path) -> None:
        self.ctx, self.path = ctx, path
        self.first: dict[object, str] = {}  # the number (or the cell) -> the spelling seen first
        self.spellings: dict[object, set[str]] = {}
        self.datasets: dict[object, set[str]] = {}  # -> the named datasets it is in
        self._said = False

    @staticmethod
    def _key(cell: str) -> object:
        return person_key(cell)

    def see(self, dataset: str, cell: str) -> None:
        """A row's subject cell and its dataset cell ("" where blank)."""
        if not cell:
            return
        key = self._key(cell)
        self.first.setdefault(key, cell)
        self.spellings.setdefault(key, set()).add(cell)
        if dataset:
            self.datasets.setdefault(key, set()).add(dataset)

    def __call__(self, cell: str) -> str:
        if not cell:
            return cell
        self._say()
        return self.first.get(self._key(cell), cell)

    def _say(self) -> None:
        if self._said:
            return
        self._said = True
        merged = [sorted(v, key=lambda t: (len(t), t)) for v in self.spellings.values() if len(v) > 1]
        if merged:
            shown = "; ".join(" = ".join(v) for v in merged[:3]) + ("; ..." if len(merged) > 3 else "")
            # said as a warning too (train prints it): the folds it changes are the ones a user would not expect
            note(self.ctx.notes, f"{self.path}: {len(merged)} subject(s) written two or more ways read as one "
                                 f"person each ({shown})")
        shared = [self.first[k] for k, v in self.datasets.items() if len(v) > 1]
        if shared:  # the notes only (`datasets inspect`): nothing is changed, one fold holds both as it did
            self.ctx.notes.append(f"{self.path}: subject(s) {', '.join(shared[:5])}{', ...' if len(shared) > 5 else ''}"
                                  " appear in more than one dataset: each is one subject (its samples in one fold); "
                                  "if they are different people, write them apart (casme2_sub01, smic_s01)")


def _load_table(ctx: _Ctx, root: Path) -> None:
    path = root
    if root.is_dir():
        cands = [root / "samples.csv"] + sorted(root.glob("*.csv"))
        path = next((p for p in cands if p.is_file()), root / "samples.csv")
    if not path.is_file():
        raise InputError(f"{path}: sample table not found")
    base = path.parent
    subject_of = _TableSubjects(ctx, path)
    # unguard: File > Export > Labelled set writes it, spreadsheet-safe where asked
    for _rowno, get in read_table_rows(path, "sample table", TABLE_REQUIRED, TABLE_OPTIONAL, unguard=True):
        subject_of.see(get.get("dataset") or "", get["subject"])
    for rowno, get in read_table_rows(path, "sample table", TABLE_REQUIRED, TABLE_OPTIONAL, unguard=True):
        dataset = get.get("dataset") or "table"
        subject, name, rel = subject_of(get["subject"]), get["sample"], get["path"]
        if not subject or not name or not rel:
            ctx.problem(path, rowno, "subject, sample and path must not be empty")
            continue
        # an objective class map: a label that is an objective class (I-VII) is the row's, else its AUs say it
        objective = _table_objective(get["label"])
        label = ctx.label(dataset, get["label"], path, rowno, aus=get.get("aus"), objective=objective)
        if label is None:
            continue
        ok = True
        nums: dict[str, int | None] = {}
        for c in ("onset", "apex", "offset"):
            good, nums[c] = _int_cell(get.get(c, ""), c, ctx, path, rowno)
            ok = ok and good
        good, box = _box_cell(get.get("facebox", ""), ctx, path, rowno)
        if not ok or not good:
            continue
        target = (base / rel).resolve() if not Path(rel).is_absolute() else Path(rel)
        aus = parse_aus(get.get("aus", ""))
        common = {"dataset": dataset, "subject": subject, "name": name, "label": label, "aus": aus, "face_box": box}
        if target.is_dir():
            _table_folder(ctx, path, rowno, target, nums, common)
        elif target.is_file() and target.suffix.lower() in IMAGE_EXTS:
            why = _unreadable(target) if ctx.check_images else None
            if why is not None:
                ctx.problem(path, rowno, why)
                continue
            ctx.add(Sample(dataset=dataset, subject=subject, sample=name, label=label[0], raw_label=label[1],
                           path=target, aus=aus[0], aus_raw=aus[1],
                           meta={"kind": "image", "source": f"{path}: row {rowno}"}), path, rowno)
        elif target.is_file() and target.suffix.lower() in VIDEO_EXTENSIONS:
            _table_video(ctx, path, rowno, target, nums, common)
        elif target.exists():
            ctx.problem(path, rowno, f"{target} is not a frame folder, image or video")
        else:
            ctx.problem(path, rowno, f"path not found: {target}")


def _table_folder(ctx: _Ctx, path: Path, rowno: int, folder: Path, nums: dict[str, int | None],
                  common: dict[str, Any]) -> None:
    """A frame folder: onset/apex/offset are the numbers in the frame file names, or 0-based positions when
    the names carry no numbers."""
    files = list_images(folder)
    by_num = numbered_frames(folder)
    if len(by_num) != len(files):
        by_num = dict(enumerate(files))
    _clip_sample(ctx, path, rowno, dataset=common["dataset"], subject=common["subject"], name=common["name"],
                 label=common["label"], folder=folder, onset=nums["onset"], apex=nums["apex"],
                 offset=nums["offset"], aus=common["aus"], fps=None,
                 meta={"apex_is_middle": nums["apex"] is None}, frames_by_number=by_num)


def _table_video(ctx: _Ctx, path: Path, rowno: int, video: Path, nums: dict[str, int | None],
                 common: dict[str, Any]) -> None:
    """A video: onset/apex/offset are 0-based frame indices; onset and offset are required."""
    onset, apex, offset = nums["onset"], nums["apex"], nums["offset"]
    if onset is None or offset is None:
        ctx.problem(path, rowno, f"video {video.name} needs onset and offset (0-based frame indices)")
        return
    if offset < onset:
        ctx.problem(path, rowno, f"offset {offset} is before onset {onset}")
        return
    import warnings

    from merstudio.io import SourceWarning, open_source

    # The frames that decode, not the container's CAP_PROP_FRAME_COUNT (an estimate in some containers, and a
    # count of stored frames that an edit list skips in others): open_source finds the real count.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SourceWarning)  # kept as notes below
            with open_source(video) as src:
                count, fps, found_notes = src.frame_count, src.fps, src.warnings
    except InputError as exc:
        ctx.problem(path, rowno, f"cannot read video: {exc}")
        return
    for message in found_notes:
        note(ctx.notes, f"{path}: row {rowno}: {message}")
    if offset >= count:
        ctx.problem(path, rowno, f"offset {offset} is past the end of {video.name} ({count} frames)")
        return
    imputed = apex is None or not onset <= apex <= offset
    if imputed:
        apex = (onset + offset + 1) // 2
    ctx.add(Sample(dataset=common["dataset"], subject=common["subject"], sample=common["name"],
                   label=common["label"][0], raw_label=common["label"][1], path=video, onset=onset, apex=apex,
                   offset=offset, aus=common["aus"][0], aus_raw=common["aus"][1], fps=fps,
                   meta={"kind": "video", "source": f"{path}: row {rowno}", **({"apex_is_middle": True} if imputed else {}),
                         **({"face_box": common["face_box"]} if common["face_box"] else {})}), path, rowno)


# ------------------------------------------------------------------------------------------------ entry point


def _check_file_root(kind: str, path: Path) -> None:
    """A file given as ROOT: what the kind reads as one (its annotation sheet, the composite's ground-truth CSV, a
    sample table), else one line saying what ROOT must be."""
    if not path.is_file() or kind == "table":
        return
    if kind == "smic":
        raise InputError(f"{path}: is a file; SMIC's ROOT is its folder (holding SMIC_all_raw/HS/s1/micro/...): "
                         "SMIC has no annotation file")
    if kind == "megc2019":
        if path.suffix.lower() != ".csv":
            raise InputError(f"{path}: is a file; ROOT is the folder holding the CASME II, SAMM and SMIC folders (or "
                             "the composite's ground-truth CSV)")
    elif path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", *TEXT_SHEET_SUFFIXES):
        raise InputError(f"{path}: is a file; ROOT is the {kind} folder or its annotation sheet (.xlsx, or saved as "
                         ".csv or .txt)")


def load_samples(kind: str, root: str | Path, *, classes: str | Path | dict | ClassMap | None = None,
                 sheet: str | Path | None = None, allow_missing: bool = False, variant: str | None = None,
                 modality: str = "HS", expression: str = "micro", gt: str | Path | None = None,
                 roots: dict[str, str | Path] | None = None, sadness_fear: str | None = None,
                 check_images: bool = True, verbose: bool = True) -> SampleSet:
    """Load a dataset as a SampleSet (a sequence of Sample plus class map, skipped, dropped and notes).

    kind: casme2 | casme | smic | samm | casme_sq (CAS(ME)^2) | casme3a (CAS(ME)^3 part A) | megc2019 | table.
    root: the dataset folder as distributed (or the table CSV / its folder).
    classes: a class map name (class_map_names()), a JSON file, a dict, or None for the dataset's usual map.
    sheet: the annotation file, or a sheet name in the one found under root.
    variant: which frame tree when several exist: "selected", "raw" or "cropped".
    modality: SMIC HS / VIS / NIR.  expression: CAS(ME)^2 micro / macro / all.
    gt, roots: MEGC2019 official GT CSV and {"casme2"|"samm"|"smic": folder} (found under root otherwise).
    sadness_fear: CASME II "drop" (usual) or "others".  check_images: decode onset/apex/offset frames now.
    """
    k = canonical_kind(kind)
    path = Path(root).expanduser()
    if not path.exists():
        raise InputError(f"{path}: not found")
    _check_file_root(k, path)
    cmap = class_map(classes, k, sadness_fear)
    if cmap.objective and k == "smic":
        raise InputError(f"{path}: SMIC codes no AUs or objective classes, which class map {cmap.name} labels by: "
                         "use smic-3 for SMIC (the objective maps read casme2, casme, samm, casme_sq, casme3a, a "
                         "table with an aus column, and megc2019's CASME II and SAMM)")
    ctx = _Ctx(cmap, allow_missing, check_images)
    if k == "casme2":
        _load_casme2(ctx, path, sheet, variant)
    elif k == "casme":
        _load_casme(ctx, path, sheet, variant)
    elif k == "samm":
        _load_samm(ctx, path, sheet, variant)
    elif k == "smic":
        _load_smic(ctx, path, modality, variant)
    elif k == "casme_sq":
        _load_casme_sq(ctx, path, sheet, variant, expression)
    elif k == "casme3a":
        _load_casme3a(ctx, path, sheet)
    elif k == "megc2019":
        _load_megc2019(ctx, path, gt, roots, variant)
    else:
        _load_table(ctx, path)
    if cmap.identity:
        # in class_key's order (the table's spelling kept): 'Surprise' not before 'anger' for its capital, and a
        # checkpoint's classes the same whatever case a lab types; lower-case names sort as they always did
        from merstudio.model.columns import class_key

        cmap = cmap.with_classes(tuple(sorted({s.label for s in ctx.samples}, key=lambda c: (class_key(c), c))))
    ctx.objective_notes()
    if not ctx.samples:
        raise InputError(f"{path}: no samples loaded" + (f" ({len(ctx.skipped)} skipped, first: {ctx.skipped[0]})"
                                                         if ctx.skipped else ""))
    present = {s.label for s in ctx.samples}
    for c in cmap.classes:
        if c not in present:
            ctx.problem(path, None, f"class '{c}' of class map {cmap.name} has no samples")
    result = SampleSet(kind=k, root=path, samples=ctx.samples, class_map=cmap, skipped=ctx.skipped,
                       dropped=dict(ctx.dropped), notes=ctx.notes)
    if verbose and ctx.dropped:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(ctx.dropped.items()))
        print(f"merstudio: dropped {sum(ctx.dropped.values())} samples whose label maps to no class "
              f"under {cmap.name} ({parts})", file=sys.stderr)
    if verbose and ctx.skipped:
        print(f"merstudio: skipped {len(ctx.skipped)} samples (bad or missing input); see SampleSet.skipped",
              file=sys.stderr)
    return result
