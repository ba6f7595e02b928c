import subprocess
import sys

CORE = ["model", "policies", "services", "storage", "connectors", "carriers", "documents",
        "plugins", "demo"]


def test_the_core_imports_without_qt():
    code = (
        "import importlib, pkgutil, sys\n"
        "import oms_desktop\n"
        f"for pkg in {CORE!r}:\n"
        "    mod = importlib.import_module('oms_desktop.' + pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "import oms_desktop.bootstrap, oms_desktop.cli\n"
        "oms_desktop.cli.build_parser('*')\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
