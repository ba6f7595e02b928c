"""Starting `oms-desktop books post` in a process of its own (which a test may kill)."""

from __future__ import annotations

import os
import subprocess
import sys


def start_post(url: str, target: str, *, crash_at: str | None = None,
               lease: float = 300) -> subprocess.Popen:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("OMS_CRASH_AT", None)
    if crash_at:
        env["OMS_CRASH_AT"] = crash_at
    return subprocess.Popen([sys.executable, "-m", "oms_desktop", "books", "post", target,
                             "--db", url, "--lease-seconds", str(lease)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
