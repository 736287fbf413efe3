"""The agreement report: every pair of coders (event matching, Cohen's kappa, the FACS agreement index), all coders
together (Krippendorff's alpha, Fleiss' kappa) and AU intensities (ICC). See merstudio.agreement for the
definitions."""

from __future__ import annotations

import functools
import itertools
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.agreement.frames import _tracked, au_intensity_columns, events_from_frames, frame_icc
from merstudio.agreement.matching import group_units, match_events
from merstudio.agreement.stats import (
    MIN_ICC_TARGETS,
    alpha_and_agreement,
    cohen_kappa,
    fleiss_kappa,
    icc,
    kappa_from_table,
    percent_agreement,
)
from merstudio.errors import InputError, MerstudioError
from merstudio.names import fold_name, name_sort_key
from merstudio.pathnames import name_key
from merstudio.project.apex import apex_imputed
from merstudio.project.events import Event, parse_aus
from merstudio.project.store import Project

MODEL_CODER = "model"
# The project's stored analysis as a rater of AU intensities (its per-frame table, ICC against a --frames table):
# not "model", the open proposals' coder elsewhere in the report (a reader joining the tables took them for one)
FRAMES_RATER = "analysis"

PAIR_COLUMNS = ("coder_a", "coder_b", "videos", "matched", "only_a", "only_b", "f1", "mean_iou",
                "mean_abs_d_onset", "mean_abs_d_apex", "mean_abs_d_offset", "mean_d_onset", "mean_d_apex",
                "mean_d_offset", "kappa_emotion", "n_emotion", "agreement_emotion", "kappa_frames", "n_apex",
                "facs_agreement", "n_facs", "facs_agreement_all")
# "video" (the video's file name, empty where the events came without one) beside every video_id: a table joins
# the others without agreement_notes.txt; added 2026-12-07 (h223), read the columns by name
MATCH_COLUMNS = ("video_id", "video", "face_id", "coder_a", "coder_b", "status", "event_a", "event_b", "onset_a", "apex_a",
                 "offset_a", "onset_b", "apex_b", "offset_b", "d_onset", "d_apex", "d_offset", "iou", "emotion_a",
                 "emotion_b", "aus_a", "aus_b")
KAPPA_COLUMNS = ("coder_a", "coder_b", "variable", "n", "agreement", "kappa")
ALPHA_COLUMNS = ("variable", "level", "coders", "units", "values", "agreement", "alpha", "fleiss_kappa",
                 "fleiss_units")
ICC_TABLE_COLUMNS = ("source", "video_id", "video", "coder_a", "coder_b", "au", "n", "icc1_1", "icc2_1", "icc3_1", "icc1_k",
                     "icc2_k", "icc3_k", "kappa_presence")
# The ICCs the printed summary shows (and its notes name): the two-way forms, the coders being the same judges of
# every target (Shrout & Fleiss cases 2 and 3); the one-way ICC(1,*) is in the CSV and the app only.
ICC_SUMMARY_COLUMNS = ("icc2_1", "icc3_1", "icc2_k", "icc3_k")
TABLE_NAMES = ("pairs", "kappa", "alpha", "icc", "matches")  # AgreementReport.tables(), in its order
REPORT_FILES = (*(f"agreement_{k}.csv" for k in TABLE_NAMES), "agreement_notes.txt")  # write_csv's set
# What a column is and how it is computed, for a reader: {table: {column: (label, explanation)}}; the app's header
# labels and tooltips. The CSVs keep the column names; a column not here is shown by its name.
COLUMN_HELP: dict[str, dict[str, tuple[str, str]]] = {
    "pairs": {
        "coder_a": ("coder A", "The pair's first coder (only A: their events without a partner)."),
        "coder_b": ("coder B", "The pair's second coder (only B: their events without a partner)."),
        "videos": ("videos", "Videos both coders coded (events there, or recorded or checked as coded)."),
        "matched": ("matched", "Pairs of events, one per coder, on the same face: IoU at least the threshold, or "
                               "onset, apex and offset all within the tolerance."),
        "only_a": ("only A", "Coder A's events that found no partner among coder B's."),
        "only_b": ("only B", "Coder B's events that found no partner among coder A's."),
        "f1": ("F1", "2 x matched / (2 x matched + only A + only B): symmetric, 1 when every event found a partner."),
        "mean_iou": ("mean IoU", "Mean intersection over union of the matched pairs' frame spans."),
        "mean_abs_d_onset": ("|d onset|", "Mean absolute onset difference on matched pairs, in frames."),
        "mean_abs_d_apex": ("|d apex|", "Mean absolute apex difference, in frames, on the n apex matched pairs "
                                        "(an apex an import put at the middle frame is no coder's judgement)."),
        "mean_abs_d_offset": ("|d offset|", "Mean absolute offset difference on matched pairs, in frames."),
        "mean_d_onset": ("d onset", "Mean onset difference B - A on matched pairs, in frames: above 0, B marks "
                                    "it later."),
        "mean_d_apex": ("d apex", "Mean apex difference B - A, in frames, on the n apex matched pairs."),
        "mean_d_offset": ("d offset", "Mean offset difference B - A on matched pairs, in frames: above 0, B ends "
                                      "it later."),
        "kappa_emotion": ("emotion kappa", "Cohen's kappa of the emotion labels on the n emotion matched pairs; "
                                           "'-': undefined (one label throughout)."),
        "n_emotion": ("n emotion", "Matched pairs where both coders gave an emotion."),
        "agreement_emotion": ("emotion agree", "Share of matched pairs with the same emotion label (defined where "
                                               "kappa is not)."),
        "kappa_frames": ("frame kappa", "Cohen's kappa of 'inside an event' frame by frame, per face, on the videos "
                                        "both coded."),
        "n_apex": ("n apex", "Matched pairs whose apexes both coders set (those in |d apex| and d apex)."),
        "facs_agreement": ("FACS index", "FACS agreement index (Wexler 1972): 2 x (AUs both coders scored) / (AUs "
                                         "scored by A + AUs scored by B), pooled over the n FACS matched pairs; on "
                                         "AU numbers (L12, R12, 12C and 12 are all AU12)."),
        "n_facs": ("n FACS", "Matched pairs where both coders wrote AUs (those in the FACS index)."),
        "facs_agreement_all": ("FACS index, all events", "The FACS agreement index counting every AU either coder "
                                                         "scored, as FACS reliability does: the AUs of events "
                                                         "without a partner (or whose partner wrote no AUs) join "
                                                         "the denominator."),
    },
    "kappa": {
        "coder_a": ("coder A", "The pair's first coder."),
        "coder_b": ("coder B", "The pair's second coder."),
        "variable": ("variable", "The emotion label, or an AU's presence (with its side when sides are compared)."),
        "n": ("n", "Matched pairs where both coders gave a value (an event without AUs written has no AU value)."),
        "agreement": ("agreement", "Share of those pairs with the same value."),
        "kappa": ("kappa", "Cohen's kappa; '-': undefined (one category throughout)."),
    },
    "alpha": {
        "variable": ("variable", "event frames ('inside an event', frame by frame), the emotion label, an AU's "
                                 "presence, or an AU's FACS intensity letter (A-E, ordinal)."),
        "level": ("level", "nominal, or ordinal for intensities."),
        "coders": ("coders", "Coders compared: every chosen coder with events on a compared video."),
        "units": ("units", "Units (events grouped across coders, or frames) that two or more coders rated."),
        "values": ("values", "Values in those units."),
        "agreement": ("agreement", "Share of pairable values that agree (defined where alpha is not)."),
        "alpha": ("alpha", "Krippendorff's alpha over all the coders; '-': undefined (one value throughout)."),
        "fleiss_kappa": ("Fleiss' kappa", "Fleiss' kappa with 3 or more coders on nominal variables, over the "
                                          "units every coder rated (two coders: Cohen's kappa tab)."),
        "fleiss_units": ("Fleiss units", "Units every coder rated (those in Fleiss' kappa)."),
    },
    "icc": {
        "source": ("source", "frames: two per-frame AU tables, n = frames; events: FACS intensity letters A-E (1-5, "
                             "absent 0) on matched events, n = pairs where either coder scored the AU."),
        "video": ("video", "The video's file name (blank for events: pooled over the compared videos)."),
        "au": ("AU", "The AU, AU01 as the kappa and alpha tables name it (before 2026-12-07 a bare number: 1)."),
        "n": ("n", "Frames, or matched pairs where either coder scored the AU (at least 3 for an ICC)."),
        "icc1_1": ("icc1_1", "Shrout & Fleiss ICC(1,1): one-way random, single rater."),
        "icc2_1": ("icc2_1", "Shrout & Fleiss ICC(2,1): two-way random, absolute agreement, single rater."),
        "icc3_1": ("icc3_1", "Shrout & Fleiss ICC(3,1): two-way mixed, consistency, single rater."),
        "icc1_k": ("icc1_k", "ICC(1,k): as ICC(1,1), for the mean of the two raters."),
        "icc2_k": ("icc2_k", "ICC(2,k): as ICC(2,1), for the mean of the two raters."),
        "icc3_k": ("icc3_k", "ICC(3,k): as ICC(3,1), for the mean of the two raters."),
        "kappa_presence": ("kappa_presence", "Per-frame tables: Cohen's kappa of the AU's presence columns "
                                             "(AUxx_c), frame by frame."),
    },
    "matches": {
        "video": ("video", "The video's file name (video_id: its id in the project)."),
        "status": ("status", "matched, only_a (coder A's event without a partner) or only_b (coder B's)."),
        "event_a": ("event_a", "Coder A's event id (blank: no event of A in this row)."),
        "event_b": ("event_b", "Coder B's event id (blank: no event of B in this row)."),
        "d_onset": ("d_onset", "onset_b - onset_a, in frames."),
        "d_apex": ("d_apex", "apex_b - apex_a, in frames (blank where an import put an apex at the middle frame)."),
        "d_offset": ("d_offset", "offset_b - offset_a, in frames."),
        "iou": ("iou", "Intersection over union of the two events' frame spans."),
    },
}


