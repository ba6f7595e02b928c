"""A wholesale world: the small warehouse, stock, one retail chain on 2/10 net 30 with a
credit limit, its prices and its EDI identity; and X12 850s the way its buyer sends them."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from edi_parser import api as bots

from oms_desktop.model import Actor, Role
from oms_desktop.services import settings
from oms_desktop.services.b2b import accounts
from oms_desktop.storage import Database
from tests.factories import small_world
from tests.floor_fixtures import stock_up

MANAGER = Actor("max", Role.manager, station="OFFICE-1")
SUPERVISOR = Actor("sam", Role.supervisor, station="OFFICE-1")
PACKER = Actor("pat", Role.packer, station="PACK-1")
CHAIN = "Corner Stores Inc"
GS1_PREFIX = "0614141"


def wholesale_world(db: Database, *, credit_limit: str = "1000") -> None:
    small_world(db)
    stock_up(db, {("SKU-1", "WH1-A-01"): 20, ("SKU-2", "WH1-A-02"): 3})
    with db.uow() as uow:
        for key, value in {"company.name": "Acme Outdoor Wholesale", "edi.isa_id": "ACMEOMS",
                           "gs1.company_prefix": GS1_PREFIX}.items():
            settings.put(uow.session, key, value)
        uow.commit()
    accounts.set_account(db, actor=MANAGER, customer=CHAIN, terms="2/10 net 30",
                         credit_limit=Decimal(credit_limit), price_group="chains",
                         email="ap@cornerstores.example")
    # the chains' price list: 10.00 a mug, 9.00 from ten; this customer's own spoon price
    accounts.add_price(db, actor=MANAGER, group="chains", sku="SKU-1", unit_price="10.00")
    accounts.add_price(db, actor=MANAGER, group="chains", sku="SKU-1", unit_price="9.00",
                       min_qty=10, valid_from=date(2026, 1, 1), valid_to=date(2027, 12, 31))
    accounts.add_price(db, actor=MANAGER, customer=CHAIN, sku="SKU-2", unit_price="3.50")
    accounts.add_partner(db, actor=MANAGER, customer=CHAIN, isa_id="CORNERSTORES")


def po_850(number: str = "PO-4711", control: int = 101, lines=None,
           receiver: str = "ACMEOMS") -> str:
    """An 850 as the chain's buyer sends it (ISA/GS envelope, N1/N3/N4 ship-to, PO1 lines
    with buyer and vendor part numbers, DTM requested date)."""
    lines = lines or [("1", 12, "9.00", "B-100", "SKU-1"), ("2", 5, "3.00", "B-200", "SKU-2"),
                      ("3", 2, "7.00", "B-300", "NO-SUCH")]
    body = [f"BEG*00*SA*{number}**20261201", "DTM*002*20261210",
            "N1*ST*Corner Store 12*92*0012", "N3*12 High Street",
            "N4*Springfield*IL*62701*US"]
    body += [f"PO1*{n}*{q}*EA*{p}**BP*{bp}*VP*{vp}" for n, q, p, bp, vp in lines]
    body.append(f"CTT*{len(lines)}")
    segs = [f"ISA*00*          *00*          *ZZ*{'CORNERSTORES':<15}*ZZ*{receiver:<15}*"
            f"261201*0900*U*00401*{control:09d}*0*P*>",
            f"GS*PO*CORNERSTORES*{receiver}*20261201*0900*{control}*X*004010",
            "ST*850*0001", *body, f"SE*{len(body) + 2}*0001", f"GE*1*{control}",
            f"IEA*1*{control:09d}"]
    return "~\n".join(segs) + "~\n"


def segments(text: str) -> list[list[str]]:
    """An interchange as segments of elements (the separators ours are known to be)."""
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def bots_accepts(text: str) -> None:
    """The Bots translator's X12 grammars (strict) find nothing wrong: every segment allowed
    where it is, every count and control number right."""
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)
    result = bots.parse_edi(text, "x12", "x12", field_validation_mode="strict")
    assert result["success"], result["errors"]


def check_envelope(segs: list[list[str]]) -> None:
    """ISA/IEA and GS/GE agree; each SE counts its transaction's segments (ST to SE)."""
    isa, gs, ge, iea = segs[0], segs[1], segs[-2], segs[-1]
    assert (isa[0], gs[0], ge[0], iea[0]) == ("ISA", "GS", "GE", "IEA")
    assert len("*".join(isa)) == 105  # the fixed-width ISA, without its terminator
    assert iea[1:] == ["1", isa[13]] and ge[2] == gs[6]
    starts = [i for i, s in enumerate(segs) if s[0] == "ST"]
    assert int(ge[1]) == len(starts)
    for start in starts:
        end = next(i for i in range(start, len(segs)) if segs[i][0] == "SE")
        assert int(segs[end][1]) == end - start + 1 and segs[end][2] == segs[start][2]
