"""`b2b account|partner|price|po|edi|invoice|aging`: business customers headless."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db
from oms_desktop.documents import invoice as invoice_pdf
from oms_desktop.errors import ValidationError
from oms_desktop.services import settings
from oms_desktop.services.b2b import accounts, edi, invoices
from oms_desktop.services.b2b import purchase_orders as pos


def register(commands, common) -> None:
    sub = commands.add_parser("b2b", help="business customers: terms, POs, EDI, invoices") \
        .add_subparsers(dest="b2b_command", metavar="ACTION", required=True)
    p = sub.add_parser("account", parents=[common], help="set a business customer's terms")
    p.add_argument("customer")
    p.add_argument("--terms", default="net 30", help='"net 30" or "2/10 net 30"')
    p.add_argument("--credit-limit", type=_decimal)
    p.add_argument("--group", help="price group")
    p.add_argument("--email")
    p.set_defaults(handler=_account)
    p = sub.add_parser("partner", parents=[common], help="map an EDI sender to a customer")
    p.add_argument("customer")
    p.add_argument("--isa-id", required=True)
    p.add_argument("--qualifier", default="ZZ")
    p.add_argument("--gs-id")
    p.set_defaults(handler=_partner)
    p = sub.add_parser("price", parents=[common], help="a customer's or group's price")
    p.add_argument("sku")
    p.add_argument("price", type=_decimal)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer")
    who.add_argument("--group")
    p.add_argument("--min-qty", type=int, default=1)
    p.add_argument("--from", dest="valid_from", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="valid_to", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(handler=_price)
    _po_commands(sub.add_parser("po", help="purchase orders").add_subparsers(
        dest="po_command", metavar="ACTION", required=True), common)
    _edi_commands(sub.add_parser("edi", help="X12 through folders").add_subparsers(
        dest="edi_command", metavar="ACTION", required=True), common)
    _invoice_commands(sub.add_parser("invoice", help="invoices and payments").add_subparsers(
        dest="invoice_command", metavar="ACTION", required=True), common)
    p = sub.add_parser("aging", parents=[common], help="open balances by days past due")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="as of (default today)")
    p.set_defaults(handler=_aging)


def _po_commands(sub, common) -> None:
    p = sub.add_parser("add", parents=[common], help="enter a purchase order by hand")
    p.add_argument("customer")
    p.add_argument("--po", required=True, metavar="NUMBER")
    p.add_argument("--line", action="append", required=True, metavar="SKU:QTY[:DATE]",
                   help="a line; with a date (YYYY-MM-DD) of its own, a delivery stage")
    for field in pos.ADDRESS_FIELDS:
        p.add_argument(f"--ship-{field.replace('_', '-')}", dest=f"ship_{field}")
    p.add_argument("--requested", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(handler=_po_add)
    p = sub.add_parser("mapping", parents=[common], help="save a file column mapping")
    p.add_argument("name")
    p.add_argument("--column", action="append", required=True, metavar="FIELD=HEADING",
                   help=f"fields: {', '.join(pos.FILE_FIELDS)}")
    p.add_argument("--delimiter", default=",")
    p.set_defaults(handler=_po_mapping)
    p = sub.add_parser("import", parents=[common], help="POs from a CSV/XLSX file")
    p.add_argument("file", type=Path)
    p.add_argument("--customer", required=True)
    p.add_argument("--mapping", required=True)
    p.set_defaults(handler=_po_import)


def _edi_commands(sub, common) -> None:
    p = sub.add_parser("receive", parents=[common], help="read the 850s in a drop folder")
    p.add_argument("folder", type=Path)
    p.set_defaults(handler=_edi_receive)
    p = sub.add_parser("send", parents=[common], help="write pending 855/856/810s to a folder")
    p.add_argument("folder", type=Path)
    p.set_defaults(handler=_edi_send)
    p = sub.add_parser("identity", parents=[common], help="set our ISA id and qualifier")
    p.add_argument("isa_id")
    p.add_argument("--qualifier", default="ZZ")
    p.set_defaults(handler=_edi_identity)


def _invoice_commands(sub, common) -> None:
    p = sub.add_parser("list", parents=[common], help="invoices")
    p.add_argument("--state", choices=("open", "overdue", "paid"))
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="as of (default today)")
    p.set_defaults(handler=_invoice_list)
    p = sub.add_parser("pdf", parents=[common], help="write an invoice as PDF")
    p.add_argument("number")
    p.add_argument("out", type=Path)
    p.add_argument("--paper", choices=tuple(invoice_pdf.PAGES), default="A4")
    p.set_defaults(handler=_invoice_pdf)
    p = sub.add_parser("pay", parents=[common], help="record a payment")
    p.add_argument("number")
    p.add_argument("amount", type=_decimal)
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="received on")
    p.add_argument("--reference")
    p.set_defaults(handler=_invoice_pay)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not an amount") from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _account(args) -> int:
    db, actor = open_acting(args)
    view = accounts.set_account(db, actor=actor, customer=args.customer, terms=args.terms,
                                credit_limit=args.credit_limit, price_group=args.group,
                                email=args.email)
    emit(args, view, rows=[[view.customer_id, view.name, view.terms, view.credit_limit,
                            view.price_group]],
         headers=["id", "customer", "terms", "credit limit", "group"])
    return 0


def _partner(args) -> int:
    db, actor = open_acting(args)
    pid = accounts.add_partner(db, actor=actor, customer=args.customer, isa_id=args.isa_id,
                               qualifier=args.qualifier, gs_id=args.gs_id)
    emit(args, {"partner_id": pid}, rows=[[pid, args.qualifier, args.isa_id]],
         headers=["partner", "qualifier", "isa id"])
    return 0


def _price(args) -> int:
    db, actor = open_acting(args)
    pid = accounts.add_price(db, actor=actor, sku=args.sku, unit_price=args.price,
                             customer=args.customer, group=args.group, min_qty=args.min_qty,
                             valid_from=args.valid_from, valid_to=args.valid_to)
    emit(args, {"price_id": pid}, rows=[[pid, args.sku, args.price, args.min_qty]],
         headers=["price", "sku", "unit price", "from qty"])
    return 0


def _po_add(args) -> int:
    lines = []
    for n, text in enumerate(args.line, 1):
        lines.append(_po_line(text, n))
    ship_to = {f: getattr(args, f"ship_{f}") for f in pos.ADDRESS_FIELDS
               if getattr(args, f"ship_{f}")}
    db, actor = open_acting(args)
    result = pos.place_order(db, actor=actor, customer=args.customer, po=pos.PoIn(
        args.po, tuple(lines), requested_on=args.requested, ship_to=ship_to))
    _show_po(args, [result])
    return 0


def _po_line(text: str, n: int) -> pos.LineIn:
    """SKU:QTY, or SKU:QTY:YYYY-MM-DD for a line with its own requested date."""
    parts = text.split(":")
    day = _date(parts.pop()) if len(parts) > 2 and "-" in parts[-1] else None
    sku, _, qty = ":".join(parts).rpartition(":")
    if not sku or not qty.isdigit():
        raise ValidationError(f"--line {text!r} is not SKU:QTY or SKU:QTY:YYYY-MM-DD")
    return pos.LineIn(sku, int(qty), str(n), requested_on=day)


def _po_mapping(args) -> int:
    columns = {}
    for text in args.column:
        field, sep, heading = text.partition("=")
        if not sep or not heading:
            raise ValidationError(f"--column {text!r} is not FIELD=HEADING")
        columns[field.strip()] = heading
    db, actor = open_acting(args)
    pos.save_mapping(db, actor=actor, name=args.name, columns=columns,
                     delimiter=args.delimiter)
    emit(args, columns, rows=sorted(columns.items()), headers=["field", "column"])
    return 0


def _po_import(args) -> int:
    db, actor = open_acting(args)
    _show_po(args, pos.import_file(db, actor=actor, customer=args.customer, path=args.file,
                                   mapping=args.mapping))
    return 0


def _show_po(args, results) -> None:
    emit(args, results, rows=[[r.po_number, r.order_number, r.status, ",".join(r.holds),
                               r.total, l.po_line, l.sku, l.quantity, l.unit_price, l.status]
                              for r in results for l in r.lines],
         headers=["po", "order", "status", "holds", "total", "line", "sku", "qty", "price",
                  "ack"])


def _edi_receive(args) -> int:
    db, actor = open_acting(args)
    got = edi.receive_folder(db, actor=actor, folder=args.folder)
    emit(args, got, rows=[[r.file_name, "ok" if r.ok else "rejected", r.message,
                           " ".join(o.po_number for o in r.orders)] for r in got],
         headers=["file", "result", "message", "purchase orders"])
    return 0 if all(r.ok for r in got) else 2


def _edi_send(args) -> int:
    db, actor = open_acting(args)
    names = edi.send(db, actor=actor, folder=args.folder)
    emit(args, names, rows=[[n] for n in names], headers=["written"])
    return 0


def _edi_identity(args) -> int:
    db, actor = open_acting(args)
    for key, value in (("edi.isa_id", args.isa_id), ("edi.isa_qualifier", args.qualifier)):
        settings.write(db, actor=actor, key=key, value=value)
    emit(args, {"isa_id": args.isa_id, "qualifier": args.qualifier},
         rows=[[args.qualifier, args.isa_id]], headers=["qualifier", "isa id"])
    return 0


def _invoice_list(args) -> int:
    views = invoices.list_invoices(open_db(args), state_is=args.state, today=args.date)
    emit(args, views, rows=[[v.number, v.customer, v.po_number, v.issued_on, v.due_on,
                             v.state, v.total, v.balance] for v in views],
         headers=["invoice", "customer", "po", "issued", "due", "state", "total", "balance"])
    return 0


def _invoice_pdf(args) -> int:
    db = open_db(args)
    view = invoices.get_invoice(db, args.number)
    args.out.write_bytes(invoice_pdf.render(invoice_pdf.collect(view),
                                            page=args.paper))
    emit(args, {"invoice": view.number, "file": str(args.out)},
         rows=[[view.number, args.out]], headers=["invoice", "file"])
    return 0


def _invoice_pay(args) -> int:
    db, actor = open_acting(args)
    v = invoices.record_payment(db, actor=actor, invoice=args.number, amount=args.amount,
                                received_on=args.date, reference=args.reference)
    emit(args, v, rows=[[v.number, v.state, v.paid_total, v.discount_taken, v.balance]],
         headers=["invoice", "state", "paid", "discount", "balance"])
    return 0


def _aging(args) -> int:
    rows = invoices.aging(open_db(args), today=args.date)
    emit(args, rows, rows=[[r.customer, *r.buckets.values(), r.total] for r in rows],
         headers=["customer", "current", "1-30", "31-60", "61-90", "90+", "total"])
    return 0
