"""How a command ends when something goes wrong: one line on stderr and a non-zero exit, never a
traceback. Expected failures (OmsError) say what to do; the traps people fall into (output piped
into `head`, a driver not installed, a prompt with no terminal, a window with no display) are
named; anything else is reported in one line too, with OMS_DEBUG=1 showing the traceback."""

from __future__ import annotations

import os
import socket
import sys
from typing import Callable

from oms_desktop.cli.output import CliFailure, fail
from oms_desktop.errors import OmsError

DEBUG_ENV = "OMS_DEBUG"
EXIT_SOFTWARE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 70, 130, 141

# Optional drivers and the extra that installs them.
EXTRAS = {"psycopg": "postgres", "psycopg2": "postgres", "psycopg_binary": "postgres"}


def guarded(run: Callable[[], int]) -> int:
    """run(), its failures turned into one line and an exit code."""
    try:
        return run()
    except CliFailure as exc:
        return exc.code
    except OmsError as exc:
        return fail(" ".join(str(exc).split()) or type(exc).__name__)
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        return fail("interrupted", code=EXIT_INTERRUPTED)
    except EOFError:
        return fail("the input ended before a value was typed: run the command in a terminal,"
                    " or give the value on its standard input")
    except ModuleNotFoundError as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        return fail(missing_module(exc.name or ""))
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a trace
        if os.environ.get(DEBUG_ENV):
            raise
        reason = " ".join(str(exc).split())[:300]
        return fail(f"unexpected error ({type(exc).__name__}{': ' + reason if reason else ''})"
                    f"; set {DEBUG_ENV}=1 to see where", code=EXIT_SOFTWARE)


def missing_module(name: str) -> str:
    top = name.split(".")[0]
    extra = EXTRAS.get(top)
    if extra:
        return (f"the {top} driver is not installed: install oms-desktop[{extra}] "
                f"(pip install 'oms-desktop[{extra}]')")
    return f"the module {top!r} is not installed: reinstall oms-desktop"


def _reader_gone() -> int:
    """The reader of our output (`| head`) has gone: stop quietly, as native tools do, and keep
    Python from complaining when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


# -- the window needs a display ----------------------------------------------------------------
NO_DISPLAY = ("no display to open the window on: start it in a desktop session, or set DISPLAY "
              "(a virtual one: apt-get install xvfb; xvfb-run oms-desktop); commands such as "
              "`oms-desktop orders list` need none")


def require_display() -> None:
    """On Linux, refuse with one line where Qt would abort the process ("could not connect to
    display", "could not load the Qt platform plugin xcb")."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform and platform not in ("xcb", "wayland", "wayland-egl"):
        return  # offscreen, vnc, eglfs…: Qt needs no X server
    display, wayland = os.environ.get("DISPLAY", ""), os.environ.get("WAYLAND_DISPLAY", "")
    if platform.startswith("wayland"):
        if not wayland:
            raise CliFailure(fail("QT_QPA_PLATFORM is wayland but WAYLAND_DISPLAY is not set"))
        return
    if wayland and not platform:
        return
    if not display:
        raise CliFailure(fail(NO_DISPLAY))
    if not reachable(display):
        raise CliFailure(fail(f"the display {display} does not answer (no X server there): "
                              "start one, or fix DISPLAY"))
    if not _xcb_cursor_installed():
        raise CliFailure(fail("the window needs the X11 library libxcb-cursor: "
                              "apt-get install libxcb-cursor0 (dnf install xcb-util-cursor)"))


def reachable(display: str) -> bool:
    """Whether an X server listens at DISPLAY (":1", "unix:1", "host:10.0")."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix") or host.startswith("/"):
        path = host if host.startswith("/") else f"/tmp/.X11-unix/X{number}"
        for address in ("\0" + path, path):  # Linux's abstract socket first, then the file
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        socket.create_connection((host, 6000 + int(number)), timeout=1).close()
        return True
    except OSError:
        return False


def _xcb_cursor_installed() -> bool:
    """Qt 6.5 and later need libxcb-cursor for the xcb platform; wheels do not bring it."""
    from ctypes.util import find_library

    return find_library("xcb-cursor") is not None
