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
from merstudio.interchange.common import file_name, foreign_path, quote, same_name

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


# what a URL's path may hold unescaped (RFC 3986 pchar and "/"): a space, '#', '\\' or a non-ASCII letter in it
# says the text was written as the path is (ELAN writes its media URLs so), not percent-encoded
_URL_TEXT = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")  # two letters or more: "C:" is a Windows drive


def _encoded(text: str) -> bool:
    """Whether ``text`` is validly percent-encoded, as a URL writer (merstudio's ``Path.as_uri``) writes a path:
    escapes, each ``%`` one of them, no character a writer escapes, and UTF-8 once decoded."""
    if not _ESCAPE.search(text) or not _URL_TEXT.match(text):
        return False
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _url_paths(url: str, bad: list[str] | None = None) -> tuple[list[str], str] | None:
    """The paths a media URL or relative URL may mean: as written, then percent-decoded (ELAN writes them as the
    path is: ``P#07 100% final.mp4``; other writers encode them: ``with%20space.mp4``); and the one to take where
    neither is on disk (decoded only when validly encoded). A ``file:`` URL's path is read by hand: a ``#`` or
    ``?`` in it is part of the name, no fragment or query. None for a URL that is no local path (http:...) or
    cannot be parsed (it goes to ``bad``)."""
    from urllib.parse import unquote

    if re.match(r"^[A-Za-z]:[/\\]", url):  # C:\Users\... written as it is
        return [url], url
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() != "file":
        _parsed_url(url, bad)  # "http://[broken/x.mp4" cannot be parsed: noted as such
        return None
    host, path = "", url
    if scheme:
        path = url[len(scheme.group(0)):]
        if path.startswith("//"):  # file://host/path (file:///path: no host)
            host, slash, rest = path[2:].partition("/")
            path = slash + rest
    raw = [path] + ([unquote(path)] if unquote(path) != path else [])
    chosen = raw[-1] if len(raw) > 1 and _encoded(path) else path

    def located(q: str) -> str:
        if host and host.lower() != "localhost":  # file://server/share/...: a network path
            return f"//{host}{q}"
        return q[1:] if scheme and re.match(r"^/[A-Za-z]:[/\\]", q) else q  # file:///C:/...: a Windows drive

    return [located(q) for q in raw], located(chosen)


def _on_disk(path: str) -> bool:
    """Whether something is at ``path``; False for a path no file system holds (too long, a NUL in it)."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def _media_location(eaf: Path, url: str, relative: str, bad: list[str] | None = None) -> str:
    """Where an ELAN file's media lies, as ELAN looks for it: the relative URL (against the file's folder) when the
    media is there, else the absolute URL's path, else the relative one resolved; "" when neither is a path. Each
    URL's path as written is tried before its percent-decoded one (:func:`_url_paths`), on disk; where neither is
    there, the one it most likely means. A URL that cannot be parsed is no location (it goes to ``bad``)."""
    far = _url_paths(url, bad) if url else None
    near = _url_paths(relative, bad) if relative else None
    if near is not None and foreign_path(near[1]):
        near = None  # another machine's absolute path where a relative URL belongs: no place beside the file
    if near is not None:
        for q in near[0]:
            if _on_disk(here := os.path.normpath(eaf.parent / q)):
                return here
    if far is not None:
        places = [q for q in far[0] if Path(q).is_absolute() or foreign_path(q)]
        for q in places:
            if _on_disk(q):
                return q
        if far[1] in places:
            return far[1]  # a Windows path read elsewhere is kept as written: it is where ELAN looks on that machine
    return os.path.normpath(eaf.parent / near[1]) if near is not None and near[1] else ""


_VIDEO_EXTS = frozenset(ext for ext, mime in _MIME.items() if mime.startswith("video/"))


def _is_video(md: ET.Element) -> bool:
    """A MEDIA_DESCRIPTOR of a video (MIME_TYPE video/*, or a video file's extension), not an audio track."""
    if (md.get("MIME_TYPE") or "").lower().startswith("video/"):
        return True
    return Path(_url_name(md.get("RELATIVE_MEDIA_URL") or md.get("MEDIA_URL") or "")).suffix.lower() in _VIDEO_EXTS


def _descriptor_names(md: ET.Element, every: bool = False) -> list[str]:
    """The file names a MEDIA_DESCRIPTOR's URLs end in (relative URL first), without repeats or blanks; ``every``:
    each as written and percent-decoded (:func:`_url_paths`), to match a video's name either way."""
    names = (n for k in ("RELATIVE_MEDIA_URL", "MEDIA_URL")
             for n in (_url_names(md.get(k) or "") if every else [_url_name(md.get(k) or "")]))
    return list(dict.fromkeys(n for n in names if n))


def _descriptor_name(md: ET.Element, location: str) -> str:
    """The file name of a descriptor's media: the file's where it is on disk (:func:`_media_location`), else the
    relative URL's as the absolute URL spells it (merstudio writes the relative URL as the path is and the absolute
    one encoded: ``../Interview%20P07.mp4`` beside ``.../Interview%2520P07.mp4``), else the URL's."""
    if location and _on_disk(location):
        return file_name(location)
    relative, url = md.get("RELATIVE_MEDIA_URL") or "", md.get("MEDIA_URL") or ""
    if relative and url and (named := _url_name(url)) in _url_names(relative):
        return named
    return _url_name(relative or url)


def _video_descriptor(descriptors: Sequence[ET.Element], video_name: str | None) -> ET.Element | None:
    """The MEDIA_DESCRIPTOR whose URL names the video ``video_name`` (a file name or a path), or one that names it
    in other letter case (an .eaf made on Windows), in either Unicode form (:func:`same_name`: a Mac's decomposed
    "Gespräch"); None when none does or no video is named."""
    want = file_name(video_name or "")
    if not want:
        return None
    for fold in (False, True):
        for d in descriptors:
            if any(same_name(n, want, fold) for n in _descriptor_names(d, every=True)):
                return d
    return None


def _url_names(url: str) -> list[str]:
    """The file names a media URL (or a path, Windows or not) may end in, as written and percent-decoded
    (:func:`_url_paths`); for a URL that is no local path (http:...), the name its text ends in."""
    paths = _url_paths(url)
    return list(dict.fromkeys(file_name(q) for q in paths[0])) if paths is not None else [_url_name(url)]


def _url_name(url: str) -> str:
    """The file name a media URL (or a path, Windows or not) ends in: decoded only where the URL is validly
    percent-encoded (:func:`_url_paths`); for a URL that is no local path, the name its text ends in."""
    from urllib.parse import unquote

    paths = _url_paths(url)
    if paths is not None:
        return file_name(paths[1])
    u = _parsed_url(url)
    text = u.path if u is not None else url
    return file_name(unquote(text) if _encoded(text) else text)


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
