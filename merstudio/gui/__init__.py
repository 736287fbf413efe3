"""The desktop app (PySide6 + pyqtgraph). The only package that imports Qt; logic lives in merstudio.project and
in the plain-Python merstudio.gui.state. Start it with ``merstudio gui`` or :func:`merstudio.gui.app.run_app`."""