class AgreementCancelled(MerstudioError):
    """The ``cancel`` callable of agreement_report / agreement_from_events asked the computation to stop: no report
    (nothing is returned or written)."""

    exit_code = 130


Progress = Callable[[int, int], None]  # progress(done, total): steps (a coder pair on a video, a video's units)


class _Steps:
    """The report's steps (each coder pair on each compared video, then each video's alpha units), counted for
    ``progress`` and checked against ``cancel`` before each one: a caller (the app's dialog, the command line) can
    show how far it got and stop it between two steps (AgreementCancelled)."""

    def __init__(self, total: int, progress: Progress | None, cancel: Callable[[], bool] | None) -> None:
        self.done, self.total, self.progress, self.cancel = 0, total, progress, cancel
        if progress is not None:
            progress(0, total)

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise AgreementCancelled(f"agreement report cancelled after {self.done} of {self.total} steps; "
                                     "nothing was written")

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


_LETTERS = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0, "E": 5.0}


def coder_of(event: Event) -> str:
    """The coder an event counts for: its ``coder`` (in Unicode NFC: a project stored before 2026-12-07 may hold one
    name in both forms, a Mac's file's decomposed "Zoë" beside the typed one), or ``model`` for an uncredited model
    event."""
    name = coder_key(event.coder or "")
    if name:
        return name
    return MODEL_CODER if event.source == "model" else "(unnamed)"


def coder_key(name: str) -> str:
    """A coder's name as the report compares it: stripped, in Unicode NFC (Event.validated stores it so; projects
    stored before it did may hold a Mac's decomposed form)."""
    return name_key(name.strip())


def _emotion(e: Event) -> str | None:
    # as labels compare (names.fold_name): "Überraschung" from a Mac agrees, Turkish "İğrenme" with "iğrenme"
    label = fold_name((e.emotion or "").strip())
    return label or None


def _au_terms(e: Event | None) -> tuple[tuple[str, int, str], ...] | None:
    """The event's AU string parsed ((side, AU, intensity letter) per term); None when there is no event or its AUs
    are not coded (an empty or unreadable string), which is missing, not 'no AU'."""
    if e is None:
        return None
    return _parsed(e.aus) or None


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[tuple[str, int, str], ...] | None:
    """parse_aus of an AU string (a tuple: shared by every caller), None when unreadable. Cached: a report parses each
    event's string a few times over (pairs, kappas, alpha units), and most events share a handful of strings; the
    regexes were a fifth of a long video's report."""
    try:
        return tuple(parse_aus(text))
    except ValueError:
        return None


def _aus(e: Event | None, sides: bool = False) -> dict[int, object] | None:
    """{AU number: value} of the event's AUs, an AU not there being absent (0); None when it carries no AU string
    (AUs not coded, which is not 'no AU'). The value is 1 (present), or with ``sides`` the side as coded: ``L``,
    ``R`` or ``LR`` (both sides: ``14``, or ``L14+R14``), so that L14 and R14 disagree. One dict per AU string
    (cached, shared by every caller: read it, never change it); a year's report asked half a million times."""
    return None if e is None else _au_values(e.aus, sides)


@functools.lru_cache(maxsize=4096)
def _au_values(text: str, sides: bool) -> dict[int, object] | None:
    terms = _parsed(text) or None
    if terms is None:
        return None
    if not sides:
        return {n: 1 for _, n, _ in terms}
    seen: dict[int, set[str]] = {}
    for side, n, _ in terms:
        seen.setdefault(n, set()).update(side or "LR")
    return {n: "".join(sorted(v)) for n, v in seen.items()}


def _side_text(e: Event, au: int) -> str:
    return "+".join(f"{s}{n}" for s, n, _ in _parsed(e.aus) or () if n == au)


def coefficient_text(x: float) -> str:
    """A coefficient to 3 decimals, never "-0.000" (a value that rounds to zero has no sign): the terminal's summary
    and the app's tables print numbers with it."""
    text = f"{x:.3f}"
    return "0.000" if text == "-0.000" else text


def _intensities(e: Event | None) -> dict[int, float] | None:
    """{AU: FACS intensity A..E as 1..5, NaN when the AU is written without a letter}; None when the event carries
    no AU string. An AU not in the string has intensity 0."""
    terms = _au_terms(e)
    if terms is None:
        return None
    out: dict[int, float] = {}
    for _, au, letter in terms:  # L12B + R12C: the stronger side
        v = _LETTERS.get(letter, float("nan"))
        prev = out.get(au)
        if prev is None or np.isnan(prev):
            out[au] = v
        elif not np.isnan(v):
            out[au] = max(prev, v)
    return out


def _intensity(d: dict[int, float] | None, au: int) -> float:
    return float("nan") if d is None else d.get(au, 0.0)


def _scored(values: Sequence[float]) -> bool:
    """Some coder scored the AU here (an intensity letter, above 0): pairs and units where the coders have it absent
    (0) or without a letter say nothing about intensity and are left out (presence has its kappa and alpha)."""
    return any(x > 0 for x in values if not np.isnan(x))


def _au_name(au: int) -> str:
    return f"AU{au:02d}"


