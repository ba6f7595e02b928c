"""`books stock --month YYYY-MM [--queue]`: the month's FIFO stock valuation per location, the
cost of goods sold and the journal; with --queue, the journal queued for every set-up target
(`books post TARGET` sends it)."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, emit_table, open_db
from oms_desktop.services.books import stock_journal
from oms_desktop.services.books.stock_value import BUCKETS, TRANSFERRED

COLUMNS = [*BUCKETS, TRANSFERRED]


def add_parser(sub, common) -> None:
    p = sub.add_parser("stock", parents=[common],
                       help="the month's FIFO stock valuation and journal (--queue: post it)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--queue", action="store_true",
                   help="queue the journal for every set-up target (once per month)")
    p.set_defaults(handler=_stock)


def _stock(args) -> int:
    if args.queue:
        db, actor = open_acting(args)
        queued = stock_journal.queue_month(db, actor=actor, month=args.month)
        valued, postings = queued.month, queued.postings
    else:
        valued, postings = stock_journal.value_month(open_db(args), month=args.month), {}
    if args.json:
        emit(args, {"month": valued.month, "currency": valued.currency,
                    "opening": valued.opening, "closing": valued.closing, "cogs": valued.cogs,
                    "guessed_units": valued.guessed, "moves": valued.moves,
                    "locations": valued.locations, "journal": valued.journal.to_json(),
                    "queued": postings})
        return 0
    emit_table([[l.location, l.opening] + [l.moved.get(c, "") for c in COLUMNS] + [l.closing]
                for l in valued.locations],
               ["location", "opening"] + COLUMNS + ["closing"])
    print(f"\n{valued.month} ({valued.currency}): opening {valued.opening}, closing "
          f"{valued.closing}, cost of goods sold {valued.cogs}, {valued.moves} moves")
    if valued.guessed:
        print(f"note: {valued.guessed} units had no known cost (valued at the product's last "
              "cost, else 0)")
    print()
    emit_table([[l.role, l.debit or "", l.credit or "", l.description]
                for l in valued.journal.lines], ["account", "debit", "credit", "what"])
    for target, posting_id in postings.items():
        print(f"queued for {target}: posting {posting_id}")
    return 0
