"""`analyze --plot`: the class strip's legend shows each class's dash pattern. A lone frame's dot was drawn on the
legend's sample too, and on "positive" (dashes 6-3) it covered the gap, so the sample looked solid like
"negative"'s."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.analysis.plot import plot_au_curves
from merstudio.palette import class_dash


def test_the_class_legend_draws_the_dashes_without_dots(tmp_path: Path, monkeypatch) -> None:
    import merstudio.analysis.plot as plot_mod

    figs = []
    monkeypatch.setattr(plot_mod, "_save", lambda fig, png, save=plot_mod._save: figs.append(fig) or save(fig, png))
    n = 40
    df = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "timestamp": np.arange(n) / 30, "confidence": 0.9,
                       "success": 1, "AU12_r": 1.0, "AU12_c": 1})
    df["p_negative"], df["p_positive"], df["p_surprise"] = 0.2, 0.7, 0.1
    df.loc[[20, 22], ["p_negative", "p_positive", "p_surprise"]] = np.nan  # frame 21 judged alone: a dot
    plot_au_curves(df, tmp_path / "clip.png", 0)
    strip = next(ax for ax in figs[0].axes if ax.get_ylabel() == "class p")
    legend = strip.get_legend()
    handles = dict(zip([t.get_text() for t in legend.get_texts()], legend.legend_handles, strict=True))
    assert set(handles) == {"negative", "positive", "surprise"}
    for name, h in handles.items():
        assert h.get_marker() in ("None", "", None), name  # no dot over the pattern
        dash = class_dash(name)
        if dash:  # the sample is long enough for two periods of its pattern (in points, scaled by the width)
            assert legend.handlelength * legend._fontsize >= 2 * sum(dash) * h.get_linewidth(), name
