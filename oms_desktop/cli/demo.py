"""`demo [--orders N] [--seed S]`: fill an empty database with the demo data set."""

from __future__ import annotations

from oms_desktop.cli.output import emit, open_db
from oms_desktop.demo import seed as demo


def register(commands, common) -> None:
    p = commands.add_parser("demo", parents=[common],
                            help="fill an empty database with realistic demo data")
    p.add_argument("--orders", type=int, default=demo.DEFAULT_ORDERS, metavar="N",
                   help=f"number of orders (default {demo.DEFAULT_ORDERS:,})")
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, metavar="S",
                   help="the same seed gives the same data (default %(default)s)")
    p.set_defaults(handler=_demo)


def _demo(args) -> int:
    database = open_db(args, create=True)
    summary = demo.seed_demo(database, orders=args.orders, seed=args.seed)
    rows = [[state, n] for state, n in sorted(summary.states.items())]
    rows += [["(rows written)", sum(summary.rows.values())], ["(seconds)", summary.seconds]]
    rows += [[f"user {user}", f"PIN {pin}"] for user, pin in summary.users.items()]
    emit(args, {"database": database.display_url, **_plain(summary)}, rows=rows,
         headers=["orders", "count"])
    return 0


def _plain(summary: demo.DemoSummary) -> dict:
    return {"seed": summary.seed, "orders": summary.orders, "states": summary.states,
            "rows": summary.rows, "seconds": summary.seconds, "users": summary.users}
