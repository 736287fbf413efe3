"""Who is in a video: the per-video ``subject:<video id>`` project setting.

Fine-tuning's hold-out by subject (``merstudio finetune --holdout subject``) groups videos by it, and the labelled
set export writes it in its ``subject`` column; a video without one counts as its own subject (its file stem).
Set it with ``merstudio project subject PROJECT VIDEO SUBJECT``."""

from __future__ import annotations

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
