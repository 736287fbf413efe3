"""Opening the fine-tuning dialog loads no torch: it is built on the GUI thread, and importing torch there (1.9 s)
froze the window on its first open. Its rows read the project and the checkpoint's class names without torch
(training.finetune_split, model.checkpoint_meta); torch loads when Start runs the fine-tuning."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from merstudio.resources import starter_checkpoint

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path

    import cv2
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from merstudio.io import open_source
    from merstudio.project import Event, Project

    folder = Path(sys.argv[1])
    clip = folder / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for _ in range(60):
        writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    proj = Project.create(folder / "study.merproj")
    with open_source(clip) as src:
        v = proj.add_source(src)
    proj.add_events([Event(v.id, on, on + 2, on + 4, emotion=e, coder="ann", status="accepted")
                     for on, e in ((2, "positive"), (10, "negative"), (20, "surprise"), (30, "happiness"))])
    app = QApplication([])
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(proj.path, sys.argv[2], project=proj)
    dlg.show()
    app.processEvents()
    print("DATA", dlg.data_label.text().replace(chr(10), " "))
    print("SPLIT", dlg.split_label.text())
    print("TORCH", "torch" in sys.modules)
    dlg.close()
    proj.close()
""")


def test_opening_the_dialog_loads_no_torch(tmp_path):
    starter = starter_checkpoint()
    # committed (resources/models/starter.pt): missing is a failure, never a skip
    assert starter is not None, "resources/models/starter.pt is missing (rebuild: scripts/train_starter.sh)"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(starter)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    # the rows were filled from the checkpoint's classes (read without torch), not left empty
    assert "3 accepted with one of the model's classes" in lines["DATA"], lines
    assert "happiness 1" in lines["DATA"]
    assert lines["SPLIT"].startswith("not drawn yet")
    assert lines["TORCH"] == "False"
