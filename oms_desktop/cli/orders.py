"""`orders list`, `orders show`."""

from __future__ import annotations

from oms_desktop.cli.output import emit, emit_json, open_db
from oms_desktop.services import orders


def register(commands, common) -> None:
    sub = commands.add_parser("orders", help="orders").add_subparsers(
        dest="orders_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", parents=[common], help="list orders, newest first")
    p.add_argument("--status")
    p.add_argument("--channel", metavar="CODE")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=_list)
    p = sub.add_parser("show", parents=[common], help="one order with lines and timeline")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=_show)
    return sub


def _list(args) -> int:
    rows = orders.list_orders(open_db(args), status=args.status, channel=args.channel,
                              limit=args.limit)
    emit(args, rows, rows=[[o.id, o.number, o.channel, o.status, o.customer, o.country,
                            f"{o.total:.2f} {o.currency}", o.ship_by] for o in rows],
         headers=["id", "number", "channel", "status", "customer", "country", "total",
                  "ship by"])
    return 0


def _show(args) -> int:
    detail = orders.get_order(open_db(args), args.id)
    if args.json:
        emit_json(detail)
        return 0
    s = detail.summary
    print(f"Order {s.number} (id {s.id}) from {s.channel}: {s.status}, "
          f"{detail.financial_status}, {detail.fulfilment_status}")
    print(f"  ship to: {', '.join(v for v in detail.ship_to.values() if v)}")
    print(f"  total: {s.total:.2f} {s.currency}; ship by {s.ship_by or '-'}")
    for line in detail.lines:
        print(f"  {line.line_no:>3}  {line.quantity:>4} x {line.sku:<16} {line.name}")
    for hold in detail.holds:
        state = "released" if hold.released_at else "active"
        print(f"  hold: {hold.reason} ({state}) {hold.note or ''}".rstrip())
    for ev in detail.timeline:
        print(f"  {ev.at:%Y-%m-%d %H:%M} {ev.actor:<10} {ev.entity} {ev.action}"
              f" {ev.from_state or ''}→{ev.to_state or ''}")
    return 0
