"""`rates SHIPMENT`, `label SHIPMENT --format pdf|zpl --out FILE`, `label void SHIPMENT`,
`manifest --carrier C [--date D] --out FILE.pdf`, `track [--all | SHIPMENT]`.

`label` takes one or two words: `label SHIPMENT …` buys a label, `label void SHIPMENT` voids
it (a shipment is a number or SHP-<n>, so the word "void" cannot be mistaken for one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit, emit_json, fail
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import manifests, tracking



def register(commands, common) -> None:
    p = commands.add_parser("rates", parents=[common], help="rates of a packed shipment")
    p.add_argument("shipment", metavar="SHIPMENT")
    p.add_argument("--carrier")
    p.add_argument("--service")
    p.set_defaults(handler=_rates)

    p = commands.add_parser("label", parents=[common], help="buy a label, or void one",
                            usage="%(prog)s SHIPMENT [--carrier C] [--service S] "
                                  "--format pdf|zpl --out FILE\n       %(prog)s void SHIPMENT")
    p.add_argument("words", nargs="+", metavar="SHIPMENT | void SHIPMENT")
    p.add_argument("--carrier")
    p.add_argument("--service")
    p.add_argument("--format", choices=("pdf", "zpl"), default="pdf")
    p.add_argument("--out", metavar="FILE", type=Path)
    p.set_defaults(handler=_label)

    p = commands.add_parser("manifest", parents=[common],
                            help="close a carrier's day: manifest PDF, shipments shipped")
    p.add_argument("--carrier", required=True)
    p.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    p.set_defaults(handler=_manifest)

    p = commands.add_parser("track", parents=[common], help="poll tracking events")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every labelled open shipment")
    which.add_argument("shipment", nargs="?", metavar="SHIPMENT")
    p.set_defaults(handler=_track)


def _rates(args) -> int:
    db, actor = open_reading(args)
    result = shipping.rates(db, actor=actor, shipment_id=args.shipment,
                            carrier=args.carrier, service=args.service)
    rows = [["*" if r == result.chosen else "", r.carrier, r.service,
             f"{r.amount:.2f} {r.currency}", r.estimated_days, r.arrives,
             r.why_not or ""] for r in result.rates]
    emit(args, result, rows=rows, headers=["", "carrier", "service", "amount", "days",
                                           "arrives", "left out because"])
    if not args.json:
        print(f"\n{result.reason}" + "".join(f"\n{c}: {e}" for c, e in result.errors.items()))
    return 0


def _label(args) -> int:
    words = args.words
    if words[0] == "void":
        if len(words) != 2:
            return fail("usage: label void SHIPMENT", code=2)
        db, actor = open_acting(args)
        voided = shipping.void_label(db, actor=actor, shipment_id=words[1])
        emit(args, _summary(voided), rows=[[f"voided {voided.tracking_number}"]],
             headers=["SHP-%d" % voided.shipment_id])
        return 0
    if len(words) != 1:
        return fail("usage: label SHIPMENT --format pdf|zpl --out FILE", code=2)
    if args.out is None:
        return fail("label needs --out FILE", code=2)
    db, actor = open_acting(args)
    made = shipping.create_label(db, actor=actor, shipment_id=words[0],
                                 carrier=args.carrier, service=args.service, fmt=args.format)
    args.out.write_bytes(made.content)
    emit(args, {**_summary(made), "file": str(args.out)},
         rows=[[made.carrier, made.service, made.tracking_number, f"{made.cost:.2f}",
                made.ship_day, args.out]],
         headers=["carrier", "service", "tracking", "cost", "ship day", "file"])
    return 0


def _summary(label: shipping.LabelResult) -> dict:
    return {"shipment": label.shipment_id, "carrier": label.carrier, "service": label.service,
            "tracking_number": label.tracking_number, "cost": label.cost,
            "currency": label.currency, "format": label.format, "ship_day": label.ship_day,
            "sscc": list(label.sscc)}


def _manifest(args) -> int:
    db, actor = open_acting(args)
    result = manifests.close_out(db, actor=actor, carrier=args.carrier,
                                 day=args.date)
    args.out.write_bytes(result.document)
    data = {"manifest": result.id, "carrier": result.carrier, "day": result.ship_day,
            "shipments": result.shipments, "packages": result.packages,
            "total_cost": result.total_cost, "carrier_ref": result.carrier_ref,
            "file": str(args.out)}
    emit(args, data, rows=[[result.carrier, result.ship_day, result.shipments,
                            result.packages, f"{result.total_cost:.2f}", args.out]],
         headers=["carrier", "day", "shipments", "packages", "cost", "file"])
    return 0


def _track(args) -> int:
    db, actor = open_acting(args)
    result = tracking.poll(db, actor=actor, shipment_id=None if args.all else args.shipment)
    if args.json:
        emit_json(result)
        return 0
    print(f"checked {result.checked}, new events {result.new_events}, shipped "
          f"{len(result.shipped)}, delivered {len(result.delivered)}, exceptions "
          f"{len(result.exceptions)}")
    for carrier, error in result.errors.items():
        print(f"  {carrier}: {error}")
    if not args.all:
        for e in tracking.events(db, args.shipment):
            print(f"  {e.occurred_at:%Y-%m-%d %H:%M} {e.status:<17} {e.location or ''} "
                  f"{e.message or ''}".rstrip())
    return 1 if result.errors else 0
