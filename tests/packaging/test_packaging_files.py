"""The packaging recipes: desktop entry, icons, the PyInstaller spec's platform branches, the
Windows installer script. Building and running the bundle is packaging/linux/smoke-test's job
(CI runs it); these checks are quick and need neither PyInstaller nor a display."""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import sys
import types
from pathlib import Path
from types import SimpleNamespace

import pytest

import oms_desktop

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SPEC = ROOT / "packaging" / "oms-desktop.spec"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def test_the_desktop_entry_starts_the_program_from_the_office_menu():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "oms-desktop.desktop", encoding="utf-8")
    fields = entry["Desktop Entry"]
    assert (fields["Exec"], fields["Icon"], fields["Terminal"]) == (
        "oms-desktop", "oms-desktop", "false")
    assert fields["Categories"] == "Office;Finance;"
    assert fields["Name"] and fields["Comment"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_the_desktop_entry_validates():
    subprocess.run(["desktop-file-validate", str(ROOT / "resources" / "oms-desktop.desktop")],
                   check=True)


@pytest.mark.parametrize("size", SIZES)
def test_each_icon_is_rendered_at_its_own_size(size):
    data = (ICONS / f"oms-desktop-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_the_windows_icon_holds_every_size_up_to_256():
    data = (ICONS / "oms-desktop.ico").read_bytes()
    _, kind, count = struct.unpack("<HHH", data[:6])
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}  # 0 means 256 in ICO
    assert kind == 1 and sizes == {s for s in SIZES if s <= 256}


def run_spec(monkeypatch, platform: str) -> dict[str, list[SimpleNamespace]]:
    """Execute the spec as PyInstaller would on `platform`, with its build steps recorded."""
    built: dict[str, list[SimpleNamespace]] = {}

    def recorder(kind):
        def build(*args, **kwargs):
            built.setdefault(kind, []).append(SimpleNamespace(args=args, **kwargs))
            return built[kind][-1]
        return build

    def analysis(scripts, **kwargs):
        recorder("Analysis")(scripts, **kwargs)
        binaries = [("PySide6/Qt/plugins/platforms/libqxcb.so", "", "BINARY"),
                    ("PySide6/Qt/plugins/platforms/libqwayland.so", "", "BINARY"),
                    ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK")]
        return SimpleNamespace(binaries=binaries, datas=[], pure=[], scripts=[])

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [package]
    hooks.collect_data_files = lambda package, **kwargs: []
    hooks.copy_metadata = lambda dist: []
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    names = {"SPECPATH": str(SPEC.parent), "Analysis": analysis, "PYZ": recorder("PYZ"),
             "EXE": recorder("EXE"), "COLLECT": recorder("COLLECT"),
             "BUNDLE": recorder("BUNDLE")}
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), names)
    return built


def test_on_linux_the_spec_makes_one_console_program_without_the_trimmed_qt_parts(monkeypatch):
    built = run_spec(monkeypatch, "linux")
    (exe,) = built["EXE"]
    assert (exe.name, exe.console, exe.strip) == ("oms-desktop", True, True)
    (collected,) = built["COLLECT"]
    kept = [entry[0] for entry in collected.args[1]]
    assert kept == ["PySide6/Qt/plugins/platforms/libqxcb.so"]
    assert "BUNDLE" not in built
    (launcher,) = built["Analysis"][0].args[0]
    assert Path(launcher).is_file()


def test_on_windows_the_spec_makes_a_windowed_program_and_a_console_twin(monkeypatch):
    built = run_spec(monkeypatch, "win32")
    programs = {exe.name: exe.console for exe in built["EXE"]}
    assert programs == {"oms-desktop": False, "oms-desktop-cli": True}
    assert {Path(exe.icon) for exe in built["EXE"]} == {ICONS / "oms-desktop.ico"}


def test_on_macos_the_spec_wraps_the_folder_in_an_app(monkeypatch):
    built = run_spec(monkeypatch, "darwin")
    (app,) = built["BUNDLE"]
    assert app.name == "oms-desktop.app"
    assert app.icon.endswith("oms-desktop.icns") and app.version == oms_desktop.__version__


def test_the_windows_installer_script_names_files_that_exist():
    script = (ROOT / "packaging" / "windows" / "oms-desktop.iss").read_text(encoding="utf-8")
    for key in ("LicenseFile", "SetupIconFile"):
        value = re.search(rf"^{key}=(.+)$", script, re.M).group(1)
        path = value.replace("{#Root}", "../..").replace("\\", "/")
        assert (ROOT / "packaging" / "windows" / path).resolve().is_file(), key
    assert 'Source: "{#Root}\\dist\\oms-desktop\\*"' in script


@pytest.mark.parametrize("script", ["linux/build-bundle", "linux/build-deb", "linux/ci",
                                    "linux/smoke-test", "macos/build.sh"])
def test_the_shell_scripts_parse(script):
    subprocess.run(["bash", "-n", str(ROOT / "packaging" / script)], check=True)
