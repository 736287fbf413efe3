"""Building the command line's parsers (`merstudio --help`, any command's argument check) imports no heavy library.

Before, `build_parser()` imported merstudio.analysis.files for analyze's flow methods and face limit: pandas (0.34 s),
cv2, numpy, the face and feature modules, about half a second before `merstudio --help` or a mistyped option's
error even began. The parsers read their choices from light homes (merstudio.names) and each command imports its
machinery when it runs."""

from __future__ import annotations

import ast
import subprocess
import sys

HEAVY = ("pandas", "torch", "cv2", "matplotlib", "PySide6", "mediapipe", "numpy", "pyarrow", "scipy")


def _loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_building_every_parser_imports_no_heavy_library() -> None:
    loaded = _loaded_after("from merstudio.cli.main import build_parser\nbuild_parser()")
    assert loaded == []


def test_every_commands_help_text_imports_no_heavy_library() -> None:
    # the help texts are formatted too (choices, the face limit's words, the video extensions)
    code = ("import argparse\nfrom merstudio.cli.main import build_parser\n"
            "def walk(p):\n"
            "    p.format_help()\n"
            "    for a in p._actions:\n"
            "        if isinstance(a, argparse._SubParsersAction):\n"
            "            for sp in a.choices.values(): walk(sp)\n"
            "walk(build_parser())")
    assert _loaded_after(code) == []


def test_every_commands_help_through_main_imports_no_heavy_library() -> None:
    # `merstudio X --help` as main() runs it: the parser built, the arguments read, the help printed
    code = ("import contextlib, io\nfrom merstudio.cli.main import SUBCOMMANDS, main\n"
            "for name in ('', *SUBCOMMANDS):\n"
            "    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
            "        main([name, '--help'] if name else ['--help'])\n"
            "    assert 'usage: merstudio' in out.getvalue(), name")
    assert _loaded_after(code) == []
