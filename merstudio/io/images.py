"""Decoding one image file (a photo, or a frame of an image-sequence folder) as merstudio reads it.

OpenCV decodes almost every image; PIL reads the headers (size, EXIF orientation) and decodes the few files OpenCV
gets wrong: a TIFF whose Orientation turns it (5-8: OpenCV 5.1 refuses it with a raw error block on stderr) and a
JPEG cut short (OpenCV fills what was never decoded with grey and libjpeg prints "Premature end of JPEG file";
PIL's decoder prints nothing, and the grey filler is found and cut off). Pictures over `MAX_PIXELS` are refused by
name before any decode. See docs/io.md ("Photos and frame images").
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from merstudio.errors import InputError

# Larger pictures are refused: a 200 MP phone photo (16320x12240) still reads, and its analysis peaked at 2.6 GB
# (13 bytes a pixel: the picture takes 3, the analysis a few copies). PIL's own bomb limit (a warning from 89 MP,
# an error past 179 MP) guards servers against untrusted uploads and is not applied to the headers read here.
MAX_PIXELS = 250_000_000
_BYTES_A_PIXEL = 13
_ORIENTATION = 0x0112
_TRANSPOSED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_JPEG_SOI, _JPEG_EOI = b"\xff\xd8", b"\xff\xd9"
_FILLER = 128  # what libjpeg decodes blocks it got no data for to (all coefficients 0)
_pil_limit = threading.Lock()


@dataclass(frozen=True)
class Header:
    size: tuple[int, int]  # (width, height) as stored, before the EXIF rotation
    orientation: int  # EXIF Orientation, 1 where none (or unreadable)
    format: str  # PIL's name: JPEG, PNG, TIFF, ...

    @property
    def upright(self) -> tuple[int, int]:
        w, h = self.size
        return (h, w) if self.orientation in _TRANSPOSED else (w, h)


@contextlib.contextmanager
def _own_limit() -> Iterator[None]:
    """PIL's decompression-bomb check off (MAX_PIXELS is merstudio's limit, checked on the header): the module-wide
    setting, restored at once; the lock keeps two of these from crossing."""
    from PIL import Image

    with _pil_limit:
        saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def header(path: str | os.PathLike[str]) -> Header | None:
    """The file's header as PIL reads it, without decoding the picture; None when PIL cannot read it. PIL's
    decompression-bomb check (a warning, or an error past 179 MP) is off here: the size is what is wanted, and
    `MAX_PIXELS` is merstudio's limit."""
    from PIL import Image, UnidentifiedImageError

    with _own_limit():
        try:
            with Image.open(path) as im:
                try:
                    orientation = int(im.getexif().get(_ORIENTATION, 1))
                except Exception:  # noqa: BLE001 - a damaged EXIF block: OpenCV ignores it too
                    orientation = 1
                size = im.size
                if im.format == "TIFF":  # Pillow (11+) gives a TIFF's size upright already: the stored one
                    tags = getattr(im, "tag_v2", {})
                    size = (int(tags.get(256, size[0])), int(tags.get(257, size[1])))
                return Header(size, orientation if 1 <= orientation <= 8 else 1, im.format or "")
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
            return None


def too_large_message(path: str | os.PathLike[str], size: tuple[int, int]) -> str:
    w, h = size
    return (f"{path}: the picture is {w}x{h} ({w * h / 1e6:.0f} MP), over merstudio's limit of "
            f"{MAX_PIXELS / 1e6:.0f} MP (its analysis would take about {_BYTES_A_PIXEL * w * h / 1e9:.1f} GB of "
            f"memory); crop or scale it around the faces first")


@dataclass
class Decoded:
    rgb: np.ndarray  # H x W x 3 uint8, upright
    # a JPEG cut short: (rows that decode, rows stored), counted as stored (before the EXIF rotation); the rows past
    # the first are grey filler, cut off when asked to (`crop`). (stored, stored) where no row is filler (a
    # progressive JPEG cut in a later scan: every row decodes, with less detail). None for a whole file.
    cut: tuple[int, int] | None = None