def _frame(rows: Sequence[dict], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


@dataclass
class AgreementReport:
    """Tables (pandas DataFrames) of one agreement run; each column set is fixed (``*_COLUMNS`` constants)."""

    coders: list[str]
    video_ids: list[int]
    tolerance: int
    iou: float
    pairs: pd.DataFrame    # one row per coder pair: matched / only_a / only_b, boundary differences, emotion kappa
    kappa: pd.DataFrame    # coder pair x variable (emotion, AUxx presence) on matched events
    alpha: pd.DataFrame    # variable (event, emotion, AUxx): Krippendorff's alpha over all coders
    icc: pd.DataFrame      # video x table pair x AU: Shrout & Fleiss ICCs of per-frame intensities
    matches: pd.DataFrame  # every matched pair and every unmatched event, per coder pair
    notes: list[str] = field(default_factory=list)
    au_sides: bool = False  # AUs compared with their side (L14 vs R14 disagree), not on presence alone
    # what was compared, for agreement_notes.txt (a report handed on names its inputs, not "video 1"): "project"
    # (its path), "videos" ({id: line naming the file and the project's hash of it}), "models" ({id: the
    # checkpoint behind coder "model" there}); agreement_report fills it, agreement_from_events leaves it empty
    compared: dict[str, object] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"pairs": self.pairs, "kappa": self.kappa, "alpha": self.alpha, "icc": self.icc,
                "matches": self.matches}

    def write_csv(self, out_dir: str | os.PathLike[str],
                  progress: Callable[[int, int], None] | None = None, spreadsheet_safe: bool = False,
                  decimal_comma: bool = False, cells: list[int] | None = None) -> list[Path]:
        """Write ``agreement_<table>.csv`` for every table plus ``agreement_notes.txt`` (REPORT_FILES); returns the
        paths. One set (atomic.write_set): a failure leaves an earlier report's files there whole, never some of
        them replaced by this run's (one-line OutputError saying so). ``progress(done, total)``: called before
        each file is written; what it raises stops the set, none of it moved into place (the app's Cancel
        export). ``spreadsheet_safe`` / ``decimal_comma`` (implies it): the tables for a spreadsheet as every
        export writes them (interchange.events_csv.make_spreadsheet_safe: a byte-order mark, formula- and
        date-like cells after an apostrophe; ';' and 0,5), each before the set is moved into place; ``cells``: the
        number of cells given an apostrophe is appended to it."""
        d = Path(out_dir)
        from merstudio.atomic import ensure_dir, write_set
        from merstudio.csv_write import frame_to_csv
        from merstudio.interchange.events_csv import make_spreadsheet_safe

        ensure_dir(d)
        notes = (self.header() + "\n" + "".join(f"{n}\n" for n in self.notes) + "\n"
                 + "".join(f"{line}\n" for line in self.provenance()))
        made_safe = [0]

        def table(df: pd.DataFrame) -> Callable[[Path], None]:
            def write(tmp: Path) -> None:
                # full precision, no %g rounding; a coder's name or note holding a line break stays in its cell
                frame_to_csv(_integer_columns(df), tmp, index=False)
                if spreadsheet_safe or decimal_comma:
                    made_safe[0] += make_spreadsheet_safe(tmp, ",", decimal_comma)
            return write

        writers: dict[Path, Callable[[Path], object]] = {
            d / f"agreement_{k}.csv": table(v) for k, v in self.tables().items()}
        writers[d / "agreement_notes.txt"] = lambda tmp: tmp.write_text(notes, encoding="utf-8")
        if progress is not None:
            def stepped(i: int, write: Callable[[Path], object]) -> Callable[[Path], object]:
                return lambda tmp: (progress(i, len(writers)), write(tmp))[1]

            writers = {p: stepped(i, w) for i, (p, w) in enumerate(writers.items())}
        paths = write_set(writers)  # the umask's permissions; OSError -> one-line OutputError
        if cells is not None:
            cells.append(made_safe[0])
        return paths

    def provenance(self, when: str | None = None) -> list[str]:
        """What this report compared, as agreement_notes.txt ends: the project file, each video by id, name and the
        project's hash of it (the ids alone mean nothing once the tables are handed on), the coders (and the model
        behind coder "model"), the merstudio that computed it and when (``when``: an ISO date-time; now, UTC)."""
        import datetime as _dt

        from merstudio import __version__

        lines = ["Compared:"]
        if self.compared.get("project"):
            lines.append(f"  project: {self.compared['project']}")
        videos = self.compared.get("videos")
        named = videos if isinstance(videos, dict) else {}
        lines += [f"  video {v}: {named.get(v, '(not in a project)')}" for v in self.video_ids]
        lines.append(f"  coders: {', '.join(self.coders)}")
        models = self.compared.get("models")
        for v, text in (models.items() if isinstance(models, dict) else ()):
            lines.append(f"  coder {MODEL_CODER!r} on video {v}: {text}")
        when = when or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        lines.append(f"  by merstudio {__version__}, {when}")
        return lines

    def header(self, video_names: Mapping[int, str] | None = None, cli: bool = True) -> str:
        """``video_names`` ({id: file name}): the videos named so (the app), not by id; ``cli``: say which
        command-line option changes how AUs are compared (the app has no such option)."""
        if video_names is not None:
            vids = ", ".join(video_names.get(v, f"video {v}") for v in self.video_ids)
            where = f"on {vids}" if vids else "on no video"
        else:
            where = f"on video(s) {', '.join(str(v) for v in self.video_ids)}"
        aus = ("AUs compared with their side (absent, L, R, both: L14 and R14 disagree)" if self.au_sides else
               "AUs compared on presence, sides ignored (L14 = R14 = 14" + ("; --au-sides compares sides)" if cli
                                                                         else ")"))
        return (f"Agreement of {', '.join(self.coders)} {where}; events match when IoU >= {self.iou:g} "
                f"or onset, apex and offset are all within {self.tolerance} frame(s).\n{aus}; AU intensity (ICC, "
                f"ordinal alpha) over the matched events where either coder scored the AU (ICC on {MIN_ICC_TARGETS} "
                "pairs or more); the FACS agreement index on AU numbers (sides and intensity letters ignored).")

    def summary(self) -> str:
        """A plain-text rendering of the main tables, for the terminal."""
        # a CJK name ('王芳') is two columns wide on a terminal: pandas counts it one unless told, and every column
        # right of it slid (set here only: the option is process-wide)
        with pd.option_context("display.unicode.east_asian_width", True):
            return self._summary()

    def _summary(self) -> str:
        fmt = {"float_format": coefficient_text, "index": False, "na_rep": "-"}
        out = [self.header(), ""]
        if len(self.pairs):
            p = self.pairs.rename(columns={"mean_abs_d_onset": "|d_on|", "mean_abs_d_apex": "|d_apex|",
                                           "mean_abs_d_offset": "|d_off|", "kappa_emotion": "kappa_emo",
                                           "agreement_emotion": "agree_emo", "facs_agreement": "facs",
                                           "facs_agreement_all": "facs_all"})
            p = p[["coder_a", "coder_b", "videos", "matched", "only_a", "only_b", "f1", "mean_iou", "|d_on|",
                   "|d_apex|", "|d_off|", "kappa_emo", "agree_emo", "n_emotion", "kappa_frames", "facs", "n_facs",
                   "facs_all"]]
            out += ["Event matching (d = frames, mean absolute difference on matched events; agree = share of "
                    "matched pairs with the same label; facs = FACS agreement index, 2 x AUs both scored / AUs "
                    "scored by each, on the n_facs matched pairs; facs_all: also the AUs of unmatched events):",
                    p.to_string(**fmt), ""]
        if len(self.kappa):
            cell = [f"{coefficient_text(k) if k == k else '-'} ({a:.0%})" if a == a else "-"
                    for k, a in zip(self.kappa["kappa"], self.kappa["agreement"], strict=True)]
            wide = self.kappa.assign(pair=self.kappa["coder_a"] + " / " + self.kappa["coder_b"], cell=cell).pivot(
                index="variable", columns="pair", values="cell")
            wide = wide.reindex(list(dict.fromkeys(self.kappa["variable"])))
            # the pairs in the report's order (coders as people read them), not pivot's code-point sort of them
            wide = wide[list(dict.fromkeys(self.kappa["coder_a"] + " / " + self.kappa["coder_b"]))]
            out += ["Cohen's kappa on matched events (percent agreement in brackets; kappa '-': undefined, one "
                    "category throughout):", wide.reset_index().fillna("-").to_string(**fmt), ""]
        if len(self.alpha):
            out += ["Krippendorff's alpha, all coders (agreement: share of pairable values that agree; Fleiss' kappa "
                    "with 3 or more coders, over the fleiss_units every coder rated):",
                    self.alpha.astype({"fleiss_units": object}).fillna({"fleiss_units": "-"}).to_string(**fmt), ""]
        if len(self.icc):
            cols = ["source", "video_id", "coder_a", "coder_b", "au", "n", *ICC_SUMMARY_COLUMNS, "kappa_presence"]
            out += ["ICC of AU intensities (Shrout & Fleiss; source frames: per-frame tables, n = frames; events: "
                    "FACS letters A-E on matched events, n = pairs where either coder scored the AU):",
                    self.icc[cols].astype({"video_id": object}).fillna({"video_id": "-"}).to_string(**fmt), ""]
        out += [f"Note: {n}" for n in self.notes]
        return "\n".join(out).rstrip() + "\n"


