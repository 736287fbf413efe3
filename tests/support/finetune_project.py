"""A small project for fine-tuning tests: three synthetic clips (the public-domain astronaut face of clips.py) with
AU-warped micro-expressions of three classes, coded events on them, and a tiny untrained checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from support.clips import FPS, H, W, _face

CLASSES = ("negative", "positive", "surprise", "none")
CLASS_AUS = {"positive": {12: 3.0}, "negative": {4: 3.0}, "surprise": {1: 2.5, 2: 2.5}}
AU_STRING = {"positive": "12", "negative": "4", "surprise": "1+2"}
N_FRAMES = 170
ONSETS = (5, 21, 37, 53, 69, 85)  # 6 events, 16 frames apart; frames 110.. stay quiet (for `none` windows)
LENGTH = 8  # onset -> offset; apex at onset + 4


@dataclass
class FtProject:
    path: Path
    checkpoint: Path
    videos: list[int]
    events: dict[int, list[int]]  # video id -> accepted event ids with a class emotion
    other_events: list[int]  # not to be trained on: proposals, rejected, unknown emotions


def write_expression_clip(path: Path, labels: list[str], seed: int, scale: float = 1.0) -> Path:
    """A clip whose event k (onset ONSETS[k]) shows the AUs of labels[k], ramping up to apex and back."""
    from merstudio.synth.warps import au_displacement, sensor_noise, warp

    canvas, lm = _face()
    # The displacement of each class at amplitude 1, scaled per frame (computing a field per frame is slow).
    unit = {label: au_displacement(lm, canvas.shape[:2], {au: a for au, a in CLASS_AUS[label].items()})
            for label in set(labels)}
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(N_FRAMES):
        img = canvas
        for on, label in zip(ONSETS, labels, strict=False):
            if on < i < on + LENGTH:
                r = 1.0 - abs(i - (on + 4)) / 4.0
                img = warp(canvas, (unit[label] * (r * scale)).astype(np.float32))
        img = sensor_noise(img, 1.0, rng)
        writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def tiny_checkpoint(path: Path, classes: tuple[str, ...] = CLASSES, seed: int = 0) -> Path:
    """An untrained tiny MENet with the input settings of a flow, 28 px, T=1 model."""
    import torch

    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    torch.manual_seed(seed)
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, n_classes=len(classes),
                      class_names=list(classes))
    inp = InputSettings(modality="flow", size=28, T=1).to_dict()
    inp["preprocess"] = PreprocessSettings(modality="flow", size=28, T=1, flow="dis").to_dict()
    return save_checkpoint(path, MENet(cfg).eval(), {"input": inp, "training_data": {"description": "none"}})


def build_project(folder: Path) -> FtProject:
    """Three videos (subjects alice, alice, bob), 6 accepted class events each (2 per class), plus events that
    must never be used: an open proposal, a rejected proposal, an accepted event of an unknown emotion and one
    with no emotion."""
    from merstudio.io import open_source
    from merstudio.project import Event, Project

    folder.mkdir(parents=True, exist_ok=True)
    plans = [
        ["positive", "negative", "surprise", "positive", "negative", "surprise"],
        ["negative", "surprise", "positive", "surprise", "positive", "negative"],
        ["surprise", "positive", "negative", "negative", "surprise", "positive"],
    ]
    subjects = ["alice", "alice", "bob"]
    coders = ["ann", "ben", "cat"]
    proj = Project.create(folder / "study.merproj")
    videos, events, others = [], {}, []
    for k, plan in enumerate(plans):
        clip = write_expression_clip(folder / f"clip{k + 1}.avi", plan, seed=k, scale=0.9 + 0.1 * k)
        with open_source(clip) as src:
            v = proj.add_source(src)
        videos.append(v.id)
        proj.set_setting(f"subject:{v.id}", subjects[k])
        evs = []
        for j, (on, label) in enumerate(zip(ONSETS, plan, strict=True)):
            # one event per video is an accepted model proposal; the rest are manual codes
            source, coder = ("model", "model") if j == 5 else ("manual", coders[k])
            evs.append(Event(v.id, on, on + 4, on + LENGTH, emotion=label, aus=AU_STRING[label], coder=coder,
                             source=source, status="accepted"))
        made = proj.add_events(evs)
        events[v.id] = [e.id for e in made]
        extra = proj.add_events([
            Event(v.id, 22, 25, 28, emotion="positive", coder="model", source="model", status="proposal"),
            Event(v.id, 45, 47, 50, emotion="negative", coder="model", source="model", status="rejected"),
            Event(v.id, 60, 62, 64, emotion="happiness", coder=coders[k]),
            Event(v.id, 77, 79, 81, emotion="", coder=coders[k]),
        ])
        others += [e.id for e in extra]
    proj.close()
    ckpt = tiny_checkpoint(folder / "tiny.pt")
    return FtProject(folder / "study.merproj", ckpt, videos, events, others)


def private_copy(built: FtProject, tmp_path: Path) -> tuple[Path, Path]:
    """A test's own copy of a built project's folder (its versioned checkpoints and event edits stay its own):
    (the project, the checkpoint) in it."""
    import shutil

    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    return dst / built.path.name, dst / built.checkpoint.name


def project_fixtures(name: str):
    """The fine-tuning tests' fixtures, one project per test module: ``built`` (built once, module scope), ``cache``
    (a preprocessing cache of the module's own) and ``proj`` (each test's private copy: project, checkpoint).
    Use as ``built, cache, proj = project_fixtures("ftgui")``."""
    import pytest

    @pytest.fixture(scope="module", name="built")
    def built(tmp_path_factory):
        return build_project(tmp_path_factory.mktemp(name))

    @pytest.fixture(scope="module", name="cache")
    def cache(tmp_path_factory):
        return tmp_path_factory.mktemp(f"{name}cache")

    @pytest.fixture(name="proj")
    def proj(built, tmp_path):
        return private_copy(built, tmp_path)

    return built, cache, proj


def guarded_project(folder: Path) -> dict[str, Path]:
    """Files no fine-tuning may write over, as bytes to compare after: a project with one video and one analysis
    made with `ran.pt`, saved (so its .bak exists), a parent checkpoint and one the app has loaded (the files are
    placeholders: the refusals come before any is read). Keys: video, ran, parent, loaded, project, bak."""
    from merstudio.project import Project

    folder.mkdir(parents=True, exist_ok=True)
    files = {"video": folder / "clip.avi", "ran": folder / "ran.pt", "parent": folder / "parent.pt",
             "loaded": folder / "loaded.pt"}
    for name, path in files.items():
        path.write_bytes(f"{name} bytes ".encode() * 40)
    proj = Project.create(folder / "study.merproj")
    v = proj.add_video(files["video"], 25.0, 10, 64, 48)
    aid = proj.begin_analysis(v.id, {"checkpoint": str(files["ran"])}, model=str(files["ran"]))
    proj.finish_analysis(aid)
    proj.save()
    proj.close()
    files["project"] = folder / "study.merproj"
    files["bak"] = folder / "study.merproj.bak"
    assert files["bak"].is_file()
    return files


# five accepted events (onset, apex, offset, emotion) a placeholder video of locked_project has
PLACEHOLDER_EVENTS = ((10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"),
                      (100, 104, 110, "negative"), (130, 133, 140, "positive"))


@dataclass
class LockedProject:
    """locked_project's answer: the project (open; the caller closes it), the split its first fine-tuning drew and
    locked (RunSplit, its record stored as the project's SPLIT_SETTING), and the held-out video's id and name."""

    project: object  # merstudio.project.Project
    split: object  # merstudio.training.finetune_split.RunSplit
    held_video: int
    held_name: str


def locked_project(folder: Path, *, videos: int = 4) -> LockedProject:
    """A project of `videos` placeholder videos (none read: the split and the counts need no frames), each with
    PLACEHOLDER_EVENTS coded by ann, and the held-out split (by video, a quarter, min_train=1) its first
    fine-tuning draws, locked as that run stores it: one video held out."""
    from merstudio.project import Event, Project
    from merstudio.training.finetune_split import SPLIT_SETTING, collect_events, group_names, run_split

    folder.mkdir(parents=True, exist_ok=True)
    proj = Project.create(folder / "p.merproj")
    for k in range(videos):
        clip = folder / f"take{k}.avi"
        clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders of their own content
        v = proj.add_video(clip, 25.0, 200, 64, 48)
        proj.add_events([Event(v.id, a, b, c, emotion=e, coder="ann", status="accepted")
                         for a, b, c, e in PLACEHOLDER_EVENTS])
    items, _ = collect_events(proj, CLASSES)
    split = run_split(proj, items, "video", 0.25, min_train=1, names=group_names(proj, "video"))
    proj.set_setting(SPLIT_SETTING, split.record)
    (held,) = (int(g) for g in split.groups)
    return LockedProject(proj, split, held, next(v.name for v in proj.videos() if v.id == held))
