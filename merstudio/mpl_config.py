"""matplotlib's configuration folder made writable before matplotlib is imported, and the fonts of a drawing made on
a thread other than the main one let go when it ends, and the drawings' one style (drawing: CJK fonts as fallbacks,
missing_glyphs_line: text no font has, said once): standard library only at import, so the command line's start
(cli.main, before every command) imports no plotting, numpy or pandas for it, and every layer that draws (analysis'
plots, training's confusion matrix) can use them."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def writable_mpl_config() -> None:
    """MPLCONFIGDIR set to a private temporary folder where matplotlib's own folders (~/.config/matplotlib,
    ~/.cache/matplotlib, the XDG ones) cannot be made or written (HOME read-only or unset), before matplotlib is
    imported: it made such a folder itself, but printed three raw lines about it on stderr (even with -q). The
    environment variable reaches the analysis's worker processes too."""
    if os.environ.get("MPLCONFIGDIR") or "matplotlib" in sys.modules:
        return
    try:
        home = os.path.expanduser("~")
        if sys.platform.startswith(("linux", "freebsd")):
            dirs = [os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "matplotlib"),
                    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "matplotlib")]
        else:
            dirs = [os.path.join(home, ".matplotlib")]
        for folder in dirs:  # nothing is made here (most commands draw nothing): the nearest existing folder
            while not os.path.lexists(folder) and os.path.dirname(folder) != folder:
                folder = os.path.dirname(folder)
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
                raise PermissionError(folder)
    except (OSError, RuntimeError):
        try:
            folder = tempfile.mkdtemp(prefix="merstudio-matplotlib-")
        except OSError:
            return  # no temporary folder either: matplotlib says so itself
        os.environ["MPLCONFIGDIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # as matplotlib removes the one it makes


@contextmanager
def thread_fonts_released() -> Iterator[None]:
    """Around a drawing (or as a decorator of a function that draws): where it runs on a thread other than the main
    one, matplotlib's cached fonts are let go when it ends. matplotlib keeps an open FreeType font per font file and
    thread id (font_manager._get_font, an LRU cache of 64: threads never share one) and the fonts of a mathtext
    string parsed (MathTextParser._parse_cached, 50), and drops neither when the thread ends: each File > Export >
    Summary, drawn on a new worker thread, left its fonts open (2 files and ~0.4 MB each) until the app exited, up
    to ~130 files. On the main thread they stay cached for its next drawing."""
    try:
        yield
    finally:
        if threading.current_thread() is not threading.main_thread():
            release_fonts()


def release_fonts() -> None:
    """Empty matplotlib's font caches (every thread's; a thread drawing meanwhile opens its fonts again, as after a
    fork, where matplotlib empties the same cache). Private names of matplotlib, so looked up with care: a
    matplotlib without them keeps its fonts, as before."""
    for module, owner, name in (("matplotlib.font_manager", None, "_get_font"),
                                ("matplotlib.mathtext", "MathTextParser", "_parse_cached")):
        found = sys.modules.get(module)  # not imported: nothing drawn, nothing cached
        if found is not None and owner is not None:
            found = getattr(found, owner, None)
        clear = getattr(getattr(found, name, None), "cache_clear", None)
        if callable(clear):
            clear()


def literal(text: str) -> str:
    """``text`` drawn as it is by matplotlib: a pair of dollar signs in it (a file named ``clip$_2$.mp4``, a coder's
    name) started mathtext, drawn as "clip₂.mp4", or failed the drawing with a raw ValueError (``x$\\frac$.mp4``)."""
    return text.replace("$", r"\$")


# matplotlib's own warning for each character its font lacks, at every draw (a CJK file name in a title: one line a
# character, twice): the drawing's caller says it once for the figure instead, missing_glyphs_line (ignored inside
# drawing only)
_GLYPH_MISSING = r"Glyph \d+ .*missing from"


# fonts for the characters matplotlib's DejaVu Sans lacks (a Chinese or Japanese file, coder or emotion name), each
# used where installed: matplotlib (>= 3.6) draws a glyph the first family of font.family lacks from the next one
# that has it. Only installed ones are named (matplotlib logs a warning for a missing family at every draw)
CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK KR", "Noto Sans SC",
                "Noto Sans TC", "Noto Sans JP", "Noto Sans KR", "Source Han Sans", "Source Han Sans SC",
                "Source Han Sans CN", "Source Han Sans TC", "Source Han Sans JP", "Source Han Sans K",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN",
                "Microsoft YaHei", "Microsoft JhengHei", "SimHei", "Yu Gothic", "Meiryo", "MS Gothic",
                "Malgun Gothic", "PingFang SC", "Hiragino Sans GB", "Hiragino Sans", "Apple SD Gothic Neo",
                "Arial Unicode MS")


def font_families() -> list[str]:
    """font.family of merstudio's drawings (the one plot style: drawing()): the family configured (matplotlib's
    DejaVu Sans unless a user's matplotlibrc says otherwise) first, then each CJK family installed, as fallbacks."""
    from matplotlib import font_manager, rcParams

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return list(dict.fromkeys([*rcParams["font.family"], *(f for f in CJK_FAMILIES if f in installed)]))


@contextmanager
def drawing() -> Iterator[None]:
    """Around a drawing of merstudio's (--plot's PNGs, the app's summary PNG, training's confusion.png): matplotlib's
    configuration folder writable, the fonts of font_families(), its glyph warnings left to the caller
    (missing_glyphs_line). No pyplot and no backend chosen, and the fonts and the warning filter only inside the
    block: a notebook's backend (inline, svg), style and filters stay as they were."""
    writable_mpl_config()
    from matplotlib import rc_context

    with warnings.catch_warnings(), rc_context({"font.family": font_families()}):
        warnings.filterwarnings("ignore", _GLYPH_MISSING, UserWarning)
        yield


def missing_glyphs_line(fig: Any, png: str | os.PathLike[str]) -> str:
    """One line for the figure about to be written as ``png`` where its fonts cannot draw some of its text (a CJK
    file name on a machine without a CJK font: drawn as boxes); "" where they can. The command line warns it (--plot,
    training's confusion.png), the app says it in its status bar (the summary export)."""
    return glyphs_line(png, missing_glyphs(fig))


def glyphs_line(png: str | os.PathLike[str], missing: str) -> str:
    """:func:`missing_glyphs_line` of the characters ``missing`` (:func:`missing_glyphs`) of a figure drawn before."""
    if not missing:
        return ""
    return (f"{png}: {len(missing)} character(s) of its text ({missing[:12]}) are in none of the plot's "
            "fonts and are drawn as boxes (install a font that has them, e.g. Noto Sans CJK)")


def missing_glyphs(fig: Any) -> str:
    """The characters of the figure's text that none of its fonts (font_families(), per-glyph fallback) has a glyph
    for (each once, in order)."""
    from matplotlib import font_manager, ft2font
    from matplotlib.text import Text

    chars = dict.fromkeys(c for t in fig.findobj(Text) for c in t.get_text() if ord(c) > 0x7E and not c.isspace())
    if not chars:
        return ""
    fonts = []
    for family in font_families():
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
            fonts.append(ft2font.FT2Font(path))
        except (OSError, RuntimeError, ValueError):
            continue
    if not fonts:
        return ""
    return "".join(c for c in chars if all(f.get_char_index(ord(c)) == 0 for f in fonts))
