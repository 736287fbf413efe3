"""The media descriptors of an ELAN file: the URLs an export writes for its video (absolute, and relative to the
.eaf where one reaches it) and where an import finds the media a file names (:func:`_media_location`, ELAN's own
order), which descriptor holds the video (:func:`_video_descriptor`), and its media offset (``TIME_ORIGIN``).
See merstudio.interchange.eaf for the tier scheme."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import ParseResult

from merstudio.errors import InputError
from merstudio.interchange.common import file_name, foreign_path, quote

_MIME = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo",
         ".mkv": "video/x-matroska", ".webm": "video/webm", ".mpg": "video/mpeg", ".mpeg": "video/mpeg",
         ".wmv": "video/x-ms-wmv", ".wav": "audio/x-wav", ".m4a": "audio/mp4", ".mp3": "audio/mpeg",
         ".aif": "audio/x-aiff", ".aiff": "audio/x-aiff"}  # ELAN's own values (its MediaDescriptor), else IANA's


def _media_url(path: Path | str) -> str:
    if foreign_path(str(path)):  # another system's (Windows) path: its URL as ELAN writes it there
        return "file:///" + str(path).replace("\\", "/").lstrip("/")
    path = Path(path)
    try:
        return path.resolve().as_uri()
    except ValueError:
        return "file:///" + path.as_posix().lstrip("/")


def _relative_url(media: Path | str, eaf_path: str | os.PathLike[str]) -> str | None:
    """RELATIVE_MEDIA_URL of a media file from an .eaf (``./clip.mp4``, ``../coded/clip.mp4``); None for another
    system's path or another drive, which no relative URL reaches."""
    if foreign_path(str(media)):
        return None
    try:
        rel = os.path.relpath(Path(media).resolve(), Path(eaf_path).resolve().parent)
    except ValueError:  # another drive (Windows)
        return None
    return "./" + Path(rel).as_posix() if not rel.startswith("..") else Path(rel).as_posix()


def _reachable(media: Path | str, eaf_path: str | os.PathLike[str]) -> bool:
    """Whether a relative URL from the .eaf leads to the media: it is here, or lies in a folder the .eaf's shares
    beyond the root. Not another machine's path (/Users/Shared/... read from an .eaf made on a Mac): a relative URL
    there would climb to this machine's root (../../../Users/Shared/...), where the media is not."""
    if not media or foreign_path(str(media)):
        return False
    m = Path(media)
    if m.exists():
        return True
    try:
        common = Path(os.path.commonpath([m.resolve(), Path(eaf_path).resolve().parent]))
    except ValueError:  # another drive (Windows)
        return False
    return common != Path(common.anchor)


def _parsed_url(url: str, bad: list[str] | None = None) -> ParseResult | None:
    """``urlparse(url)``; None for a URL that cannot be parsed (``http://[broken/clip.mp4``: urlparse's "Invalid
    IPv6 URL"), which is added to ``bad``: a media location that is not here, not a traceback."""
    from urllib.parse import urlparse

    try:
        return urlparse(url)
    except ValueError:
        if bad is not None and url not in bad:
            bad.append(url)
        return None


def _media_location(eaf: Path, url: str, relative: str, bad: list[str] | None = None) -> str:
    """Where an ELAN file's media lies, as ELAN looks for it: the relative URL (against the file's folder) when the
    media is there, else the absolute URL's path, else the relative one resolved; "" when neither is a path. A URL
    that cannot be parsed is no location (it goes to ``bad``, for a note)."""
    from urllib.parse import unquote

    absolute = ""
    if url and (u := _parsed_url(url, bad)) is not None:
        if u.scheme in ("file", ""):
            absolute = unquote(u.path) if u.scheme == "file" else url
            if u.netloc and u.netloc != "localhost":  # file://server/share/...: a network path
                absolute = f"//{u.netloc}{absolute}"
            elif re.match(r"^/[A-Za-z]:[/\\]", absolute):  # file:///C:/Users/...: a Windows drive
                absolute = absolute[1:]
        elif re.match(r"^[A-Za-z]:[/\\]", url):  # C:\Users\... written as it is (urlparse: scheme "c")
            absolute = url
    near = ""
    if relative and (r := _parsed_url(relative, bad)) is not None:
        if r.scheme in ("file", ""):
            near = os.path.normpath(eaf.parent / unquote(r.path))
            if Path(near).exists():
                return near
    if absolute and (Path(absolute).is_absolute() or foreign_path(absolute)):
        return absolute  # a Windows path read elsewhere is kept as written: it is where ELAN looks on that machine
    return near


_VIDEO_EXTS = frozenset(ext for ext, mime in _MIME.items() if mime.startswith("video/"))


def _is_video(md: ET.Element) -> bool:
    """A MEDIA_DESCRIPTOR of a video (MIME_TYPE video/*, or a video file's extension), not an audio track."""
    if (md.get("MIME_TYPE") or "").lower().startswith("video/"):
        return True
    return Path(_url_name(md.get("RELATIVE_MEDIA_URL") or md.get("MEDIA_URL") or "")).suffix.lower() in _VIDEO_EXTS


def _descriptor_names(md: ET.Element) -> list[str]:
    """The file names a MEDIA_DESCRIPTOR's URLs end in (relative URL first), without repeats or blanks."""
    names = (_url_name(md.get(k) or "") for k in ("RELATIVE_MEDIA_URL", "MEDIA_URL"))
    return list(dict.fromkeys(n for n in names if n))


def _video_descriptor(descriptors: Sequence[ET.Element], video_name: str | None) -> ET.Element | None:
    """The MEDIA_DESCRIPTOR whose URL names the video ``video_name`` (a file name or a path), or one that names it
    in other letter case (an .eaf made on Windows); None when none does or no video is named."""
    want = file_name(video_name or "")
    if not want:
        return None
    for same in (str, str.casefold):
        for d in descriptors:
            if any(same(n) == same(want) for n in _descriptor_names(d)):
                return d
    return None


def _url_name(url: str) -> str:
    """The file name a media URL (or a path, Windows or not) ends in; for a URL that cannot be parsed, the name its
    text ends in."""
    from urllib.parse import unquote

    u = _parsed_url(url) if "://" in url else None
    return file_name(unquote(u.path if u is not None else url))


# a time past this (about 115 days) belongs to no recording: a corrupt or hand-edited value, refused in one line
# rather than read as frame 3e21
MAX_MS = 10**10


def _time_origin(p: Path, md: ET.Element) -> int:
    """A media descriptor's TIME_ORIGIN (ELAN's media offset, ms); 0 when it has none."""
    raw = (md.get("TIME_ORIGIN") or "").strip()
    if not raw:
        return 0
    try:
        ms = int(raw)
    except ValueError:
        raise InputError(f"{p}: media offset TIME_ORIGIN {quote(raw)} is no whole number of milliseconds") from None
    if abs(ms) > MAX_MS:
        raise InputError(f"{p}: media offset TIME_ORIGIN {quote(raw)} ms is longer than any recording (over "
                         f"{MAX_MS // 86_400_000} days): a damaged file?")
    return ms
