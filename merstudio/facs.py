"""FACS knowledge shared by the core: the objective classes (AU combinations -> emotion). No torch, no Qt, so the
analysis and the GUI worker can use it without importing the model package."""

from __future__ import annotations

# Objective classes (Davison et al. 2018; ../shared/reference/datasets.md): class -> (emotion, AU combinations).
FACS_OBJECTIVE_CLASSES: dict[str, tuple[str, tuple[tuple[int, ...], ...]]] = {
    "I": ("happiness", ((6,), (12,), (6, 12), (6, 7, 12), (7, 12))),
    "II": ("surprise", ((1, 2), (5,), (25,), (1, 2, 25), (25, 26), (5, 24))),
    "III": ("anger", ((23,), (4,), (4, 7), (4, 5), (4, 5, 7), (17, 24), (4, 6, 7), (4, 38))),
    "IV": ("disgust", ((10,), (9,), (4, 9), (4, 40), (4, 5, 40), (4, 7, 9), (4, 9, 17), (4, 7, 10),
                       (4, 5, 7, 9), (7, 10))),
    "V": ("sadness", ((1,), (15,), (1, 4), (6, 15), (15, 17))),
    "VI": ("fear", ((1, 2, 4), (20,))),
    "VII": ("others", ()),
}
