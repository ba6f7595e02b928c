"""The 856 ship notice of a palletised freight shipment, segment by segment: shipment ▸
order ▸ tare (pallet) ▸ pack (carton) ▸ item, every HL naming its parent, each level's
SSCC-18 in MAN*GM, the freight carrier's SCAC with the LTL code, PRO and bill of lading."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from oms_desktop.documents.x12 import envelope, outbound
from oms_desktop.services.b2b import edi
from oms_desktop.services.freight import bookings, pallets
from oms_desktop.services.shipping import labels
from tests.b2b.freight_world import packed_in_cartons
from tests.b2b.world import (
    PACKER, SUPERVISOR, bots_accepts, check_envelope, segments, wholesale_world,
)


def hierarchy(segs) -> list[tuple[str, str, str]]:
    return [(s[1], s[2], s[3]) for s in segs if s[0] == "HL"]


def check_parents(segs) -> None:
    """Every HL's parent is an earlier HL of the level above (S < O < T < P < I)."""
    order = "SOTPI"
    seen = {}
    for hl, parent, level in hierarchy(segs):
        assert hl not in seen and int(hl) == len(seen) + 1
        if level != "S":
            assert parent in seen and order.index(seen[parent]) < order.index(level)
        seen[hl] = level


def test_the_writer_puts_tares_between_the_order_and_its_packs():
    item = outbound.Item("1", 6, "EA", Decimal("9"), "B-100", "SKU-1")
    a, b, c = "006141410000000012", "006141410000000029", "006141410000000036"
    notice = outbound.ShipNotice(
        "SHP-9", "PO-1", date(2026, 12, 1), datetime(2026, 12, 9, 14, 5), "Old Dominion",
        "0123456789", Decimal("55.2"), outbound.Address("Store", "0012", "1 Main", "Joliet", "IL",
                                                        "62701", "US"),
        outbound.Address("Us", None, None, None, None, None, None),
        (outbound.Pack(c, (item,)),), (outbound.Tare("006141410000000043", (
            outbound.Pack(a, (item,)), outbound.Pack(b, (item,)))),),
        scac="ODFL", bol_number="06141410000000012")
    text = envelope.interchange(sender=envelope.Party("ZZ", "US", "US"),
                                receiver=envelope.Party("ZZ", "THEM", "THEM"), control=7,
                                at=datetime(2026, 12, 9, 14, 5), kind="856",
                                transactions=[outbound.asn_856(notice)])
    bots_accepts(text)
    segs = segments(text)
    check_envelope(segs)
    check_parents(segs)
    assert hierarchy(segs) == [("1", "", "S"), ("2", "1", "O"), ("3", "2", "T"),
                               ("4", "3", "P"), ("5", "4", "I"), ("6", "3", "P"),
                               ("7", "6", "I"), ("8", "2", "P"), ("9", "8", "I")]
    assert [s[2] for s in segs if s[0] == "MAN"] == ["006141410000000043", a, b, c]
    assert ["TD1", "CTN25", "3", "", "", "", "G", "55.2", "LB"] in segs
    assert ["TD1", "PLT94", "1"] in segs
    assert ["TD5", "", "2", "ODFL", "LT", "Old Dominion"] in segs
    assert ["REF", "BM", "06141410000000012"] in segs and ["REF", "CN", "0123456789"] in segs
    assert next(s for s in segs if s[0] == "CTT") == ["CTT", "9"]


@pytest.fixture
def shipped(db, tmp_path):
    """The chain's PO in three cartons: two on pallet 1, the spoons on pallet 2; booked
    with a freight carrier and shipped; the 856 written to the out folder."""
    wholesale_world(db, credit_limit="100000")
    _, sid = packed_in_cartons(db)
    one = pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["1", "2"])
    two = pallets.palletise(db, actor=PACKER, shipment_id=sid)
    booking = bookings.book(db, actor=SUPERVISOR, shipment_id=sid, carrier="Old Dominion",
                            scac="ODFL", pro_number="0123456789", freight_class="70")
    labels.mark_shipped(db, actor=PACKER, shipment_id=sid)
    out = tmp_path / "out"
    edi.send(db, actor=SUPERVISOR, folder=out)
    [path] = out.glob("856_*.x12")
    return path.read_text(), one, two, booking


def test_the_shipped_pallets_reach_the_856_with_every_sscc_and_the_carrier(shipped):
    text, one, two, booking = shipped
    bots_accepts(text)
    segs = segments(text)
    check_envelope(segs)
    check_parents(segs)
    assert hierarchy(segs) == [("1", "", "S"), ("2", "1", "O"),
                               ("3", "2", "T"), ("4", "3", "P"), ("5", "4", "I"),
                               ("6", "3", "P"), ("7", "6", "I"),
                               ("8", "2", "T"), ("9", "8", "P"), ("10", "9", "I")]
    # each MAN follows its own HL: the tare's the pallet's SSCC, the pack's the carton's
    mans = [(segs[i - 1][3], s[2]) for i, s in enumerate(segs) if s[0] == "MAN"]
    assert mans == [("T", one.sscc), ("P", one.cartons[0].sscc), ("P", one.cartons[1].sscc),
                    ("T", two.sscc), ("P", two.cartons[0].sscc)]
    assert [s[:4] for s in segs if s[0] == "SN1"] == [["SN1", "", "6", "EA"]] * 2 + [
        ["SN1", "", "3", "EA"]]
    assert [s[:4] for s in segs if s[0] == "LIN"] == [["LIN", "1", "BP", "B-100"]] * 2 + [
        ["LIN", "2", "BP", "B-200"]]
    assert ["TD1", "PLT94", "2"] in segs
    assert next(s for s in segs if s[0] == "TD1")[:3] == ["TD1", "CTN25", "3"]
    assert ["TD5", "", "2", "ODFL", "LT", "Old Dominion"] in segs
    assert ["REF", "BM", booking.bol_number] in segs
    assert ["REF", "CN", "0123456789"] in segs
    assert ["CTT", "10"] in segs
    st, se = next(s for s in segs if s[0] == "ST"), next(s for s in segs if s[0] == "SE")
    assert st[1] == "856" and int(se[1]) == len(segs) - 4  # ST..SE inside ISA/GS/GE/IEA
