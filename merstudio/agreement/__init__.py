"""Agreement between coders (and the model as one more coder): Qt-free, for the CLI and the app.

Coders: every event counts for ``Event.coder`` (an uncredited ``source="model"`` event counts for ``model``), a
name compared in Unicode NFC (report.coder_key: a Mac's decomposed "Zoë" is the typed one; emotion labels too).
Rejected proposals are left out by default. A coder has coded a video when it has at least one event there, when
the project records it as having coded the video (``Project.coded_by``: an import of a file of theirs, events or
none; ``coded=`` of agreement_from_events), or (``all_coded``) every compared coder has coded every compared video;
one with no events there found none.

Definitions
- Event matching (matching.py), per video and face track, per pair of coders: two events can match when their
  inclusive frame intervals have IoU >= ``iou`` (default 0.5) OR onset, apex and offset are all within
  ``tolerance`` frames (default 3); a one-to-one assignment (Hungarian) maximises the number of matches, then IoU.
  Reported per pair: matched / only_a / only_b, F1 (= Dice of the two event sets), mean IoU, mean |d| and mean
  signed d (b - a) of onset, apex and offset in frames, and ``kappa_frames``: Cohen's kappa of "frame inside an
  event" over every frame of the video (detection agreement that does not depend on the matching rule; the video's
  length comes from the project, or ``frame_counts`` of agreement_from_events: without it only frames 0 to the last
  event's offset count, which a note and a warning say). An apex an
  import put at the middle frame (merstudio.project.apex: the file had none) is no coder's: the tolerance rule checks
  onset and offset only, and the pair is left out of the apex differences (``n_apex``: the pairs that count; a note
  says how many are left out). Two coders whose events on a video never share a face but would match with faces
  ignored get a note (one person under two face ids).
- Cohen's kappa (two coders) on matched events: emotion labels (case-insensitive; empty = not coded) and each AU's
  presence (an event with an empty AU string has its AUs not coded: missing, not "absent"). Sides are ignored by
  default (L14 = R14 = 14, as most FACS reliability reports count AUs; a note counts the pairs that differ in side);
  ``au_sides=True`` compares each AU with its side (absent, L, R, LR: both sides, written ``14`` or ``L14+R14``).
  Beside each kappa, the percent agreement (``agreement``; ``agreement_emotion`` in the pair table): kappa is
  undefined when both coders used one category throughout, their agreement is not.
- FACS agreement index (Wexler 1972; Ekman, Friesen & Hager's FACS manual), per pair: 2 x (AUs both coders scored) /
  (AUs scored by A + AUs scored by B), pooled over events, on AU numbers (L12, R12, 12C are AU12: sides and
  intensity letters ignored, whatever ``au_sides``). ``facs_agreement``: over the ``n_facs`` matched pairs where both
  wrote AUs; ``facs_agreement_all``: every AU either coder scored counts, so an unmatched event (or one whose
  partner wrote no AUs) adds its AUs to the denominator, as FACS reliability reports count.
- Krippendorff's alpha (all coders, nominal, missing data allowed) on units that group the coders' events
  (``group_units``: every two events of a unit can match): ``emotion`` and each AU's presence; and ``event
  frames``: "frame inside an event" with every frame of every face track as a unit (missing for a coder with no
  events on the video). Beside alpha: ``agreement`` (share of pairable values that agree, 1 - D_o) and, with three
  or more coders on a nominal variable, Fleiss' (1971) kappa over the units every coder rated (``fleiss_units``).
- ICC (Shrout & Fleiss 1979: ICC(1,1), (2,1), (3,1) and the k-rater forms) of AU intensities, two sources:
  ``frames``: per-frame ``AUxx_r`` of two per-frame tables of one video, on the frames both tracked, plus kappa
  of ``AUxx_c`` (needs a second table per video, e.g. an imported OpenFace CSV; otherwise skipped with a note;
  the project's stored analysis is the table ``analysis``, not ``model``: that is the proposals' coder);
  ``events``: FACS intensity letters in AU strings (``12C``: A..E = 1..5, absent = 0, a letter-less AU = missing)
  on the matched events where either coder scored the AU (0/0 pairs agree on absence, which the presence kappa
  counts; as intensities they would inflate the ICC), per coder pair. The same letters give an ordinal alpha
  (``AUxx intensity``) over all coders, on the units where some coder scored the AU. No ICC on fewer than
  ``MIN_ICC_TARGETS`` (3) pairs or frames (with two, ICC(2,1) can take any value; a note lists them); a printed
  ICC outside [-1, 1] gets a note with its reason (few targets; the coders' mean of coders who go against each
  other), and so does a coder whose value never changes (no between-target variance: no agreement measured).

API
    agreement_report(project, video_ids=None, coders=None, tolerance=3, iou=0.5,
                     statuses=("proposal", "accepted"), frame_tables=None, frames_coder=None,
                     all_coded=False, au_sides=False, progress=None, cancel=None) -> AgreementReport
        progress(done, total) after each step (a coder pair on a video, a video's alpha units); cancel() before
        each: True raises AgreementCancelled (a MerstudioError, exit code 130; no report)
    agreement_from_events(events, coders=None, tolerance=3, iou=0.5, frame_tables=None, video_ids=None,
                          frame_counts=None, all_coded=False, coded=None, au_sides=False)
    AgreementReport: .pairs .kappa .alpha .icc .matches (DataFrames; each AU key ``AU01``, ``video`` (the file
                     name) beside every ``video_id``: they join), .notes, .coders, .video_ids,
                     .summary() -> str, .write_csv(dir) -> list[Path], .tables() -> dict[str, DataFrame]
    match_events(a, b, tolerance, iou) -> EventMatch(pairs, only_a, only_b); group_units(events_by_coder, ...)
    cohen_kappa(a, b), kappa_from_table(t), krippendorff_alpha(data, level), icc(table) -> ICCResult,
    fleiss_kappa(data) -> (kappa, units), observed_agreement(data); coefficient_text(x): how a coefficient prints
    frame_icc(df_a, df_b) -> DataFrame; events_from_frames(df, video_id, coder) -> list[Event]
Undefined coefficients (no variation, too few values) are NaN. Bad input raises merstudio.errors.InputError.
"""

from merstudio.agreement.frames import events_from_frames, frame_icc
from merstudio.agreement.matching import EventMatch, group_units, interval_iou, match_events
from merstudio.agreement.report import (
    AgreementCancelled,
    AgreementReport,
    agreement_from_events,
    agreement_report,
    coder_of,
    coefficient_text,
)
from merstudio.agreement.stats import (
    MIN_ICC_TARGETS,
    ICCResult,
    cohen_kappa,
    fleiss_kappa,
    icc,
    kappa_from_table,
    krippendorff_alpha,
    observed_agreement,
)

__all__ = ["MIN_ICC_TARGETS", "AgreementCancelled", "AgreementReport", "EventMatch", "ICCResult",
           "agreement_from_events", "agreement_report", "coder_of", "coefficient_text", "cohen_kappa", "events_from_frames", "fleiss_kappa",
           "frame_icc", "group_units", "icc", "interval_iou", "kappa_from_table", "krippendorff_alpha",
           "match_events", "observed_agreement"]
