"""A photo's bar chart shows an AU measured on one side alone (the other beyond the frame's edge: AU12_R 5.0,
AU12_L NaN, so AU12_r, their mean, is NaN) as that side's bar, "AU R12", as the face note names it ("AU R12+25"):
it read "n/a" beside the note that said the smile was there. A side measured low is the AU absent there (a light
bar), not unknown; an AU unknown on both sides stays n/a."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from merstudio.analysis.plot import draw_au_bars, side_alone
from merstudio.features.aus import face_note

NAN = float("nan")


def _row() -> pd.DataFrame:
    r: dict[str, float] = {"frame": 0, "face_id": 0, "success": 1}
    for au, left, right in ((6, NAN, NAN), (12, NAN, 5.0), (14, NAN, 0.2), (25, None, None)):
        if left is not None and right is not None:
            r[f"AU{au:02d}_L"], r[f"AU{au:02d}_R"] = left, right
        r[f"AU{au:02d}_r"] = 2.0 if au == 25 else NAN
        r[f"AU{au:02d}_c"] = 1 if au == 25 else NAN
    return pd.DataFrame([r])


def _drawn(df: pd.DataFrame) -> tuple[list[str], list[float], list[str], list[str], list[str]]:
    fig = Figure()
    ax = fig.subplots()
    cols = ["AU06_r", "AU12_r", "AU14_r", "AU25_r"]
    draw_au_bars(ax, df, cols, "cut.png")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    heights = [p.get_height() for p in ax.patches]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    values = [t.get_text() for t in ax.texts]
    key = [t.get_text() for t in ax.get_legend().get_texts()]
    return ticks, heights, colours, values, key


def test_a_side_alone_is_that_sides_bar_named_as_the_face_note_names_it() -> None:
    df = _row()
    row = df.iloc[0]
    note = face_note(lambda c: float(row[c]) if c in row.index else None, still=True)
    assert note.startswith("AU R12+25")
    ticks, heights, colours, values, key = _drawn(df)
    assert ticks == ["AU6", "AU R12", "AU R14", "AU25"]
    assert heights[1] == 5.0 and heights[2] == 0.2
    assert values == ["n/a", "5.00", "0.20", "2.00"]  # AU6: unknown on both sides
    assert colours[1] == colours[3] == "#1f3b73"  # present, as the note says
    assert colours[2] == "#9db4d9"  # R14 at 0.2: absent on the side seen, not unknown
    assert any(k.startswith("R: the right side only") for k in key)


def test_side_alone_asks_both_sides_and_an_unknown_intensity() -> None:
    values = {"AU12_r": NAN, "AU12_c": NAN, "AU12_L": 1.5, "AU12_R": NAN}
    assert side_alone(values.get, 12) == ("L", 1.5, True)
    assert side_alone((values | {"AU12_L": 0.4}).get, 12) == ("L", 0.4, False)
    assert side_alone((values | {"AU12_r": 0.75}).get, 12) is None  # both sides seen: the AU's own bar
    assert side_alone((values | {"AU12_L": NAN}).get, 12) is None  # neither: unknown
    assert side_alone({"AU12_r": NAN, "AU12_L": 1.5}.get, 12) is None  # no right side column: not "not measured"
    assert side_alone({"AU25_r": NAN}.get, 25) is None  # not a sided AU
    assert np.isnan(values["AU12_r"])