def agreement_from_events(events: Iterable[Event], coders: Sequence[str] | None = None, tolerance: int = 3,
                          iou: float = 0.5, frame_tables: Mapping[int, Mapping[str, pd.DataFrame]] | None = None,
                          video_ids: Sequence[int] | None = None, frame_counts: Mapping[int, int] | None = None,
                          all_coded: bool = False, where: str = "agreement",
                          coded: Mapping[int, Iterable[str]] | None = None, au_sides: bool = False,
                          known_coders: Iterable[str] = (),
                          video_names: Mapping[int, str] | None = None, progress: Progress | None = None,
                          cancel: Callable[[], bool] | None = None,
                          table_reasons: Mapping[int, str] | None = None) -> AgreementReport:
    """The report from plain events (any videos, any coders) and optional per-frame tables
    ``{video_id: {coder name: DataFrame}}``. A video given fewer than two tables gets a note that its per-frame ICC
    is skipped, with ``table_reasons[video_id]`` as the reason where given (agreement_report: no analysis stored).

    ``frame_counts`` ({video_id: frames}): each video's length, the frames the frame-wise figures (``kappa_frames``,
    the ``event frames`` alpha) count, as `merstudio agreement` counts them. A video without one is counted from
    frame 0 to the last event's offset only, which gives another kappa (a note in the report and a UserWarning say
    so); a key that is no video of the events, ``video_ids``, ``coded`` or ``frame_tables`` while a compared video
    has no count is an InputError (the count meant for it would go unused), as is a compared event ending at or
    past its video's count (another video's events, or another cut's count: it would stretch the video).
    ``coders`` restricts and orders the coders (default: every coder with events, sorted). A coder counts as having
    coded a video when it has at least one event there; videos with fewer than two such coders are left out of
    the event statistics (with a note), unless they are listed in ``video_ids``, which makes that an InputError.
    ``all_coded``: every coder coded every video of ``video_ids`` (default: every video with events), so a coder
    with no events on one found none there and the others' events there are their misses.
    ``coded`` ({video_id: coders}): coders recorded as having coded a video (Project.coded_by: a file of theirs was
    imported, events or none) count as having coded it with or without events there, as with ``all_coded``.
    ``au_sides``: AUs are compared with their side (L14 vs R14 disagree) instead of on presence.
    ``known_coders`` (the project's registered coders): with ``all_coded``, one of them named in ``coders`` who has no
    event at all is compared as having found nothing (a name known nowhere is refused: a typo, most likely).
    InputError too when nothing at all can be compared. ``where`` prefixes error messages (e.g. the project path).
    ``progress(done, total)`` is called as the steps (a coder pair on a video, a video's alpha units) finish, and
    ``cancel()`` before each one: True stops the computation with AgreementCancelled (no report).
    """
    if tolerance < 0:
        raise InputError(f"{where}: the frame tolerance must be 0 or more, got {tolerance}")
    if not 0.0 < iou <= 1.0:
        raise InputError(f"{where}: the IoU threshold must be within (0, 1], got {iou}")
    # a hand-made event's frame from seconds * fps (18.3) crashed the frame slicing: Python ints or one line
    events = [e if type(e.onset) is type(e.apex) is type(e.offset) is int else e.validated() for e in events]
    counts = {int(v): int(n) for v, n in (frame_counts or {}).items()}
    evs = [e for e in events if video_ids is None or e.video_id in video_ids]
    recorded = {int(v): sorted({coder_key(c) for c in cs if c.strip()}) for v, cs in (coded or {}).items()
                if video_ids is None or v in video_ids}
    coders, evs, silent = _chosen_coders(evs, coders, recorded, all_coded, {coder_key(c) for c in known_coders},
                                         where)
    tables = {int(v): dict(t) for v, t in (frame_tables or {}).items() if video_ids is None or v in video_ids}
    by_video = _events_by_video(evs, coders, recorded, video_ids, all_coded)
    event_videos, table_videos, notes = _compared_videos(by_video, tables, coders, video_ids, video_names, where)
    _check_frame_counts(counts, event_videos, events, video_ids, recorded, tables, where)
    _check_event_ends(by_video, event_videos, counts, video_names, where)

    aus = sorted({a for v in event_videos for lst in by_video[v].values() for e in lst for a in (_aus(e) or {})})
    # AUs that some coder graded with a FACS intensity letter: these also get ICC / ordinal alpha
    graded = sorted({a for v in event_videos for lst in by_video[v].values() for e in lst
                     for a, x in (_intensities(e) or {}).items() if not np.isnan(x)})
    used = [c for c in coders if any(c in by_video[v] for v in event_videos)]
    n_pairs = len(used) * (len(used) - 1) // 2
    steps = _Steps(n_pairs * len(event_videos) + (len(event_videos) if len(used) >= 2 else 0), progress, cancel)
    steps.check()
    detect = _frame_detection(by_video, event_videos, used, counts)
    per_pair = _pair_tables(by_video, event_videos, used, detect, aus, graded, tolerance, iou, au_sides, steps)
    alpha_rows = _alphas(by_video, event_videos, used, aus, graded, tolerance, iou, au_sides, steps)
    if alpha_rows:
        alpha_rows.insert(0, _event_frames_alpha(detect))

    notes += per_pair.notes + _uncounted_videos(by_video, event_videos if len(used) > 1 else [], counts)
    silent = [c for c in silent if c in coders]  # a coder not chosen is not compared: no note on them
    notes += _event_notes(silent, all_coded, per_pair.matches, per_pair.sided if not au_sides else {})
    icc_rows = per_pair.icc + _frame_table_iccs(tables, table_videos, where, notes, per_pair.too_few)
    lone = [_lone_table_note(v, list(tables[v]), video_names, (table_reasons or {}).get(v))
            for v in sorted(tables) if len(tables[v]) < 2]
    notes += _icc_notes(lone, per_pair.too_few, icc_rows)
    icc_table = _named(_frame(icc_rows, ICC_TABLE_COLUMNS).astype({"video_id": "Int64"}), video_names)
    return AgreementReport(
        coders=list(coders), video_ids=sorted(set(event_videos) | set(table_videos)), tolerance=int(tolerance), iou=float(iou),
        pairs=_frame(per_pair.pairs, PAIR_COLUMNS), kappa=_frame(per_pair.kappa, KAPPA_COLUMNS),
        alpha=_frame(alpha_rows, ALPHA_COLUMNS).astype({"fleiss_units": "Int64"}), icc=icc_table,
        matches=_named(_frame(per_pair.matches, MATCH_COLUMNS), video_names), notes=notes, au_sides=au_sides)


def _named(df: pd.DataFrame, video_names: Mapping[int, str] | None) -> pd.DataFrame:
    """``df`` with its ``video`` column filled: each row's video's name, empty where it has none (no video_id: the
    pooled events ICC; events given without names)."""
    names = video_names or {}
    df["video"] = [names.get(int(v), "") if not pd.isna(v) else "" for v in df["video_id"]]
    return df


def _chosen_coders(evs: list[Event], coders: Sequence[str] | None, recorded: Mapping[int, list[str]],
                   all_coded: bool, known_coders: set[str], where: str) -> tuple[list[str], list[Event], list[str]]:
    """(the coders compared, their events, the coders who coded and found nothing): ``coders`` as given (stripped,
    each once) or every coder with events or recorded as having coded a video. A named coder with neither is
    refused (a typo, most likely), unless ``all_coded`` and the project knows them: then they found nothing."""
    present = sorted({coder_of(e) for e in evs}, key=name_sort_key)  # as people read them: alice, Änne, Bob
    silent = sorted({c for cs in recorded.values() for c in cs} - set(present), key=name_sort_key)  # found nothing
    if coders is None:
        return sorted({*present, *silent}, key=name_sort_key), evs, silent
    chosen = list(dict.fromkeys(coder_key(c) for c in coders if c.strip()))
    missing = [c for c in chosen if c not in present and c not in silent]
    if all_coded:  # the caller says every named coder coded every video: a registered one found nothing
        silent += [c for c in missing if c in known_coders]
        missing = [c for c in missing if c not in silent]
    if missing:
        have = ", ".join(present) or "none"
        raise InputError(f"{where}: no events by coder {', '.join(map(repr, missing))}, nor a video recorded as "
                         f"coded by them (coders with events: {have}; import a file of a coder who found "
                         "nothing with `merstudio convert --project P --import FILE --coder NAME`)")
    return chosen, [e for e in evs if coder_of(e) in chosen], silent


def _events_by_video(evs: list[Event], coders: list[str], recorded: Mapping[int, list[str]],
                     video_ids: Sequence[int] | None, all_coded: bool) -> dict[int, dict[str, list[Event]]]:
    """{video: {coder: events in time order}}, with an empty list for a coder who coded the video and found
    nothing (``all_coded``: every coder on every video of ``video_ids``, or with events; ``recorded``: the coders
    a video records), so that the others' events there count as that coder's misses."""
    by_video: dict[int, dict[str, list[Event]]] = {}
    for e in sorted(evs, key=lambda e: (e.video_id, e.face_id, e.onset, e.offset, e.id or 0)):
        by_video.setdefault(e.video_id, {}).setdefault(coder_of(e), []).append(e)
    if all_coded:
        for v in video_ids if video_ids is not None else list(by_video):
            for c in coders:
                by_video.setdefault(v, {}).setdefault(c, [])
    for v, cs in recorded.items():  # a coder who coded the video and found nothing: their silence counts
        for c in cs:
            if c in coders:
                by_video.setdefault(v, {}).setdefault(c, [])
    return by_video


def _compared_videos(by_video: dict[int, dict[str, list[Event]]], tables: Mapping[int, Mapping[str, pd.DataFrame]],
                     coders: list[str], video_ids: Sequence[int] | None, video_names: Mapping[int, str] | None,
                     where: str) -> tuple[list[int], list[int], list[str]]:
    """(videos with events by two or more coders, videos with two or more per-frame tables, a note per video left
    out of the event statistics). A video the caller named (``video_ids``) with nothing to compare is an
    InputError, as is having nothing to compare at all."""
    all_videos = sorted(set(by_video) | set(tables) | set(video_ids or ()))
    notes: list[str] = []
    event_videos = []
    for v in all_videos:
        on_v = [c for c in coders if c in by_video.get(v, {})]
        if len(on_v) >= 2:
            event_videos.append(v)
            continue
        n_tables = len(tables.get(v, {}))
        who = ", ".join(on_v) or "none"
        label = f"{video_names[v]} (video {v})" if video_names and v in video_names else f"video {v}"
        if video_ids is not None and n_tables < 2:
            raise InputError(f"{where}: {label} has events by fewer than two coders ({who})")
        if on_v or n_tables:
            notes.append(f"{label}: events by fewer than two coders ({who}); no event agreement there")
    table_videos = [v for v in all_videos if len(tables.get(v, {})) >= 2]
    if not event_videos and not table_videos:
        raise InputError(f"{where}: no video has events by two or more coders"
                         + (f" (coders: {', '.join(coders)})" if coders else ""))
    return event_videos, table_videos, notes


