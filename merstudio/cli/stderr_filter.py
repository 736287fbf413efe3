"""The console's filter of MediaPipe/TFLite start-up chatter on fd 2 (`install`, used by `merstudio`'s entry point).
It lives in `merstudio.native_logs`, beside the scoped filter that merstudio.face uses for library use."""

from merstudio.native_logs import NOISE, Filter, install, native_logs_filtered

__all__ = ["NOISE", "Filter", "install", "native_logs_filtered"]
