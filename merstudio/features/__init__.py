"""Per-frame features of faces: learned AU intensities, the micro-motion lane (optical flow), spotting."""

from merstudio.features.aus import AUS, AUActivation, AUEstimator, au_c, au_columns, au_r
from merstudio.features.flow import FLOW_METHODS, FlowComputer, compute_flow, optical_strain
from merstudio.features.spotting import Interval, SpottingScore, pool_scores, spot, spotting_metric

__all__ = [
    "AUS",
    "AUActivation",
    "AUEstimator",
    "FLOW_METHODS",
    "FlowComputer",
    "Interval",
    "SpottingScore",
    "au_c",
    "au_columns",
    "au_r",
    "compute_flow",
    "optical_strain",
    "pool_scores",
    "spot",
    "spotting_metric",
]
