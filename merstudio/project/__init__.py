"""Project store (SQLite), coded events and exports. Qt-free: the GUI and the CLI both use it."""

from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import SOURCES, STATUSES, Event, au_numbers, normalize_aus, parse_aus
from merstudio.project.lock import LockOwner, ProjectInUse
from merstudio.project.store import (
           PROJECT_SUFFIX,
           SCHEMA_VERSION,
           Analysis,
           FaceChange,
           Overlay,
           Project,
           ProjectClosed,
           ProjectDamaged,
           Video,
           content_hash,
)

__all__ = ["SOURCES", "STATUSES", "Event", "au_numbers", "normalize_aus", "parse_aus", "PROJECT_SUFFIX",
           "SCHEMA_VERSION", "Analysis", "Behaviour", "BehaviourEvent", "FaceChange", "Overlay", "Project", "ProjectClosed",
           "ProjectDamaged", "Video", "content_hash", "LockOwner", "ProjectInUse"]
