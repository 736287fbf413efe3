"""Frame indexes built before work on the GUI thread would build them. An import of every video's events times each
video's rows by its frames (Project.video_times): a video not analysed to its end is read from its file, and a
variable-rate file needs one decode-only pass over the whole file for its frame times (36 s an hour), which froze
the window inside the import's preview. :func:`index_videos` builds those indexes first in a worker
(video_opening's), a progress dialog with Cancel meanwhile; the index is kept per process by merstudio.io.frames, so
the preview then finds it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog

from merstudio.errors import MerstudioError
from merstudio.gui import video_opening
from merstudio.gui.video_opening import IndexWorker, close_source, open_now
from merstudio.io.frames import IndexNeeded


def unanalysed_paths(project: Any, video_ids: Iterable[int]) -> list[str]:
    """The files of those videos whose frame times come from the file (Project.video_times): not analysed to their
    last frame, and here."""
    out = []
    for vid in video_ids:
        video = project.video(vid)
        last = project.last_frame_stored(vid)
        if (last is None or last < video.frame_count - 1) and Path(video.path).is_file():
            out.append(video.path)
    return out


def index_videos(win: Any, paths: Iterable[str], why: str) -> bool:
    """Build the frame index of each file in ``paths`` that needs a whole-file pass, in a worker; a window-modal
    progress dialog with Cancel shows for one that takes longer than GRACE_MS. ``why``: what the times are for, in
    the dialog. False: cancelled. A file that cannot be opened is passed over (what needs it says what is wrong)."""
    # what Project.video_times opens: the index is kept per file and process
    from merstudio.io import open_source

    for path in paths:
        try:
            close_source(open_now(open_source, path))  # a constant rate, or indexed already: its header only
            continue
        except IndexNeeded:
            pass
        except (MerstudioError, OSError):
            continue
        worker = IndexWorker(open_source, path, win)
        worker.start()
        if not worker.wait(video_opening.GRACE_MS):
            _wait_with_dialog(win, worker, f"Indexing {Path(path).name} (variable frame rate) {why}…")
        worker.wait()
        close_source(worker.source)
        if worker.cancelled:
            return False
    return True


def _wait_with_dialog(win: Any, worker: IndexWorker, text: str) -> None:
    """Keep the window drawn while ``worker`` runs: a progress dialog (frames done of the estimate) and a local
    event loop until it ends; Cancel stops it."""
    dialog = QProgressDialog(text, "Cancel", 0, 0, win)
    dialog.setWindowTitle("Indexing video")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, done, 1))
        dialog.setValue(done)

    worker.progress.connect(progress)
    dialog.canceled.connect(worker.cancel)  # its button
    dialog.rejected.connect(worker.cancel)  # Esc: hides it without `canceled`
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    dialog.show()
    if not worker.isFinished():  # it may have ended before finished was connected
        loop.exec()
    for signal, slot in ((worker.progress, progress), (dialog.canceled, worker.cancel),
                         (dialog.rejected, worker.cancel)):
        signal.disconnect(slot)  # closing the dialog emits `canceled`: not a cancel of the pass that ended
    dialog.close()
    dialog.deleteLater()