@dataclass
class _PairTables:
    """The rows every pair of coders adds (pairs, matches, kappa, event ICC tables) and what the notes need."""

    pairs: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
    kappa: list[dict] = field(default_factory=list)
    icc: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one person under two face ids (_face_hints)
    too_few: list[str] = field(default_factory=list)  # ICCs not computed: fewer than MIN_ICC_TARGETS scored pairs
    sided: dict[int, list[str]] = field(default_factory=dict)  # AU -> pairs agreeing on presence, not side


def _pair_tables(by_video: dict[int, dict[str, list[Event]]], videos: list[int], used: list[str],
                 detect: np.ndarray, aus: list[int], graded: list[int], tolerance: int, iou: float,
                 au_sides: bool, steps: _Steps | None = None) -> _PairTables:
    """Every pair of ``used`` coders on the ``videos`` both coded: their events matched, then the pair's summary
    (with the frame kappa of their rows of ``detect``), kappas, event ICCs and face hints, in pair order."""
    out = _PairTables()
    for ka, kb in itertools.combinations(range(len(used)), 2):
        ca, cb = used[ka], used[kb]
        rows = _match_pair(by_video, videos, ca, cb, tolerance, iou, steps)
        out.matches += rows
        out.pairs.append({**_pair_summary(ca, cb, rows, by_video, videos),
                          "kappa_frames": _binary_kappa(detect[ka], detect[kb])})
        out.kappa += _pair_kappas(ca, cb, rows, aus, au_sides)
        out.icc += _pair_intensity_icc(ca, cb, rows, graded, out.too_few)
        out.notes += _face_hints(by_video, videos, ca, cb, tolerance, iou)
        _side_differences(rows, out.sided)
    return out


def _side_differences(rows: list[dict], sided: dict[int, list[str]]) -> None:
    """Add to ``sided`` ({AU: ["L14 / R14", ...]}) the matched pairs whose coders both scored an AU, on other sides:
    a note says how many agree only because sides are ignored."""
    for r in rows:
        if r["status"] == "matched":
            sa, sb = _aus(r["_ev_a"], True) or {}, _aus(r["_ev_b"], True) or {}
            for a in sorted(set(sa) & set(sb)):
                if sa[a] != sb[a]:
                    sided.setdefault(a, []).append(f"{_side_text(r['_ev_a'], a)} / {_side_text(r['_ev_b'], a)}")


def _event_frames_alpha(detect: np.ndarray) -> dict:
    """The alpha table's ``event frames`` row: "inside an event" frame by frame (``detect``, coders x frames)."""
    on = ~np.isnan(detect)
    per_frame = on.sum(axis=0)
    return {"variable": "event frames", "level": "nominal", "coders": len(detect),
            "units": int((per_frame >= 2).sum()), "values": int(per_frame[per_frame >= 2].sum()),
            **_all_coders(detect, "nominal")}


def _event_notes(silent: list[str], all_coded: bool, match_rows: list[dict], sided: dict[int, list[str]]) -> list[str]:
    """Notes on what the event statistics count: coders who found nothing (their silence counts), matched pairs
    left out of the apex differences (an imputed apex), and AUs on which matched pairs differ only in side."""
    notes = []
    if silent:
        notes.append(f"{'coded' if all_coded else 'recorded as having coded a video'} and found nothing there: "
                     f"{', '.join(silent)} (the others' events there count as their misses)")
    imputed = sum(r["status"] == "matched" and r["d_apex"] is None for r in match_rows)
    if imputed:
        notes.append(f"apex: {imputed} matched pair(s) left out of |d_apex| and d_apex: an import put one of their "
                     "apexes at the middle frame (the file had none; tagged '[apex imputed: middle frame]' in the "
                     "note); their matching used onset and offset only")
    for a, seen in sorted(sided.items()):
        notes.append(f"{_au_name(a)}: {len(seen)} matched pair(s) agree on presence but not on side ({seen[0]}"
                     + (", …" if len(seen) > 1 else "") + "); compared with their sides (merstudio agreement --au-sides), "
                     "that is a disagreement")
    return notes


def _frame_table_iccs(tables: Mapping[int, Mapping[str, pd.DataFrame]], videos: list[int], where: str,
                      notes: list[str], too_few: list[str]) -> list[dict]:
    """ICC rows of every two per-frame tables of each of ``videos`` (frame_icc); a pair of tables with no AU in
    common adds a line to ``notes``, an AU on fewer than MIN_ICC_TARGETS shared frames one to ``too_few`` (its ICCs
    NaN)."""
    rows = []
    for v in videos:
        names = list(tables[v])
        for na, nb in itertools.combinations(names, 2):
            try:
                res = frame_icc(tables[v][na], tables[v][nb])
            except ValueError as exc:
                raise InputError(f"{where}: video {v}: {exc}") from None
            if res.empty:
                notes.append(f"video {v}: per-frame tables {na} and {nb} share no AUxx_r column; no ICC")
            flat = _flat_frame_coders(tables[v][na], tables[v][nb], na, nb) if not res.empty else {}
            for r in res.to_dict("records"):
                n = r.pop("n_frames")
                if 0 < n < MIN_ICC_TARGETS:
                    too_few.append(f"{_au_name(int(r['au']))} {na} / {nb} on video {v} ({n} frames)")
                    r |= {k: float("nan") for k in r if k.startswith("icc")}
                au = int(r["au"])  # named AU01 as the kappa and alpha tables name it (frame_icc: the number)
                rows.append({"source": "frames", "video_id": v, "coder_a": na, "coder_b": nb, **r, "au": _au_name(au),
                             "n": n, "_flat": flat.get(au, [])})
    return rows


def _flat(values: np.ndarray) -> bool:
    """One value throughout (up to rounding next to the values' size, as stats.icc tells every rating the same)."""
    return bool(np.ptp(values) <= 1e-12 * float(np.abs(values).max()))


def _flat_frame_coders(a: pd.DataFrame, b: pd.DataFrame, na: str, nb: str) -> dict[int, list[str]]:
    """{AU: the coders (``na``, ``nb``) whose ``AUxx_r`` is one value on every frame the ICC compares}: frame_icc's
    pairing (tracked rows, on frame and face_id), then stats.icc's listwise drop of a missing value."""
    ta, tb = _tracked(a), _tracked(b)
    aus = sorted(set(au_intensity_columns(ta)) & set(au_intensity_columns(tb)))
    cols = [f"AU{au:02d}_r" for au in aus]
    joined = ta[["frame", "face_id", *cols]].merge(tb[["frame", "face_id", *cols]], on=["frame", "face_id"],
                                                    suffixes=("@a", "@b"))
    out = {}
    for au, c in zip(aus, cols, strict=True):
        x = joined[[c + "@a", c + "@b"]].to_numpy(np.float64)
        x = x[~np.isnan(x).any(axis=1)]
        if len(x):
            out[au] = [name for name, col in zip((na, nb), x.T, strict=True) if _flat(col)]
    return out


def _lone_table_note(video: int, names: list[str], video_names: Mapping[int, str] | None,
                     reason: str | None) -> str:
    """The note on a video given fewer than two per-frame tables: its per-frame ICC is skipped, and why."""
    label = f"{video_names[video]} (video {video})" if video_names and video in video_names else f"video {video}"
    have = f"one per-frame AU table ({names[0]})" if names else "no per-frame AU table"
    return f"per-frame ICC skipped on {label}: {have}; " + (reason or "the ICC compares two tables of a video")


def _icc_notes(lone: list[str], too_few: list[str], icc_rows: list[dict]) -> list[str]:
    """Notes on the ICC table: per-frame ICC skipped (``lone``: the videos given fewer than two tables; a report
    given none expects no per-frame ICC and has no such note), the ICCs not computed on too few targets, and those
    outside [-1, 1]."""
    notes = list(lone)
    if too_few:
        notes.append(f"ICC not computed on fewer than {MIN_ICC_TARGETS} pairs (with two, ICC(2,1) can take any "
                     f"value): {', '.join(too_few)}")
    return notes + _icc_flat_notes(icc_rows) + _icc_range_notes(icc_rows) + _icc_undefined_notes(icc_rows)


def _check_frame_counts(counts: Mapping[int, int], compared: list[int], events: list[Event],
                        video_ids: Sequence[int] | None, recorded: Mapping[int, list[str]],
                        tables: Mapping[int, Mapping[str, pd.DataFrame]], where: str) -> None:
    """Refuse (InputError) frame counts given for videos the call is not about while a compared video has none:
    the count meant for it (another numbering, a typo) would go unused and its frame-wise figures stop at its last
    event. Counts beside every compared video's own change nothing (a project's every video, say)."""
    known = {e.video_id for e in events} | set(video_ids or ()) | set(recorded) | set(tables)
    stray = sorted(set(counts) - known)
    missing = [v for v in compared if counts.get(v, 0) <= 0]
    if stray and missing:
        raise InputError(f"{where}: frame_counts gives video(s) {', '.join(map(str, stray))}, which no event is "
                         f"of, and none for video(s) {', '.join(map(str, missing))}, whose events are compared: "
                         "key each count by the events' video_id")


