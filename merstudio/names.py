"""Names and limits the command line's parsers show (choices, help texts), kept apart from the modules that use them:
building every parser (`merstudio --help`, any command's argument check) must import no cv2, numpy or pandas
(half a second before). Each is defined here only; its module re-exports it (features.flow, io.frames,
analysis.pipeline), and either import is the same object."""

from __future__ import annotations

# Optical flow methods (merstudio.features.flow says what each is and costs).
FLOW_METHODS = ("dis", "dis_fast", "farneback", "tvl1")
# An analysis' flow is its micro-motion lane's: a micro-expression's small local movements, which dis_fast reads
# several-fold too small (smile_man.mp4's smile onset: motion 1.14 against dis's 2.40, the mouth 0.74 against
# 2.37; 8 times a still stretch's median against dis's 13) to save ~1.5 ms a face and frame. A checkpoint's
# model input is computed with its own recorded method, whatever the analysis' flow.
ANALYSIS_FLOW_METHODS = tuple(m for m in FLOW_METHODS if m != "dis_fast")

# What a folder is searched for (batches, the app's Videos filter, a moved video's search; matched lower-cased):
# every container FFmpeg opens that cameras and archives write, tapes (.dv: dvgrab), DVDs (.vob), camcorders (.mts,
# .m2ts, .m2t: HDV; .mod/.tod: MPEG-PS), broadcast (.mxf), phones (.3gp, .3g2), the web (.ogv, .f4v, .asf).
VIDEO_EXTENSIONS = frozenset({".mp4", ".avi", ".mov", ".mkv", ".m4v", ".webm", ".mpg", ".mpeg", ".wmv", ".flv",
                              ".ts", ".mts", ".m2ts", ".m2t", ".3gp", ".3g2", ".dv", ".vob", ".mod", ".tod", ".mxf",
                              ".ogv", ".m2v", ".f4v", ".asf", ".divx"})

# Faces an analysis follows per frame by default (merstudio.analysis.pipeline.face_limit). Every tracked face costs
# on every frame of a video; a photo is one frame, and group photos hold more than four.
VIDEO_MAX_FACES = 4
PHOTO_MAX_FACES = 16
FACE_LIMIT_AUTO = f"{VIDEO_MAX_FACES} in a video, {PHOTO_MAX_FACES} in a photo"  # what None means, in words
