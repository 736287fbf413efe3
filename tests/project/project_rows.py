"""Per-frame rows shaped like the analysis pipeline's, for project-store tests."""

import numpy as np

AUS = (1, 2, 4, 12)


def rows(n: int, start: int = 0, classes: tuple[str, ...] = ("negative", "positive")) -> list[dict]:
    """OpenFace-style rows like the pipeline's: one face, frame 2 without a face."""
    out = []
    for i in range(start, start + n):
        if i == 2:
            r = {"frame": i, "face_id": -1, "timestamp": i / 30, "confidence": 0.0, "success": 0}
        else:
            r = {"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1}
        for a in AUS:
            v = float(np.sin(i / 5 + a) + 1) if r["success"] else 0.0
            r[f"AU{a:02d}_r"] = round(v, 3)
        for a in AUS:
            r[f"AU{a:02d}_c"] = int(r[f"AU{a:02d}_r"] > 1.0)
        for k, c in enumerate(classes):
            r[f"p_{c}"] = round(0.5 + 0.1 * k, 3)
        out.append(r)
    return out