def _check_event_ends(by_video: dict[int, dict[str, list[Event]]], compared: list[int], counts: Mapping[int, int],
                      video_names: Mapping[int, str] | None, where: str) -> None:
    """Refuse (InputError) a compared video whose given frame count its events run past (frames 0 to count - 1):
    its frame-wise figures would count a video longer than the one given (was: stretched silently to the last
    event's end, a kappa of neither length)."""
    for v in compared:
        n = counts.get(v, 0)
        if n <= 0:
            continue  # no count: counted to the last event's end, with a note (_uncounted_videos)
        coder, last = max(((c, e.offset) for c, lst in by_video[v].items() for e in lst), key=lambda t: t[1],
                          default=("", -1))
        if last >= n:
            label = f"{video_names[v]} (video {v})" if video_names and v in video_names else f"video {v}"
            raise InputError(f"{where}: {label} has {n} frames (0-{n - 1}, its frame count), but an event of "
                             f"{coder} ends at frame {last}: an event past the video's end (another video's "
                             "events, or the count of another cut of it?)")


def _uncounted_videos(by_video: dict[int, dict[str, list[Event]]], videos: list[int],
                      counts: Mapping[int, int]) -> list[str]:
    """A note (also warned: a script reading only ``pairs`` would not see it) for the compared videos whose length
    was not given: their frame-wise figures stop at the last event's offset, not the video's end."""
    short = [(v, max(e.offset for lst in by_video[v].values() for e in lst)) for v in videos
             if counts.get(v, 0) <= 0 and any(by_video[v].values())]
    if not short:
        return []
    note = (f"no frame count for video(s) {', '.join(f'{v} (frames 0-{last})' for v, last in short)}: the "
            "frame-wise figures (kappa_frames, the event frames alpha) count those frames only, up to the last "
            "event's end, not the whole video; give frame_counts={video id: frames} for the video's kappa")
    warnings.warn(note, UserWarning, stacklevel=3)
    return [note]


def _frame_detection(by_video: dict[int, dict[str, list[Event]]], videos: list[int], coders: list[str],
                     frame_counts: Mapping[int, int]) -> np.ndarray:
    """(coders x units) 1/0 "inside one of the coder's events", one unit per frame of each face track of each
    video; NaN for a coder with no events on that video (did not code it)."""
    blocks = []
    for v in videos:
        evs = [e for lst in by_video[v].values() for e in lst]
        length = max(int(frame_counts.get(v, 0)), max((e.offset for e in evs), default=-1) + 1)
        for face in _faces(by_video[v].values()):
            block = np.full((len(coders), length), np.nan)
            for k, c in enumerate(coders):
                if c not in by_video[v]:
                    continue
                row = np.zeros(length)
                for e in by_video[v][c]:
                    if e.face_id == face:
                        row[e.onset: e.offset + 1] = 1.0
                block[k] = row
            blocks.append(block)
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(coders), 0))


