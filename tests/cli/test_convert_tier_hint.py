"""`merstudio convert`'s refusal of an ELAN file whose tiers are not in merstudio's scheme ends with the option that
maps one (every ELAN file another tool wrote failed on the first try, and the option was named nowhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "study.merproj") as proj:
        proj.add_video(video, fps=25.0, frame_count=100, width=64, height=48)
    return tmp_path / "study.merproj"


def _eaf(path: Path, tiers: dict[str, list[tuple[int, int, str]]]) -> Path:
    slots, body = [], []
    for tid, anns in tiers.items():
        body.append(f'<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="{tid}">')
        for a, b, value in anns:
            n = len(slots)
            slots += [(f"ts{n + 1}", a), (f"ts{n + 2}", b)]
            body.append(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="ts{n + 1}" '
                        f'TIME_SLOT_REF2="ts{n + 2}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
                        "</ALIGNABLE_ANNOTATION></ANNOTATION>")
        body.append("</TIER>")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
        + "".join(f'<TIME_SLOT TIME_SLOT_ID="{k}" TIME_VALUE="{v}"/>' for k, v in slots)
        + "</TIME_ORDER>" + "".join(body)
        + '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>', encoding="utf-8")
    return path


def test_unknown_tiers_refused_name_the_tier_option(tmp_path, capsys):
    src = _eaf(tmp_path / "chat.eaf", {"CHI": [(0, 400, "hello")], "MOT": [(500, 900, "hi")]})
    assert main(["convert", str(src), str(tmp_path / "out.events.csv"), "--fps", "25"]) == 2
    err = capsys.readouterr().err.splitlines()[-1] + "\n"  # after the preview, the one line of the refusal
    assert err.startswith("merstudio: error: chat.eaf: tier 'CHI': unknown tier") and "nothing to import" in err
    assert err.endswith("; map a tier to a coder with --tier 'CHI=CODER[:aus|emotion|event]'\n"), err
    assert not (tmp_path / "out.events.csv").exists()


def test_the_hint_after_a_refusal_to_skip_and_in_a_project_import(tmp_path, capsys, project):
    """Some events readable, an unknown tier with a space in its name: the refusal says --yes and --tier, shell-
    quoted; an import into a project says the same, and imports nothing."""
    src = _eaf(tmp_path / "mixed.eaf", {"alice/event": [(0, 400, "happiness | 12")],
                                        "Child speech": [(500, 900, "hi")]})
    assert main(["convert", str(src), str(tmp_path / "out.events.csv"), "--fps", "25"]) == 2
    err = capsys.readouterr().err
    assert "confirm skipping 1 item(s) (skip_bad=True / --yes)" in err
    assert err.endswith("--tier 'Child speech=CODER[:aus|emotion|event]'\n"), err
    path = project
    assert main(["convert", "--project", str(path), "--import", str(src)]) == 2
    assert capsys.readouterr().err.endswith("--tier 'Child speech=CODER[:aus|emotion|event]'\n")
    assert main(["convert", "--project", str(path), "--import", str(src), "--tier", "Child speech=bob:event",
                 "--yes"]) == 0


def test_other_refusals_name_no_tier(tmp_path, capsys):
    src = _eaf(tmp_path / "bad.eaf", {"alice/event": [(0, 400, "happiness | 12"), (500, 900, "joy | AU99x")]})
    main(["convert", str(src), str(tmp_path / "out.events.csv"), "--fps", "25"])
    assert "--tier" not in capsys.readouterr().err