def read_image(path: str | os.PathLike[str], crop: bool = False) -> Decoded | None:
    """Decode an image file upright (EXIF orientation applied) as RGB uint8; grey, 16-bit and alpha images become
    RGB. None when it does not decode. Raises InputError (one line naming it) for a picture over MAX_PIXELS.
    crop: a JPEG cut short comes cropped to the rows that decode (a photo: its size is its own), else at full size
    with the grey filler (a clip's frame must keep the clip's size)."""
    head = header(path)
    if head is not None and head.size[0] * head.size[1] > MAX_PIXELS:
        raise InputError(too_large_message(path, head.upright))
    if head is not None and head.format == "JPEG" and not _ends_whole(path):
        return _read_cut_jpeg(Path(path), head, crop)
    if head is not None and head.format == "TIFF" and head.orientation in _TRANSPOSED:
        return _read_with_pil(Path(path))  # OpenCV 5.1 fails on these ('original_ptr == real_mat.data')
    # IMREAD_COLOR gives 3 channels for grey and 16-bit images too (converted to 8-bit), EXIF rotation applied
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return None if bgr is None else Decoded(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def read_whole_image(path: str | os.PathLike[str]) -> np.ndarray:
    """A dataset frame or flow image as RGB uint8, whole or not at all: InputError (one line naming it) when it does
    not decode or is cut short. A training input must not be a half-written file's grey filler (OpenCV decodes a
    cut JPEG with a warning only, and the flow of that frame is then mostly the filler's edge)."""
    img = read_image(path)
    if img is None:
        raise InputError(f"{path}: unreadable image")
    if img.cut is not None:
        raise InputError(f"{path}: the image is cut short ({cut_note(img.cut)})")
    return img.rgb


def cut_note(cut: tuple[int, int]) -> str:
    """What a Decoded.cut says, for a one-line error."""
    done, stored = cut
    part = f"only {done} of its {stored} rows decode" if done < stored else "its later scans are missing"
    return f"{part}: a file not wholly copied or written?"


def _ends_whole(path: str | os.PathLike[str]) -> bool:
    """Whether a JPEG file ends on its end-of-image marker (padding after it allowed). Reads the last 1 KB."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - 1024))
            return fh.read().rstrip(b"\x00\t\n\r ").endswith(_JPEG_EOI)
    except OSError:
        return True  # the decode reports it


def _rgb(im: object) -> np.ndarray:
    """A PIL image as RGB uint8; 16-bit grey keeps its high byte, as OpenCV's IMREAD_COLOR does."""
    from PIL import Image

    assert isinstance(im, Image.Image)
    if im.mode.startswith("I;16"):
        grey = (np.asarray(im).astype(np.uint16) >> 8).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def _orient(a: np.ndarray, orientation: int) -> np.ndarray:
    """The stored picture `a` turned upright by its EXIF Orientation (2-8), as cameras and viewers apply it."""
    if orientation in (2, 4, 5, 7):
        a = a[:, ::-1]  # mirrored first
    turn = {3: 2, 4: 2, 5: 1, 6: 3, 7: 3, 8: 1}.get(orientation, 0)  # quarter turns anticlockwise
    return np.ascontiguousarray(np.rot90(a, turn))


def _read_with_pil(path: Path) -> Decoded | None:
    from PIL import Image, ImageOps

    try:
        with _own_limit(), Image.open(path) as im:
            im.load()
            # upright (a no-op where the plugin turned it on load already, as Pillow's TIFF plugin does)
            return Decoded(_rgb(ImageOps.exif_transpose(im)))
    except (OSError, ValueError, SyntaxError):
        return None


def _read_cut_jpeg(path: Path, head: Header, crop: bool) -> Decoded | None:
    """A JPEG without its end marker: whole (a long trailer after the marker), or cut short. Decoded by PIL (silent)
    with the end marker it lacks, so libjpeg fills what never came with grey (all coefficients zero: Y = 128); the
    filler is found in the luma, MCU by MCU (the decoder's unit), from the end."""
    import io

    from PIL import Image

    try:
        with _own_limit(), Image.open(path) as im:
            im.load()
            return Decoded(_orient(_rgb(im), head.orientation))  # whole: data after the marker
    except (OSError, ValueError, SyntaxError):
        pass
    try:
        data = path.read_bytes() + _JPEG_EOI
        with _own_limit(), Image.open(io.BytesIO(data)) as im:
            rgb = _rgb(im)  # libjpeg's own colour conversion, as for a whole file
        with _own_limit(), Image.open(io.BytesIO(data)) as im:
            layers = getattr(im, "layer", None) or [(0, 1, 1, 0)]
            mcu = (8 * max(v for _, _, v, _ in layers), 8 * max(h for _, h, _, _ in layers))
            plain = im.mode in ("RGB", "L")
            if im.mode == "RGB":
                im.draft("YCbCr", im.size)  # decoded again for the luma, before the colour conversion
            decoded = np.asarray(im)
            if decoded.ndim == 2:
                decoded = decoded[..., None]
    except (OSError, ValueError, SyntaxError):
        return None
    rows = decoded.shape[0]
    whole = _decoded_rows(decoded[..., 0], mcu) if plain else rows
    if whole == 0:
        return None  # cut before the first row of blocks: nothing of the picture is there
    if crop:
        rgb = rgb[:whole]
    return Decoded(_orient(rgb, head.orientation), (whole, rows))


def _decoded_rows(luma: np.ndarray, mcu: tuple[int, int]) -> int:
    """The rows above the first MCU that is all filler after the last one that is not, in the decoder's (raster)
    order; the row of MCUs the data broke off in is dropped whole (its right part is filler)."""
    mh, mw = mcu
    h, w = luma.shape
    rows, cols = -(-h // mh), -(-w // mw)
    padded = np.full((rows * mh, cols * mw), _FILLER, luma.dtype)
    padded[:h, :w] = luma
    filler = (padded.reshape(rows, mh, cols, mw) == _FILLER).all(axis=(1, 3)).ravel()
    real = np.flatnonzero(~filler)
    if len(real) == 0:
        return 0
    last = int(real[-1])
    if last == len(filler) - 1:
        return h  # no filler at the end: every row decodes
    r, c = divmod(last, cols)
    return min(h, (r + 1) * mh if c == cols - 1 else r * mh)
