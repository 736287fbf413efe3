"""The README's `SpotRow` (what Analysis.spots() gives) imports from merstudio.analysis (audit a91 finding 9)."""

from __future__ import annotations


def test_spotrow_imports_from_the_package() -> None:
    from merstudio.analysis import SpotRow
    from merstudio.analysis.pipeline import SpotRow as defined

    assert SpotRow is defined
