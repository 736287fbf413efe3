"""Who is in a video: the per-video ``subject:<video id>`` project setting.

Fine-tuning's hold-out by subject (``merstudio finetune --holdout subject``) groups videos by it, and the labelled
set export writes it in its ``subject`` column, both by :func:`subject_names`: a video without one is a subject of
its own, named by its file stem where no other video of the project has that stem, else by its folder and stem
(``P01/session``), else by those and its video id (``P01/session [3]``), so that two people's ``session.mp4`` are
never one subject by their file name. Set it with ``merstudio project subject PROJECT VIDEO SUBJECT``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from merstudio.errors import InputError


def subject_key(video_id: int) -> str:
    """The project setting that holds a video's subject."""
    return f"subject:{int(video_id)}"


def video_subject(project: Any, video_id: int) -> str | None:
    """The subject set for the video, or None when none is set."""
    value = project.get_setting(subject_key(video_id))
    text = str(value).strip() if value is not None else ""
    return text or None


def subjects(project: Any) -> dict[int, str]:
    """{video id: subject} of the project's videos that have one set."""
    out: dict[int, str] = {}
    for v in project.videos():
        s = video_subject(project, v.id)
        if s is not None:
            out[v.id] = s
    return out


def subject_names(project: Any) -> tuple[dict[int, str], str]:
    """{video id: its subject} for every video of the project, and how they were named in a line ('' with no
    videos): the video's subject setting where set; else its file stem where no other video has that stem; else
    its folder and stem (``P01/session``), with the video id in brackets where two such share those too (two
    ``P01`` folders). P01/session.mp4 and P02/session.mp4 are never one subject by their name alone, which a
    hold-out by subject (and leave-one-subject-out on the labelled set) would take for one person."""
    from merstudio.pathnames import relative_parts

    videos = project.videos()
    # the name, not the stored path: one a Windows merstudio wrote is no path here
    stems = Counter(Path(v.name).stem for v in videos)
    out: dict[int, str] = {}
    by_folder: list[int] = []
    n_set = 0
    for v in videos:
        stem = Path(v.name).stem
        subject = video_subject(project, v.id)
        if subject is not None:
            n_set += 1
        elif stems[stem] > 1:
            parts = relative_parts(v.path)  # Windows or POSIX, as stored
            subject = f"{parts[-2]}/{stem}" if len(parts) > 1 else stem
            by_folder.append(v.id)
        out[v.id] = subject or stem
    # a set subject is the person it names, as a sample table's subject cell is: P01 and p01, 7 and 007 are one
    # (two groups put one person on both sides of a --holdout subject split); under the spelling seen first
    from merstudio.datasets.parse import person_key

    first: dict[object, str] = {}
    merged = 0
    for v in videos:
        if v.id not in by_folder and video_subject(project, v.id) is not None:
            name = out[v.id]
            key = person_key(name)
            if first.setdefault(key, name) != name:
                merged += 1
                out[v.id] = first[key]
    taken = Counter(out[vid] for vid in by_folder)
    for vid in by_folder:
        if taken[out[vid]] > 1:  # one folder name too (two P01 folders): the video id tells them apart
            out[vid] = f"{out[vid]} [{vid}]"
    n_stem = len(videos) - n_set - len(by_folder)
    said = ([f"{n_set} from the project's subject setting"] if n_set else []) + \
        ([f"{len(by_folder)} by folder and file name (videos of one file name)"] if by_folder else []) + \
        ([f"{n_stem} by file name (no subject set)"] if n_stem else []) + \
        ([f"{merged} written another way read as the same person (P01 = p01, 7 = 007)"] if merged else [])
    return out, "subjects: " + ", ".join(said) if said else ""


def set_video_subject(project: Any, video_id: int, subject: str | None) -> None:
    """Set the video's subject (surrounding blanks dropped); None clears it (the video is its own subject again).
    An empty name, or one of several lines, is refused (InputError)."""
    try:
        project.video(video_id)  # an unknown id fails here, before anything is written
    except KeyError:
        raise InputError(f"{project.path}: no video {video_id}") from None
    if subject is None:
        project.delete_setting(subject_key(video_id))
        return
    name = str(subject).strip()
    if not name:
        raise InputError("subject: the name is empty (clear a video's subject with --clear)")
    if "\n" in name or "\r" in name:
        raise InputError(f"subject {name!r}: one line, please")
    project.set_setting(subject_key(video_id), name)
