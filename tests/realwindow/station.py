"""The program under test, started the way a user starts it, on our X server, and driven only
by window-system key events through xdotool (XTEST): a scanner's burst at 1 ms a key with
Shift pressed for each capital, a person's typing at human speed, shortcuts and F-keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import ImageChops, ImageGrab

from tests.realwindow.polling import wait_until
from tests.realwindow.xserver import eager

PROGRAM = [sys.executable, "-m", "oms_desktop"]
START_TIMEOUT = 60


def program_env(display: str, home: Path) -> dict[str, str]:
    """The environment of a station: our display, xcb, and a home of its own so QSettings,
    documents and keyrings never touch the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMS_", "QT_"))}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", OMS_DISABLE_SOUND="1", HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DOCUMENTS_DIR=str(home / "Documents"))
    return env


def cli(env: dict[str, str], db_url: str, *args: str, program: list[str] = PROGRAM):
    """Run an `oms-desktop` subcommand on `db_url` and return its JSON output."""
    done = subprocess.run([*program, *args, "--db", db_url, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"oms-desktop {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


class Station:
    """A running `oms-desktop --db URL --station NAME` and its main window."""

    def __init__(self, process: subprocess.Popen, env: dict[str, str], log_path: Path):
        self.process, self.env, self.log_path = process, env, log_path
        self.window = ""

    @classmethod
    def start(cls, db_url: str, *, env: dict[str, str], log_path: Path,
              name: str = "PACK-1", program: list[str] = PROGRAM) -> Station:
        with open(log_path, "wb") as log:
            process = subprocess.Popen([*program, "--db", db_url, "--station", name], env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
        station = cls(process, env, log_path)
        try:
            station.window = station.xdotool("search", "--sync", "--onlyvisible", "--pid",
                                             str(process.pid), timeout=START_TIMEOUT).split()[0]
            station.focus()
        except Exception:
            station.stop()
            raise
        return station

    def xdotool(self, *args: str, timeout: float = 30) -> str:
        try:
            done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True,
                                  text=True, timeout=timeout, preexec_fn=eager)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"xdotool {' '.join(args)} timed out\n{self.output()}") from exc
        if done.returncode:
            raise RuntimeError(f"xdotool {' '.join(args)}: {done.stderr}\n{self.output()}")
        return done.stdout

    def focus(self) -> None:
        """Give the window the keyboard (there is no window manager to do it)."""
        self.xdotool("windowfocus", "--sync", self.window)

    def scan(self, code: str) -> None:
        """What a keyboard-wedge scanner sends: the code at 1 ms a key, then its CR suffix
        (xdotool types "\r" as the Return key; "\n" would be Linefeed, which ends nothing)."""
        self.xdotool("type", "--delay", "1", code + "\r")

    def type_by_hand(self, text: str, delay_ms: int = 120) -> None:
        self.xdotool("type", "--delay", str(delay_ms), text)

    def press(self, *keys: str) -> None:
        """Keys by X keysym names, one after another: `press("ctrl+4")`, `press("F4")`."""
        self.xdotool("key", "--delay", "60", *keys)

    def click_from_corner(self, right: int, bottom: int) -> None:
        """Click the left button `right` px left of the window's right edge and `bottom` px
        above its bottom edge (where a screen's bottom-right button sits)."""
        size = dict(line.split("=") for line in self.xdotool(
            "getwindowgeometry", "--shell", self.window).split())
        x, y = int(size["WIDTH"]) - right, int(size["HEIGHT"]) - bottom
        self.xdotool("mousemove", "--sync", "--window", self.window, str(x), str(y), "click", "1")

    def screenshot(self, path: Path | None = None):
        image = ImageGrab.grab(xdisplay=self.env["DISPLAY"])
        if path is not None:
            image.save(path)
        return image

    def shows(self, colour: str, path: Path, *, at_least: int = 20_000,
              timeout: float = 5.0) -> bool:
        """Whether the screen comes to show `at_least` pixels of `colour` ("#rrggbb"; a floor
        banner is about 100,000) within `timeout` s; a screenshot is saved to `path`."""
        seen = wait_until(lambda: pixels(self.screenshot(), colour) >= at_least, timeout)
        self.screenshot(path)
        return seen

    def changes(self, before, box: tuple[int, int, int, int], timeout: float = 5.0) -> bool:
        """Whether the screen's `box` (left, top, right, bottom) comes to differ from the
        screenshot `before` within `timeout` seconds."""
        return bool(wait_until(lambda: ImageChops.difference(
            self.screenshot().crop(box), before.crop(box)).getbbox(), timeout))

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def pixels(image, colour: str) -> int:
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return next((n for n, c in image.getcolors(image.width * image.height) if c == rgb), 0)
