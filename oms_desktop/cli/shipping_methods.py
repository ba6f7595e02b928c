"""`shipping map list|set|remove|default`: the shipping methods as channels name them, mapped
to an installed carrier and service; `shipping needs-label`: packed shipments without one.

    oms-desktop shipping map set "Standard Shipping" --carrier manual --service Courier
    oms-desktop shipping map default --carrier easypost      # cheapest EasyPost service
    oms-desktop shipping map remove "Flat rate"
"""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit, fail
from oms_desktop.services.shipping import methods, needs_label

HEADERS = ["method", "carrier", "service"]
CHEAPEST = "(cheapest)"


def register(commands, common) -> None:
    shipping = commands.add_parser("shipping", help="shipping methods and labels to make")
    sub = shipping.add_subparsers(dest="shipping_command", metavar="ACTION", required=True)
    mapping = sub.add_parser("map", help="the shipping-method map").add_subparsers(
        dest="map_command", metavar="ACTION", required=True)
    mapping.add_parser("list", parents=[common], help="every mapped method and the default"
                       ).set_defaults(handler=_list)
    p = mapping.add_parser("set", parents=[common], help="map a channel's method name")
    p.add_argument("method", help='as the channel names it, e.g. "Standard Shipping"')
    _carrier_options(p)
    p.set_defaults(handler=_set)
    p = mapping.add_parser("default", parents=[common],
                           help="the carrier and service for methods nobody mapped")
    _carrier_options(p)
    p.set_defaults(handler=_default)
    p = mapping.add_parser("remove", parents=[common],
                           help='forget a method\'s mapping ("*": the default)')
    p.add_argument("method")
    p.set_defaults(handler=_remove)
    p = sub.add_parser("needs-label", parents=[common],
                       help="packed shipments still without a label")
    p.add_argument("--limit", type=int, default=500)
    p.set_defaults(handler=_needs_label)


def _carrier_options(p) -> None:
    p.add_argument("--carrier", required=True, help="an installed carrier: manual, easypost…")
    p.add_argument("--service", help="one of its services (default: the cheapest that fits)")


def _show(args, found: list[methods.MethodMapping]) -> None:
    emit(args, found, rows=[[m.method, m.carrier, m.service or CHEAPEST] for m in found],
         headers=HEADERS)


def _list(args) -> int:
    db, _ = open_reading(args)
    mapped, default = methods.list_mappings(db)
    _show(args, mapped + ([default] if default else []))
    return 0


def _set(args) -> int:
    db, actor = open_acting(args)
    _show(args, [methods.set_mapping(db, actor=actor, method=args.method,
                                     carrier=args.carrier, service=args.service)])
    return 0


def _default(args) -> int:
    db, actor = open_acting(args)
    _show(args, [methods.set_default(db, actor=actor, carrier=args.carrier,
                                     service=args.service)])
    return 0


def _remove(args) -> int:
    db, actor = open_acting(args)
    _show(args, [methods.remove_mapping(db, actor=actor, method=args.method)])
    return 0


def _needs_label(args) -> int:
    if args.limit < 1:
        return fail("--limit must be at least 1", code=2)
    db, _ = open_reading(args)
    total, rows = needs_label.needs_label(db, limit=args.limit)
    if args.json:
        emit(args, {"total": total, "shipments": rows})
        return 0
    print(f"Needs a label ({total})")
    emit(args, rows, rows=[[r.label, r.order_number, r.method, r.carrier or "",
                            r.service or "", r.last_error or ""] for r in rows],
         headers=["shipment", "order", "method", "carrier", "service", "last error"])
    return 0
