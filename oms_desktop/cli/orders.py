"""`orders list`, `orders show`, and the pipeline verbs: `orders verify [ID…|--all]`,
`orders allocate [ID…|--all]`, `orders hold ID --reason TEXT`, `orders release ID`,
`orders approve ID`, `orders cancel ID`. They act as the person cli.identity names."""

from __future__ import annotations

from oms_desktop.cli.output import CliFailure, emit, emit_json, fail, open_db, positive_int
from oms_desktop.services.orders import views as orders

# The pipeline verbs import their services (and cli.identity) when run: `orders list` and
# `orders show` start without the routing, verification and rules policies.


def register(commands, common) -> None:
    sub = commands.add_parser("orders", help="orders").add_subparsers(
        dest="orders_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", parents=[common], help="list orders, newest first")
    p.add_argument("--status")
    p.add_argument("--channel", metavar="CODE")
    p.add_argument("--limit", type=positive_int, default=50)
    p.set_defaults(handler=_list)
    p = sub.add_parser("show", parents=[common], help="one order with lines and timeline")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=_show)
    p = sub.add_parser("dashboard", parents=[common],
                       help="today's figures: by status, late, packed, shipped, returns")
    p.add_argument("--brand", metavar="CODE", help="only this brand's sites and channels")
    p.add_argument("--site", metavar="CODE", help="only this site")
    p.set_defaults(handler=_dashboard)
    _register_pipeline(sub, common)
    return sub


def _register_pipeline(sub, common) -> None:
    for name, handler, text in (
            ("verify", _verify, "verify and fraud-screen orders (holds show their reasons)"),
            ("allocate", _allocate, "route verified orders and reserve their stock")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("ids", metavar="ID", nargs="*")
        p.add_argument("--all", action="store_true",
                       help="every new order (verify) or verified order (allocate)")
        p.set_defaults(handler=handler)
    p = sub.add_parser("hold", parents=[common], help="put an order on hold by hand")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=_hold)
    for name, handler, text in (
            ("release", _release, "lift an order's holds (a manual override)"),
            ("approve", _approve, "approve an order held for fraud review"),
            ("cancel", _cancel, "cancel an order and release its reservations")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("id", metavar="ID")
        if name == "release":
            p.add_argument("--reason", dest="reasons", action="append", metavar="REASON",
                           help="only this hold reason (repeatable)")
        if name == "cancel":
            p.add_argument("--reason", metavar="TEXT")
        p.set_defaults(handler=handler)


def _ids(args, db, actor) -> list[int] | None:
    if args.all:
        return None
    if not args.ids:
        raise CliFailure(fail("give order IDs or --all", code=2))
    return orders.order_ids(db, args.ids, actor=actor)


def _emit_results(args, results) -> int:
    emit(args, results, rows=[[r.order_id, r.number, r.status, _holds(r), _where(r), r.message]
                              for r in results], headers=["id", "number", "status", "holds",
                                                          "ships from", "result"])
    return 0 if all(r.ok for r in results) else 1


def _holds(r) -> str:
    return ", ".join(h.reason for h in r.holds)


def _where(r) -> str:
    return ", ".join(s.location or "backorder" for s in r.shipments)


def _verify(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import pipeline

    db = open_db(args)
    actor = acting(args, db)
    return _emit_results(args, pipeline.verify_orders(db, actor=actor,
                                                      order_ids=_ids(args, db, actor)).results)


def _allocate(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import allocation

    db = open_db(args)
    actor = acting(args, db)
    return _emit_results(args, allocation.allocate_orders(db, actor=actor,
                                                          order_ids=_ids(args, db, actor)).results)


def _hold(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import pipeline

    db = open_db(args)
    return _emit_results(args, [pipeline.hold_order(db, actor=acting(args, db),
                                                    order_id=args.id, reason=args.reason)])


def _release(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import pipeline

    db, reasons = open_db(args), set(args.reasons) if args.reasons else None
    return _emit_results(args, [pipeline.release_order(db, actor=acting(args, db),
                                                       order_id=args.id, reasons=reasons)])


def _approve(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import pipeline

    db = open_db(args)
    return _emit_results(args, [pipeline.approve_order(db, actor=acting(args, db),
                                                       order_id=args.id)])


def _cancel(args) -> int:
    from oms_desktop.cli.identity import acting
    from oms_desktop.services.orders import pipeline

    db = open_db(args)
    return _emit_results(args, [pipeline.cancel_order(db, actor=acting(args, db),
                                                      order_id=args.id, reason=args.reason)])


def _list(args) -> int:
    from oms_desktop.cli.identity import open_reading

    db, actor = open_reading(args)
    rows = orders.list_orders(db, status=args.status, channel=args.channel, limit=args.limit,
                              actor=actor)
    emit(args, rows, rows=[[o.id, o.number, o.channel, o.status, o.customer, o.country,
                            f"{o.total:.2f} {o.currency}", o.ship_by] for o in rows],
         headers=["id", "number", "channel", "status", "customer", "country", "total",
                  "ship by"])
    return 0


def _dashboard(args) -> int:
    from oms_desktop.cli.identity import open_reading
    from oms_desktop.services.orders import dashboard

    db, actor = open_reading(args)
    d = dashboard.dashboard(db, actor=actor, brand=args.brand, site=args.site)
    rate = "-" if d.returns_rate is None else f"{d.returns_rate:.1%}"
    emit(args, d, rows=[*d.by_status, ("open", d.open_orders), ("late", d.late),
                        ("due today", d.due_today), ("packed today", d.packed_today),
                        ("shipped today", d.shipped_today), ("returns 30 days", d.returns_30d),
                        ("returns rate", rate)], headers=["figure", "value"])
    return 0


def _show(args) -> int:
    from oms_desktop.cli.identity import open_reading

    db, actor = open_reading(args)
    detail = orders.get_order(db, args.id, actor=actor)
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
        why = _why(ev.action, ev.detail or {})
        if why:
            print(f"{'':22}{why}")
    return 0


def _why(action: str, detail: dict) -> str | None:
    """The reason a pipeline decision gives, in one line."""
    if action == "verification":
        notes = [c["message"] for c in detail.get("checks", []) if c["verdict"] != "pass"]
        notes = notes or ["every check passed"]
        fraud = detail.get("fraud")
        if fraud:
            notes.append(f"fraud score {fraud['score']}/{fraud['threshold']}")
        return "; ".join(notes)
    if action in ("allocation", "backorder_allocated"):
        return detail.get("why")
    if action in ("hold", "cancel") and detail.get("reason"):
        return detail.get("note") or detail.get("reason")
    return None