def _binary_kappa(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    x, y = a[ok] > 0, b[ok] > 0
    table = [[np.sum(~x & ~y), np.sum(~x & y)], [np.sum(x & ~y), np.sum(x & y)]]
    return kappa_from_table(table)


def _faces(lists: Iterable[list[Event]]) -> list[int]:
    return sorted({e.face_id for lst in lists for e in lst})


def _match_pair(by_video: dict[int, dict[str, list[Event]]], videos: list[int], ca: str, cb: str, tolerance: int,
                iou: float, steps: _Steps | None = None) -> list[dict]:
    rows: list[dict] = []
    for v in videos:
        if steps is not None:
            steps.check()
        if ca in by_video[v] and cb in by_video[v]:  # else one of the two did not code it: no misses there
            rows += _match_video(by_video, v, ca, cb, tolerance, iou)
        if steps is not None:
            steps.step()
    return rows


def _match_video(by_video: dict[int, dict[str, list[Event]]], v: int, ca: str, cb: str, tolerance: int,
                 iou: float) -> list[dict]:
    rows: list[dict] = []
    for face in _faces([by_video[v][ca], by_video[v][cb]]):
        a = [e for e in by_video[v][ca] if e.face_id == face]
        b = [e for e in by_video[v][cb] if e.face_id == face]
        m = match_events(a, b, tolerance, iou)
        base = {"video_id": v, "face_id": face, "coder_a": ca, "coder_b": cb}
        for i, j in m.pairs:
            ea, eb = a[i], b[j]
            rows.append({**base, "status": "matched", **_side(ea, "a"), **_side(eb, "b"),
                         "d_onset": eb.onset - ea.onset, "d_offset": eb.offset - ea.offset,
                         # an apex no coder set (imputed on import) is no apex to compare
                         "d_apex": None if apex_imputed(ea) or apex_imputed(eb) else eb.apex - ea.apex,
                         "iou": _iou(ea, eb)})
        rows += [{**base, "status": "only_a", **_side(a[i], "a")} for i in m.only_a]
        rows += [{**base, "status": "only_b", **_side(b[j], "b")} for j in m.only_b]
    return rows


def _face_hints(by_video: dict[int, dict[str, list[Event]]], videos: list[int], ca: str, cb: str, tolerance: int,
                iou: float) -> list[str]:
    """One line per video where the two coders' events never share a face track but would match with faces
    ignored: one person under two face ids, most likely (events are only matched on the same face)."""
    out = []
    for v in videos:
        a, b = by_video[v].get(ca), by_video[v].get(cb)
        if not a or not b:
            continue
        fa, fb = _faces([a]), _faces([b])
        if set(fa) & set(fb):
            continue
        n = len(match_events(sorted(a, key=lambda e: e.onset), sorted(b, key=lambda e: e.onset), tolerance,
                             iou).pairs)
        if n:
            out.append(f"video {v}: {ca} coded face(s) {', '.join(map(str, fa))} and {cb} face(s) "
                       f"{', '.join(map(str, fb))}: their events never share a face, but {n} would match with faces "
                       "ignored (one person under two face ids? events are matched per face)")
    return out


def _integer_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Frame numbers, ids and counts that became float because of empty cells (an unmatched event has no partner)
    go back to integers: 1234567, not 1.23457e+06 or 1234567.0."""
    cols = [c for c in df.columns if c in _INTEGER_COLUMNS and df[c].dtype.kind == "f"
            and bool(np.all(np.isnan(df[c]) | (df[c] == np.round(df[c]))))]
    return df.astype(dict.fromkeys(cols, "Int64")) if cols else df


_INTEGER_COLUMNS = frozenset({"video_id", "face_id", "event_a", "event_b", "onset_a", "apex_a", "offset_a",
                              "onset_b", "apex_b", "offset_b", "d_onset", "d_apex", "d_offset", "videos", "matched",
                              "only_a", "only_b", "n", "n_emotion", "n_apex", "coders", "units", "values",
                              "n_facs", "fleiss_units"})


def _iou(a: Event, b: Event) -> float:
    inter = min(a.offset, b.offset) - max(a.onset, b.onset) + 1
    return max(inter, 0) / (a.duration + b.duration - max(inter, 0))


def _side(e: Event, s: str) -> dict:
    return {f"event_{s}": e.id, f"onset_{s}": e.onset, f"apex_{s}": e.apex, f"offset_{s}": e.offset,
            f"emotion_{s}": name_key(e.emotion), f"aus_{s}": e.aus, f"_ev_{s}": e}


def _pair_summary(ca: str, cb: str, rows: list[dict], by_video: dict[int, dict[str, list[Event]]],
                  videos: list[int]) -> dict:
    matched = [r for r in rows if r["status"] == "matched"]
    n_a = sum(r["status"] == "only_a" for r in rows)
    n_b = sum(r["status"] == "only_b" for r in rows)
    m = len(matched)
    out = {"coder_a": ca, "coder_b": cb, "videos": sum(ca in by_video[v] and cb in by_video[v] for v in videos),
           "matched": m, "only_a": n_a, "only_b": n_b,
           # Dice / F1 of the two event sets: symmetric, 1 when every event found a partner
           "f1": 2 * m / (2 * m + n_a + n_b) if (m + n_a + n_b) else float("nan"),
           "mean_iou": float(np.mean([r["iou"] for r in matched])) if m else float("nan")}
    for k in ("onset", "apex", "offset"):
        d = np.array([r[f"d_{k}"] for r in matched if r[f"d_{k}"] is not None], dtype=np.float64)
        out[f"mean_abs_d_{k}"] = float(np.abs(d).mean()) if len(d) else float("nan")
        out[f"mean_d_{k}"] = float(d.mean()) if len(d) else float("nan")
    out["n_apex"] = sum(r["d_apex"] is not None for r in matched)  # pairs whose apexes both coders set
    la = [_emotion(r["_ev_a"]) for r in matched]
    lb = [_emotion(r["_ev_b"]) for r in matched]
    out["kappa_emotion"] = cohen_kappa(la, lb)
    out["n_emotion"] = sum(x is not None and y is not None for x, y in zip(la, lb, strict=True))
    out["agreement_emotion"] = percent_agreement(la, lb)  # defined where kappa is not (one label throughout)
    out["facs_agreement"], out["n_facs"], out["facs_agreement_all"] = _facs_agreement(rows)
    return out


def _au_numbers(e: Event | None) -> set[int] | None:
    s = _aus(e)
    return None if s is None else set(s)


def _facs_agreement(rows: list[dict]) -> tuple[float, int, float]:
    """The FACS agreement index (Wexler 1972; Ekman, Friesen & Hager 2002): 2 x (AUs both coders scored) / (AUs
    scored by A + AUs scored by B), pooled over events (every scored AU counts once), on AU numbers (L12, R12, 12C
    and 12 are all AU12: FACS scores the action, laterality and intensity apart). Returns (index over the matched
    pairs where both coders wrote AUs, those pairs, index over all events): the last also counts, in the
    denominator, the AUs of every event without a partner and of a matched event whose partner wrote no AUs, as
    FACS reliability counts every AU either coder scored."""
    both = scored = extra = n = 0
    for r in rows:
        a = _au_numbers(r["_ev_a"]) if r["status"] != "only_b" else None
        b = _au_numbers(r["_ev_b"]) if r["status"] != "only_a" else None
        if a is not None and b is not None:
            both, scored, n = both + len(a & b), scored + len(a) + len(b), n + 1
        else:
            extra += len(a or ()) + len(b or ())
    matched = 2 * both / scored if scored else float("nan")
    everything = 2 * both / (scored + extra) if scored + extra else float("nan")
    return matched, n, everything


def _pair_kappas(ca: str, cb: str, rows: list[dict], aus: list[int], sides: bool = False) -> list[dict]:
    matched = [r for r in rows if r["status"] == "matched"]
    out = []
    variables: list[tuple[str, list, list]] = [
        ("emotion", [_emotion(r["_ev_a"]) for r in matched], [_emotion(r["_ev_b"]) for r in matched])]
    sa = [_aus(r["_ev_a"], sides) for r in matched]
    sb = [_aus(r["_ev_b"], sides) for r in matched]
    for au in aus:
        variables.append((_au_name(au), [None if s is None else s.get(au, 0) for s in sa],
                          [None if s is None else s.get(au, 0) for s in sb]))
    for name, la, lb in variables:
        n = sum(x is not None and y is not None for x, y in zip(la, lb, strict=True))
        out.append({"coder_a": ca, "coder_b": cb, "variable": name, "n": n,
                    "agreement": percent_agreement(la, lb), "kappa": cohen_kappa(la, lb)})
    return out


def _icc_flat_notes(rows: list[dict]) -> list[str]:
    """A line naming the ICCs where a coder gave one value to every target: the targets then vary in the other
    coder's values alone, so the two-way ICCs are 0 and the one-way ones negative (the coders' mean difference
    counts against them: ICC(1,k) goes below -1) whatever the other coder does: they measure no agreement."""
    groups: dict[tuple, list[str]] = {}
    for r in rows:
        if any(r[k] == r[k] for k in ICC_TABLE_COLUMNS if k.startswith("icc")):  # NaN throughout: no ICC to explain
            for coder in r.get("_flat", ()):
                where = f"{r['coder_a']} / {r['coder_b']}, " + (
                    f"frames of video {r['video_id']}" if r["source"] == "frames" else "matched events")
                groups.setdefault((coder, where), []).append(r["au"])
    if not groups:
        return []
    named = "; ".join(f"{coder} on {', '.join(aus)} ({where})" for (coder, where), aus in groups.items())
    return [f"ICC with a coder whose value never changes: {named}: that coder's values have no between-target "
            "variance, so the ICCs are 0 (two-way forms) or negative (one-way icc1_*, in the CSV) whatever the other "
            "coder did: they measure no agreement there"]


def _icc_range_notes(rows: list[dict]) -> list[str]:
    """A line naming the printed ICCs (ICC_SUMMARY_COLUMNS) outside [-1, 1], with the reason that fits them. With
    two coders a single-coder form goes below -1 only on few targets (ICC(2,1) reaches -n / (n - 2): -3 on 3
    pairs; ICC(3,1) never); the form of the coders' mean is 2x / (1 + x) of the single-coder x (Spearman-Brown),
    outside [-1, 1] wherever x is below -1/3, on any number of targets. Either reads as "no agreement"."""
    odd = [(r, k) for r in rows for k in ICC_SUMMARY_COLUMNS if abs(r[k]) > 1.0 + 1e-9]
    if not odd:
        return []
    text = [f"{r['au']} {r['coder_a']} / {r['coder_b']} {k} {coefficient_text(r[k])} (n {r['n']})"
            for r, k in odd]
    why = []
    if any(k.endswith("_1") for _, k in odd):
        why.append("a single-coder ICC (icc*_1) goes below -1 only on few targets, the coders' differences "
                   "exceeding what the targets vary")
    if any(k.endswith("_k") for _, k in odd):
        why.append("an ICC of the coders' mean (icc*_k, 2x / (1 + x) of the single-coder x) leaves [-1, 1] wherever "
                   "x is below -1/3 (coders whose values go against each other), on any number of targets")
    return [f"ICC outside [-1, 1]: {', '.join(text[:4])}{', …' if len(text) > 4 else ''}: {'; '.join(why)}; read "
            "it as no agreement"]


def _icc_undefined_notes(rows: list[dict]) -> list[str]:
    """A line naming the printed ICCs of the coders' mean (icc*_k) shown "-" beside a defined single-coder form:
    2x / (1 + x) (Spearman-Brown) has no value at x = -1, coders exactly opposed. A row with no ICC at all, or a
    coder whose value never changes, has its own note (_icc_flat_notes)."""
    gaps = [(r, k) for r in rows if not r.get("_flat") for k in ICC_SUMMARY_COLUMNS
            if k.endswith("_k") and r[k] != r[k] and r[k[:-1] + "1"] == r[k[:-1] + "1"]]
    if not gaps:
        return []
    text = [f"{r['au']} {r['coder_a']} / {r['coder_b']} {k} (n {r['n']}; {k[:-1]}1 "
            f"{coefficient_text(r[k[:-1] + '1'])})" for r, k in gaps]
    return [f"ICC undefined (shown -): {', '.join(text[:4])}{', …' if len(text) > 4 else ''}: the coders' mean form "
            "2x / (1 + x) of the single-coder x has no value at x = -1, coders whose values are exactly opposed; read "
            "it as no agreement"]


def _pair_intensity_icc(ca: str, cb: str, rows: list[dict], graded: list[int],
                        too_few: list[str]) -> list[dict]:
    """ICC of FACS intensity letters (A..E = 1..5, absent = 0) on matched events, per AU that has letters, over the
    pairs where either coder scored the AU (two coders who both left it out agree on its absence, which kappa on
    presence counts; as intensities those 0/0 pairs would inflate the ICC). An AU with 1 to MIN_ICC_TARGETS - 1
    such pairs gets no row, but a line in ``too_few``."""
    matched = [r for r in rows if r["status"] == "matched"]
    ia = [_intensities(r["_ev_a"]) for r in matched]
    ib = [_intensities(r["_ev_b"]) for r in matched]
    out = []
    for au in graded:
        vals = np.array([[_intensity(x, au), _intensity(y, au)] for x, y in zip(ia, ib, strict=True)],
                        dtype=np.float64).reshape(-1, 2)
        kept = vals[~np.isnan(vals).any(axis=1)]
        kept = kept[(kept > 0).any(axis=1)]
        if len(kept) < MIN_ICC_TARGETS:  # with two pairs ICC(2,1) can take any value
            if len(kept):
                too_few.append(f"{_au_name(au)} {ca} / {cb} ({len(kept)})")
            continue
        res = icc(kept)
        out.append({"source": "events", "video_id": None, "coder_a": ca, "coder_b": cb, "au": _au_name(au), "n": res.n,
                    **{k: v for k, v in res.to_dict().items() if k.startswith("icc")},
                    "kappa_presence": float("nan"),
                    "_flat": [name for name, col in zip((ca, cb), kept.T, strict=True) if _flat(col)]})
    return out


def _alphas(by_video: dict[int, dict[str, list[Event]]], videos: list[int], coders: list[str], aus: list[int],
            graded: list[int], tolerance: int, iou: float, sides: bool = False,
            steps: _Steps | None = None) -> list[dict]:
    """Krippendorff's alpha over units built by group_units: ``emotion`` and AU presence (nominal, or with
    ``sides`` the AU's side; missing where the coder has no event in the unit, or left the label / AU string
    empty), and for AUs graded with FACS letters ``AUxx intensity`` (ordinal 0..5; missing also where the AU is
    written without a letter; over the units where some coder scored the AU, as the ICC)."""
    if len(coders) < 2:
        return []
    names = ["emotion", *(_au_name(a) for a in aus), *(f"{_au_name(a)} intensity" for a in graded)]
    data: dict[str, list[list]] = {n: [[] for _ in coders] for n in names}
    for v in videos:
        if steps is not None:
            steps.check()
        on_v = [c for c in coders if c in by_video[v]]
        for face in _faces(by_video[v].values()):
            lists = {c: [e for e in by_video[v][c] if e.face_id == face] for c in on_v}
            for unit in group_units(lists, tolerance, iou):
                for k, c in enumerate(coders):
                    ev = lists[c][unit[c]] if c in unit else None
                    data["emotion"][k].append(_emotion(ev) if ev is not None else None)
                    s = _aus(ev, sides)
                    for a in aus:
                        data[_au_name(a)][k].append(None if s is None else s.get(a, 0))
                grades = {c: _intensities(lists[c][unit[c]]) for c in unit} if graded else {}  # once per unit
                for a in graded:
                    scored = _scored([_intensity(grades[c], a) for c in unit])
                    for k, c in enumerate(coders):
                        x = _intensity(grades[c], a) if c in unit else float("nan")
                        data[f"{_au_name(a)} intensity"][k].append(None if np.isnan(x) or not scored else x)
        if steps is not None:
            steps.step()
    rows = []
    for n in names:
        mat = data[n]
        per_unit = [sum(mat[k][u] is not None for k in range(len(coders))) for u in range(len(mat[0]))]
        pairable = [m for m in per_unit if m >= 2]
        level = "ordinal" if n.endswith(" intensity") else "nominal"
        rows.append({"variable": n, "level": level, "coders": len(coders), "units": len(pairable),
                     "values": int(sum(pairable)), **_all_coders(mat, level)})
    return rows


def _all_coders(data: Sequence[Sequence] | np.ndarray, level: str) -> dict:
    """Krippendorff's alpha, the share of pairable values that agree (defined where alpha is not: every coder used
    one value throughout), and for three or more coders on nominal data Fleiss' kappa over the units every coder
    rated (two coders: Cohen's kappa, in the kappa table)."""
    fk, units = fleiss_kappa(data) if level == "nominal" and len(data) >= 3 else (float("nan"), None)
    alpha, agreement = alpha_and_agreement(data, level)
    return {"agreement": agreement, "alpha": alpha, "fleiss_kappa": fk, "fleiss_units": units}


def agreement_report(project: Project, video_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                     tolerance: int = 3, iou: float = 0.5, statuses: Sequence[str] = ("proposal", "accepted"),
                     frame_tables: Mapping[int, Mapping[str, pd.DataFrame]] | None = None,
                     frames_coder: str | None = None, model_name: str = FRAMES_RATER,
                     all_coded: bool = False, au_sides: bool = False,
                     events: Sequence[Event] | None = None, progress: Progress | None = None,
                     cancel: Callable[[], bool] | None = None) -> AgreementReport:
    """The agreement report of a project's events (``statuses``: rejected proposals are not a coder's judgement).
    ``events``: the project's events as the caller read them already (the app reads them once per change; read here
    otherwise).

    ``frame_tables`` adds other coders' per-frame AU tables ``{video_id: {name: DataFrame}}``; a video that has one
    also gets its stored analysis as table ``model_name``, so ICC compares the two. ``frames_coder`` (a name) also
    reads each video's stored per-frame table as a coder of events (see events_from_frames). ``all_coded``,
    ``au_sides``: see agreement_from_events; the coders the project records as having coded a video
    (Project.coded_by: a file of theirs was imported, with events or none) count as having coded it. ``progress``,
    ``cancel``: see agreement_from_events (``cancel`` is also asked once the events are read)."""
    where = str(project.path)
    known = {v.id for v in project.videos()}
    if video_ids is not None:
        video_ids = list(dict.fromkeys(int(v) for v in video_ids))
        bad = [v for v in video_ids if v not in known]
        if bad:
            have = ", ".join(str(v) for v in sorted(known)) or "none"
            raise InputError(f"{where}: no video {', '.join(map(str, bad))} in the project (videos: {have})")
    vids = video_ids if video_ids is not None else sorted(known)
    if events is None:
        events = [e for v in vids for e in project.events(video_id=v)]
    else:  # video by video, in vids' order, as read here
        given: dict[int, list[Event]] = {}
        for e in events:
            given.setdefault(e.video_id, []).append(e)
        events = [e for v in vids for e in given.get(v, [])]
    events = [e for e in events if e.status in statuses]
    if cancel is not None and cancel():  # reading a large project's events takes a while
        raise AgreementCancelled("agreement report cancelled; nothing was written")
    tables: dict[int, dict[str, pd.DataFrame]] = {}
    reasons: dict[int, str] = {}  # why a video given a table has no stored one to compare it with
    for v, extra in (frame_tables or {}).items():
        if v not in known:
            raise InputError(f"{where}: per-frame table given for video {v}, which is not in the project")
        if video_ids is not None and v not in video_ids:
            continue
        stored = project.load_frames(v)
        tables[v] = {model_name: stored} if au_intensity_columns(stored) and len(stored) else {}
        if not tables[v]:
            reasons[v] = ("the project has no analysis of the video stored to compare it with (analyse it in the "
                          "app)" if not len(stored) else "the video's stored analysis has no AU intensities to "
                          "compare it with")
        for name, df in extra.items():
            if name in tables[v]:
                raise InputError(f"{where}: video {v}: two per-frame tables named {name!r}")
            tables[v][name] = df
    unanalysed = []
    if frames_coder:
        frames_coder = coder_key(frames_coder)  # as the events' coders are compared
        if any(coder_of(e) == frames_coder for e in events):
            raise InputError(f"{where}: {frames_coder!r} already codes events here; name the per-frame coder "
                             "something else (frames_coder= / --frames-coder)")
        for v in vids:
            frames = project.load_frames(v)
            if not len(frames):
                unanalysed.append(v)
            events += events_from_frames(frames, v, coder=frames_coder)
    coded = {v: cs for v, cs in project.coded().items() if v in vids}
    # every compared video's length (frame_counts refuses the videos no event, list or table is of)
    about = {e.video_id for e in events} | set(coded) | set(tables) | set(video_ids or ())
    counts = {v.id: v.frame_count for v in project.videos() if v.id in about}
    report = agreement_from_events(events, coders=coders, tolerance=tolerance, iou=iou, frame_tables=tables,
                                   video_ids=video_ids, frame_counts=counts, all_coded=all_coded, where=where,
                                   coded=coded, au_sides=au_sides, known_coders=project.coders(),
                                   video_names={v.id: v.name for v in project.videos()}, progress=progress,
                                   cancel=cancel, table_reasons=reasons)
    report.compared = _compared_inputs(project, report, events)
    if any(model_name in t for v, t in tables.items() if v in report.video_ids):
        report.notes.append(f"per-frame table {model_name!r} (ICC rows): the project's stored analysis of the video; "
                            f"coder {MODEL_CODER!r} elsewhere is the model's proposals, events like a coder's")
    if unanalysed:  # else the frames coder would be missing from the tables without a word
        report.notes.append(f"{frames_coder!r} (per-frame AU presence) has nothing on video(s) "
                            f"{', '.join(map(str, unanalysed))}: no per-frame table is stored (analyse them in the app)")
    return report


def _compared_inputs(project: Project, report: AgreementReport, events: Sequence[Event]) -> dict[str, object]:
    """AgreementReport.compared of a project's report: its file, its compared videos by name and hash, and the
    checkpoints behind coder "model"'s compared events on each, with how many: the one each proposal names
    (events.model, since schema 7: a re-run with another checkpoint keeps the accepted proposals of the one before),
    and the video's current run for proposals that name none (stored before, or suggested by the FACS rules)."""
    from collections import Counter

    from merstudio.project.analyses import model_text

    videos = {v.id: v for v in project.videos() if v.id in report.video_ids}
    models = {}
    if MODEL_CODER in report.coders:  # the proposals' coder (model_name names the stored tables)
        for v in report.video_ids:
            named = Counter(e.model for e in events if e.video_id == v and coder_of(e) == MODEL_CODER)
            unnamed = named.pop("", 0)
            run = project.analysis(v)
            current = model_text(run) or "no model (emotions suggested by the FACS rules)"
            short = model_text(run, short=True)
            parts = []
            for name, n in sorted(named.items()):
                if name == short and short:  # the current run's: said once, in full, with the events naming none
                    n, unnamed, name = n + unnamed, 0, current
                parts.append(f"{name}: {n} event{'s' if n != 1 else ''}")
            if unnamed:
                parts.append(f"{current}: {unnamed} event{'s' if unnamed != 1 else ''} naming no model (the video's "
                             "current run's)")
            elif not parts:
                parts.append(current)
            models[v] = "; ".join(parts)
    return {"project": str(Path(project.path).resolve()),
            "videos": {v.id: f"{v.name} ({v.path}; project hash {v.hash})" for v in videos.values()},
            "models": models}
