"""`oms-desktop`: the window, or the same services headless through subcommands.

Each subcommand is registered by its area's module, named in COMMAND_MODULES; only the module of
the subcommand being run is imported (`--version` and `--help` import none of them), so a
command starts like a native tool. Every subcommand takes --db and --json, and a failure exits
non-zero with one line on stderr, never a traceback (cli.traps)."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from contextlib import contextmanager
from collections.abc import Iterator

from oms_desktop import __version__

# subcommand: (the module whose register(commands, common) adds it, its line in --help).
# ONE line per subcommand; a module may register several (shipping: rates, label, …).
COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "db": ("oms_desktop.cli.db", "database schema"),
    "demo": ("oms_desktop.cli.demo", "fill an empty database with realistic demo data"),
    "orders": ("oms_desktop.cli.orders", "orders"),
    "picklist": ("oms_desktop.cli.picklist", "pick lists"),
    "returns": ("oms_desktop.cli.returns", "returns and refunds"),
    "rates": ("oms_desktop.cli.shipping", "rates of a packed shipment"),
    "label": ("oms_desktop.cli.shipping", "buy a label, or void one"),
    "manifest": ("oms_desktop.cli.shipping", "close a carrier's day: manifest PDF, shipped"),
    "track": ("oms_desktop.cli.shipping", "poll tracking events"),
    "shipping": ("oms_desktop.cli.shipping_methods", "shipping-method map; labels still to make"),
    "boxes": ("oms_desktop.cli.boxes", "the box catalogue"),
    "stock": ("oms_desktop.cli.stock", "on hand, reserved and available per location"),
    "count": ("oms_desktop.cli.count", "cycle counts"),
    "rules": ("oms_desktop.cli.rules", "automation rules"),
    "replenish": ("oms_desktop.cli.replenish", "restock suggestions"),
    "notifications": ("oms_desktop.cli.notifications", "customer e-mails"),
    "channels": ("oms_desktop.cli.channels", "sales channels and their connectors"),
    "sync": ("oms_desktop.cli.channels", "sync orders now (`sync errors|retry NAME` too)"),
    "users": ("oms_desktop.cli.users", "people and their logins"),
    "settings": ("oms_desktop.cli.settings", "shared settings: list, get, set, unset"),
    "setup": ("oms_desktop.cli.setup", "set up a new business: company, bins, catalogue, stock, "
              "carriers, e-mail, printers, users"),
    "catalogue": ("oms_desktop.cli.setup", "the catalogue from stores, and its review"),
    "b2b": ("oms_desktop.cli.b2b", "business customers: terms, POs, EDI, invoices"),
    "books": ("oms_desktop.cli.books", "postings to the books (QuickBooks, Xero), journal"),
    "brands": ("oms_desktop.cli.brands", "brands: sender, address, logo, e-mails, channels"),
    "transfers": ("oms_desktop.cli.transfers", "stock transfers between sites, both sides confirm"),
    "freight": ("oms_desktop.cli.freight", "staged deliveries, pallets, freight bookings, BOLs"),
}


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the command line reported in one line (not the usage too)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def common_options(*, top: bool = False) -> argparse.ArgumentParser:
    """--db, --json and --user, accepted before or after the subcommand (a subcommand's copy only
    sets them when given, so it does not undo the top-level value)."""
    common = Parser(add_help=False)
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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with `command`'s module registered (all of them for command="*"); every other
    subcommand is a placeholder that only names itself in --help."""
    common = common_options()
    parser = Parser(prog="oms-desktop", parents=[common_options(top=True)],
                                     description="Order management for warehouses and shops.")
    parser.add_argument("--version", action="version", version=f"oms-desktop {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the window on a demo database (seeded on first use)")
    parser.add_argument("--station", help="this workstation's name")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = set(COMMAND_MODULES) if command == "*" else {command}
    for module in dict.fromkeys(m for name, (m, _) in COMMAND_MODULES.items() if name in wanted):
        importlib.import_module(module).register(commands, common)
    for name, (_, text) in COMMAND_MODULES.items():
        if name not in commands.choices:
            commands.add_parser(name, help=text, add_help=False).add_argument(
                "rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def chosen_command(argv: list[str]) -> str | None:
    """Which subcommand argv names, read by the placeholders alone (imports no module);
    --help and --version are answered here."""
    known, _ = build_parser().parse_known_args(argv)
    return known.command


def main(argv: list[str] | None = None) -> int:
    from oms_desktop.cli import traps

    argv = sys.argv[1:] if argv is None else list(argv)
    return traps.guarded(lambda: _run(argv))


@contextmanager
def starting() -> Iterator[None]:
    """Around the start-up imports: they make many long-lived objects (modules, classes,
    mappers) and next to no garbage, so the cycle collector's passes over them are wasted, and
    so are later collections' passes: they are frozen out of its reach afterwards. A third of
    a small query's CPU time (780 -> 520 ms for `orders list --limit 5`)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.freeze()


def _run(argv: list[str]) -> int:
    with starting():
        args = build_parser(chosen_command(argv)).parse_args(argv)
    if args.command is None:
        return _start_window(args)
    from oms_desktop import bootstrap  # after --version/--help: they need none of it

    bootstrap.start()
    from oms_desktop.cli.output import close_opened

    try:
        return args.handler(args) or 0
    finally:
        close_opened()


def _start_window(args) -> int:
    from oms_desktop.cli import traps

    traps.require_display()  # before Qt, which would abort the process without one
    with starting():
        from oms_desktop import bootstrap
        from oms_desktop.ui.app import run  # Qt is loaded only for the window

    bootstrap.start()
    return run(db_url=args.db, demo=args.demo, station=args.station)


if __name__ == "__main__":
    sys.exit(main())
