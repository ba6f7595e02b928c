"""`freight pallet|label|packing-list|book|bol`: cartons onto pallets, pallet labels, the
pallet packing list, the freight booking and the bill of lading, headless. PDFs are written
beside the target and renamed into place: a killed command leaves no half-written file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db
from oms_desktop.documents.freight import pallet_label, sheets
from oms_desktop.errors import ValidationError
from oms_desktop.services.freight import bookings, pallets
from oms_desktop.storage.crashpoints import crash_point


def register(sub, common) -> None:
    p = sub.add_parser("pallet", parents=[common], help="put cartons on a pallet (or list)")
    p.add_argument("shipment", help="SHP-n or its id")
    p.add_argument("--carton", action="append", metavar="SSCC|N",
                   help="a carton (default: every carton not yet on a pallet)")
    p.add_argument("--onto", metavar="SSCC|N", help="an existing pallet (default: a new one)")
    p.add_argument("--list", action="store_true", help="only list the shipment's pallets")
    p.set_defaults(handler=_pallet)
    p = sub.add_parser("label", parents=[common], help="the pallet labels as a 4x6 PDF")
    p.add_argument("shipment")
    p.add_argument("out", type=Path)
    p.add_argument("--dpi", type=int, choices=pallet_label.DPIS, default=203)
    p.set_defaults(handler=_label)
    p = sub.add_parser("packing-list", parents=[common], help="the pallet packing list PDF")
    p.add_argument("shipment")
    p.add_argument("out", type=Path)
    p.add_argument("--paper", choices=tuple(sheets.PAGES), default="Letter")
    p.set_defaults(handler=_packing_list)
    p = sub.add_parser("book", parents=[common], help="record a freight (LTL) booking")
    p.add_argument("shipment")
    p.add_argument("--carrier", required=True)
    p.add_argument("--scac", required=True)
    p.add_argument("--pro", required=True, help="the carrier's PRO number")
    p.add_argument("--class", dest="freight_class", required=True, metavar="NMFC",
                   choices=bookings.FREIGHT_CLASSES)
    p.add_argument("--pickup", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(handler=_book)
    p = sub.add_parser("bol", parents=[common], help="the bill of lading PDF")
    p.add_argument("shipment")
    p.add_argument("out", type=Path)
    p.add_argument("--paper", choices=tuple(sheets.PAGES), default="Letter")
    p.set_defaults(handler=_bol)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _rows(views) -> list[list]:
    return [[v.shipment, v.number, v.sscc, len(v.cartons),
             " ".join(c.sscc or str(c.number) for c in v.cartons),
             f"{v.gross_weight_g / 1000:.1f}"] for v in views]


HEADERS = ["shipment", "pallet", "sscc", "cartons", "carton ssccs", "gross kg"]


def _pallet(args) -> int:
    if args.list:
        found = pallets.shipment_pallets(open_db(args), args.shipment)
        emit(args, found, rows=_rows(found.pallets), headers=HEADERS)
        return 0
    db, actor = open_acting(args)
    view = pallets.palletise(db, actor=actor, shipment_id=args.shipment, cartons=args.carton,
                             pallet=args.onto)
    emit(args, view, rows=_rows([view]), headers=HEADERS)
    return 0


def write_whole(path: Path, content: bytes) -> None:
    """Written aside, then renamed: the file is whole or not there."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(content)
    crash_point("freight.pdf")
    os.replace(part, path)


def _written(args, what: str, content: bytes, **facts) -> int:
    write_whole(args.out, content)
    emit(args, {**facts, "file": str(args.out)}, rows=[[what, args.out]],
         headers=["document", "file"])
    return 0


def _label(args) -> int:
    papers = bookings.papers(open_db(args), args.shipment)
    if not papers.pallets.pallets:
        raise ValidationError(f"{papers.shipment} has no pallets yet")
    labels = pallet_label.collect(papers)
    return _written(args, f"{len(labels)} pallet label(s)",
                    pallet_label.render_pdf(labels, dpi=args.dpi), shipment=papers.shipment)


def _packing_list(args) -> int:
    papers = bookings.papers(open_db(args), args.shipment)
    return _written(args, "pallet packing list",
                    sheets.render(sheets.packing_list(papers), page=args.paper),
                    shipment=papers.shipment)


def _book(args) -> int:
    db, actor = open_acting(args)
    v = bookings.book(db, actor=actor, shipment_id=args.shipment, carrier=args.carrier,
                      scac=args.scac, pro_number=args.pro, freight_class=args.freight_class,
                      pickup_on=args.pickup)
    emit(args, v, rows=[[v.shipment, v.carrier, v.scac, v.pro_number, v.bol_number,
                         v.freight_class, v.pickup_on]],
         headers=["shipment", "carrier", "scac", "pro", "bill of lading", "class", "pickup"])
    return 0


def _bol(args) -> int:
    papers = bookings.papers(open_db(args), args.shipment)
    if papers.booking is None:
        raise ValidationError(f"{papers.shipment} is not booked: `freight book` it first")
    return _written(args, "bill of lading",
                    sheets.render(sheets.bill_of_lading(papers), page=args.paper),
                    shipment=papers.shipment, bol=papers.booking.bol_number)
