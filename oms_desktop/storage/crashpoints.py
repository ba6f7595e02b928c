"""Named points where the crash tests kill the process, as `kill -9` would, to show that a
crash there loses nothing and doubles nothing. Only tests set $OMS_CRASH_AT; otherwise a
crash point is one environment lookup, and none sits in a hot path."""

from __future__ import annotations

import os
import signal

ENV = "OMS_CRASH_AT"


def crash_point(name: str) -> None:
    """Die at once, without cleanup, when $OMS_CRASH_AT names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
