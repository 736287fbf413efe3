"""A checkpoint's metadata read without torch (merstudio.model.checkpoint): the app names the model behind a video's
class curves when the video is shown, and importing torch for that froze the window for about a second.

The file is torch's zip: ``<archive>/data.pkl`` pickles {"format", "format_version", "meta", "state_dict"}, whose
tensors refer to storages by persistent id. Those are read as placeholders, and no global outside torch's tensor
rebuilders and OrderedDict is accepted (as torch.load(weights_only=True) refuses them). Anything unexpected gives
None: the caller then asks torch (read_checkpoint_meta), which says what is wrong."""

from __future__ import annotations

import collections
import io
import os
import pickle
import stat
import zipfile
from pathlib import Path
from typing import IO, Any

FORMAT = "merstudio-checkpoint"  # merstudio.model.checkpoint writes these
FORMAT_VERSION = 1
_REQUIRED = ("model_config", "class_names", "aus")


class _Tensor:
    """Stands in for a tensor (its storage is never read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" or module.startswith("torch."):  # rebuilders and storage types: placeholders
            return _Tensor
        raise pickle.UnpicklingError(f"global {module}.{name} refused")

    def persistent_load(self, pid: Any) -> Any:
        return None


def not_a_file(path: str | Path) -> str:
    """Why ``path`` is no file to read a checkpoint (or its parent) from, in a few words; '' for a regular file.
    A received checkpoint names its parent by path: ``/dev/zero`` was hashed for ever, and a named pipe (FIFO) held
    its reader until something wrote to it, on the app's GUI thread."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "no such file"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def open_regular(path: str | Path) -> IO[bytes]:
    """``path`` opened for reading where it is a regular file; OSError (with the reason, not_a_file) otherwise,
    without waiting: it is opened non-blocking (a FIFO's open waits for a writer) and checked on the descriptor."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: {not_a_file(path) or 'not a regular file'}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def peek_checkpoint_meta(path: str | Path, verify: bool = False) -> dict[str, Any] | None:
    """The metadata of a merstudio checkpoint, without torch; None when the file is not plainly one (let
    merstudio.model.checkpoint.read_checkpoint_meta say why), or no regular file (not_a_file: never read, a FIFO
    would block). ``verify``: every part's checksum too (a damaged weight file is then None, as torch's reader
    refuses it), not only the metadata's."""
    try:
        with open_regular(path) as fh, zipfile.ZipFile(fh) as zf:
            names = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
            if len(names) != 1 or (verify and zf.testzip() is not None):
                return None
            raw = zf.read(names[0])  # checks the member's CRC-32
        payload = _Unpickler(io.BytesIO(raw)).load()
    except Exception:  # noqa: BLE001 - any doubt goes to torch's reader, which names the problem
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    version, meta = payload.get("format_version"), payload.get("meta")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION or not isinstance(meta, dict):
        return None
    if not isinstance(payload.get("state_dict"), dict) or any(k not in meta for k in _REQUIRED):
        return None
    return meta
