"""merstudio: micro-expression research studio (Qt-free core; the GUI lives in merstudio.gui)."""

__version__ = "0.1.0"
