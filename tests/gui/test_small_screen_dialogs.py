"""At a laptop's screen (1280x720 less its taskbar) the fine-tune dialog fits, its buttons outside the scroll."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QScreen

from merstudio.project import Project
from merstudio.resources import starter_checkpoint

pytestmark = pytest.mark.gui

AVAILABLE = QRect(0, 0, 1280, 680)  # 1280x720 less a 40 px taskbar


@pytest.fixture
def small_screen(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(AVAILABLE))


def test_the_finetune_dialog_fits_a_small_screen_with_its_buttons_visible(qtbot, tmp_path, small_screen):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    project = Project.create(tmp_path / "p.merproj")
    try:
        dlg = FinetuneDialog(project.path, starter_checkpoint(), project=project)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        qtbot.wait(50)
        frame = dlg.frameGeometry()
        title = 30 if frame.height() == dlg.height() else 0  # offscreen windows have no frame
        assert frame.height() + title <= AVAILABLE.height()
        assert AVAILABLE.contains(frame)
        assert dlg.minimumSizeHint().height() + title <= AVAILABLE.height()
        content = dlg.scroll_area.widget()  # it scrolls up and down only: nothing cut at the right
        assert content.width() >= content.minimumSizeHint().width()
        for b in (dlg.start_button, dlg.close_button):
            top_left = b.mapTo(dlg, QPoint(0, 0))
            assert dlg.rect().contains(QRect(top_left, b.size())), b.text()
            assert not dlg.scroll_area.isAncestorOf(b)
    finally:
        project.close()
