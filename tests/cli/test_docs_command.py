"""The docs/<name>.md that messages cite are reachable from an installed merstudio: the wheel carries them
(merstudio._docs) and `merstudio docs [TOPIC] [--show]` finds them, in a checkout and in an installation alike.
Before, the sdist had docs/ but the wheel did not: a user who installed the wheel was pointed at files they did not
have."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

import merstudio
from merstudio import docs_lookup
from merstudio.cli.main import main
from merstudio.errors import InputError

ROOT = Path(merstudio.__file__).resolve().parent.parent
PACKAGE = ROOT / "merstudio"
CITED = re.compile(r"\bdocs/([A-Za-z0-9_-]+)\.md\b")


def _citations() -> dict[str, list[str]]:
    """docs/<name>.md cited anywhere in merstudio's source (messages, help texts, notes), with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for m in CITED.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), []).append(str(path.relative_to(ROOT)))
    return found


def _installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> Path:
    """A package laid out as a wheel installs it (merstudio/_docs, no pyproject.toml beside merstudio/)."""
    package = tmp_path / "site" / "merstudio"
    (package / "_docs").mkdir(parents=True)
    for name in names:
        (package / "_docs" / f"{name}.md").write_text(f"# The {name} page\n\ntext of {name}\n", encoding="utf-8")
    monkeypatch.setattr(docs_lookup, "_PACKAGE", package)
    return package / "_docs"


def test_every_doc_a_message_cites_is_found_by_the_lookup() -> None:
    cited = _citations()
    # model, aus, face, io, interchange, gui, batch at the least: the scan must not quietly find nothing
    assert len(cited) >= 7 and {"model", "aus", "face", "io", "interchange", "gui", "batch"} <= set(cited)
    for name, where in cited.items():
        for spelling in (name, f"{name}.md", f"docs/{name}.md"):
            topic = docs_lookup.find(spelling)
            assert topic.name == name and topic.path.is_file(), (spelling, where)
            assert topic.path == ROOT / "docs" / f"{name}.md"  # a checkout reads its own docs/, no second copy


def test_the_wheel_config_ships_every_cited_doc_and_no_image() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "merstudio._docs" in config["packages"]
    assert config["package-dir"]["merstudio._docs"] == "docs"
    globs = config["package-data"]["merstudio._docs"]
    shipped = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()
               and any(fnmatch.fnmatch(p.relative_to(ROOT / "docs").as_posix(), g) for g in globs)}
    assert {f"{name}.md" for name in _citations()} <= shipped
    assert {p.name for p in (ROOT / "docs").glob("*.md")} == shipped  # every text page, nothing else
    # MANIFEST.in grafts docs/ (images too) for the sdist; only package-data may decide what the wheel carries
    assert config.get("include-package-data") is False
    assert "graft docs" in (ROOT / "MANIFEST.in").read_text(encoding="utf-8")


def test_no_topic_lists_every_page_with_its_heading_and_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    assert str(ROOT / "docs") in out.splitlines()[0]
    for page in (ROOT / "docs").glob("*.md"):
        heading = next(line[2:].strip() for line in page.read_text(encoding="utf-8").splitlines()
                       if line.startswith("# "))
        assert re.search(rf"^  {re.escape(page.stem)} +{re.escape(heading)}$", out, re.M), page.name


def test_a_topic_prints_its_path_or_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    for spelling in ("aus", "aus.md", "docs/aus.md", "Docs/AUS.md"):
        assert main(["docs", spelling]) == 0
        assert capsys.readouterr().out == f"{ROOT / 'docs' / 'aus.md'}\n"
    assert main(["docs", "docs/model.md", "--show"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def test_an_unknown_topic_is_one_line_naming_the_topics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "docs/nope.md"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("merstudio: error: docs/nope.md: no such documentation topic")
    assert all(p.stem in line for p in (ROOT / "docs").glob("*.md"))
    assert main(["docs", "--show"]) == 2  # --show without a topic says what to give
    assert "TOPIC" in capsys.readouterr().err


def test_an_installed_package_reads_its_own_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    docs = _installed(tmp_path, monkeypatch, ("model", "aus"))
    assert docs_lookup.docs_dir() == docs
    assert [(t.name, t.title) for t in docs_lookup.topics()] == [("aus", "The aus page"), ("model", "The model page")]
    assert main(["docs", "docs/model.md"]) == 0
    assert capsys.readouterr().out == f"{docs / 'model.md'}\n"
    assert main(["docs", "model", "--show"]) == 0
    assert capsys.readouterr().out == "# The model page\n\ntext of model\n"


def test_an_installation_without_its_docs_says_how_to_get_them_back(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _installed(tmp_path, monkeypatch, ())
    with pytest.raises(InputError, match="documentation is missing") as err:
        docs_lookup.find("model")
    assert str(err.value).startswith(str(docs)) and "reinstall" in str(err.value)
