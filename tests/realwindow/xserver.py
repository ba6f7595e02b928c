"""An X server of our own for the real-window tests: Xvfb on a free display it picks itself
(-displayfd), and xdotool to drive it."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile

TOOLS = ("Xvfb", "xdotool")
SCREEN = "1920x1080x24"


def eager() -> None:
    """Run ahead of the machine's other work (where allowed: root), as a scanner's own
    hardware does: its keys come 1 ms apart however busy the workstation is, while a
    starved Xvfb or xdotool would stamp them tens of ms apart and split the burst."""
    try:
        os.nice(-10)
    except OSError:
        pass


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


class XServer:
    """A running Xvfb; `display` is ":N"."""

    def __init__(self, process: subprocess.Popen, display: str, log):
        self.process, self.display, self.log = process, display, log

    @classmethod
    def start(cls, timeout: float = 20) -> XServer:
        log = tempfile.TemporaryFile()
        read, write = os.pipe()
        process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,), stdout=log, stderr=subprocess.STDOUT, preexec_fn=eager)
        os.close(write)
        try:
            number = _read_line(read, timeout)
        finally:
            os.close(read)
        server = cls(process, f":{number}", log)
        if not number:
            server.stop()
            raise RuntimeError(f"Xvfb did not start: {server.output()}")
        return server

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _read_line(fd: int, timeout: float) -> str:
    """What Xvfb writes to -displayfd once it accepts clients: the display number."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout)
        chunk = os.read(fd, 16) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode().strip()
