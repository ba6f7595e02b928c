"""`oms-desktop`: the window, or the same services headless through subcommands.

Each area registers its subcommands from its own module (listed in COMMAND_MODULES); every
subcommand takes --db and --json, and a failure exits non-zero with one line on stderr."""

from __future__ import annotations

import argparse
import importlib
import sys

from oms_desktop import __version__
from oms_desktop.cli.output import CliFailure, fail
from oms_desktop.errors import OmsError

COMMAND_MODULES = [
    "oms_desktop.cli.db",
    "oms_desktop.cli.demo",
    "oms_desktop.cli.orders",
    "oms_desktop.cli.picklist",
    "oms_desktop.cli.returns",
    "oms_desktop.cli.shipping",
    "oms_desktop.cli.boxes",
    "oms_desktop.cli.stock",
    "oms_desktop.cli.count",
    "oms_desktop.cli.rules",
    "oms_desktop.cli.replenish",
    "oms_desktop.cli.notifications",
    "oms_desktop.cli.channels",
    "oms_desktop.cli.users",
    "oms_desktop.cli.setup",
]


def common_options(*, top: bool = False) -> argparse.ArgumentParser:
    """--db, --json and --user, accepted before or after the subcommand (a subcommand's copy only
    sets them when given, so it does not undo the top-level value)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=None if top else argparse.SUPPRESS,
                        help="database URL (default: $OMS_DATABASE_URL or the SQLite file "
                        "in the user data folder)")
    common.add_argument("--json", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="machine-readable output")
    common.add_argument("--user", metavar="NAME", default=None if top else argparse.SUPPRESS,
                        help="who acts, on SQLite (default: $OMS_USER); the PIN is asked for "
                        "or taken from $OMS_PIN. On PostgreSQL the database login acts")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(prog="oms-desktop", parents=[common_options(top=True)],
                                     description="Order management for warehouses and shops.")
    parser.add_argument("--version", action="version", version=f"oms-desktop {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the window on a demo database (seeded on first use)")
    parser.add_argument("--station", help="this workstation's name")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from oms_desktop import bootstrap  # after --version/--help: they need none of it

    bootstrap.start()
    try:
        if args.command is None:
            return _start_window(args)
        return args.handler(args) or 0
    except CliFailure as exc:
        return exc.code
    except OmsError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted", code=130)


def _start_window(args) -> int:
    from oms_desktop.ui.app import run  # Qt is loaded only for the window

    return run(db_url=args.db, demo=args.demo, station=args.station)


if __name__ == "__main__":
    sys.exit(main())
