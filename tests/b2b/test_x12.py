"""The X12 writer is strict, and the 850 reader refuses what a partner's translator would."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from oms_desktop.documents.x12 import envelope, outbound
from oms_desktop.documents.x12.po850 import X12Unreadable, read_850
from tests.b2b.world import bots_accepts, check_envelope, po_850, segments

US = envelope.Party("ZZ", "ACMEOMS", "ACMEOMS")
THEM = envelope.Party("01", "123456789", "BUYER")


def test_an_850_reads_into_lines_with_both_part_numbers_dates_and_the_ship_to():
    x = read_850(po_850())
    assert (x.sender_qualifier, x.sender_id, x.receiver_id, x.control_number) == (
        "ZZ", "CORNERSTORES", "ACMEOMS", 101)
    [po] = x.orders
    assert (po.number, po.ordered_on, po.requested_on) == (
        "PO-4711", date(2026, 12, 1), date(2026, 12, 10))
    assert po.ship_to["code"] == "0012" and po.ship_to["postal_code"] == "62701"
    assert [(l.po_line, l.quantity, l.unit_price, l.buyer_part, l.vendor_part)
            for l in po.lines][:2] == [("1", 12, Decimal("9.00"), "B-100", "SKU-1"),
                                       ("2", 5, Decimal("3.00"), "B-200", "SKU-2")]


@pytest.mark.parametrize("change, says", [
    (("SE*11*", "SE*12*"), "Count in SE-SE01 is 12"),
    (("GE*1*", "GE*2*"), "Count in GE-GE01 is 2"),
    (("IEA*1*000000101", "IEA*1*000000999"), "should be equal to IEA-reference"),
    (("CTT*3", "ZZZ*1~\nCTT*3"), 'record:"ZZZ"'),
    (("PO1*1*12*", "PO1*1*1.5*"), "quantity 1.5 is not whole units"),
    (("BEG*00*SA*PO-4711**20261201~\n", ""), "BEG"),
])
def test_an_unsound_850_is_refused_with_one_line_saying_why(change, says):
    text = po_850().replace(*change)
    if change[0] == "BEG*00*SA*PO-4711**20261201~\n":
        text = text.replace("SE*11*", "SE*10*")
    with pytest.raises(X12Unreadable, match=None) as refused:
        read_850(text)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_the_writer_counts_every_envelope_and_the_translator_agrees():
    item = outbound.Item("1", 4, "EA", Decimal("2.5"), "B-1", "SKU-1")
    bodies = [outbound.ack_855("PO-1", date(2026, 12, 1),
                               [outbound.AckLine(item, "accepted", 4, 0, None)]),
              outbound.ack_855("PO-2", date(2026, 12, 2), [outbound.AckLine(item, "rejected", 0, 0, None)])]
    text = envelope.interchange(sender=US, receiver=THEM, control=42,
                                at=datetime(2026, 12, 5, 9, 30), kind="855",
                                transactions=bodies)
    bots_accepts(text)
    segs = segments(text)
    check_envelope(segs)
    assert segs[0][6] == "ACMEOMS        " and segs[0][8] == "123456789      "
    assert segs[0][13] == "000000042" and segs[0][16] == ">"
    assert [s[2] for s in segs if s[0] == "BAK"] == ["AD", "AC"]
    assert [s[1] for s in segs if s[0] == "ST"] == ["855", "855"]


def test_separators_inside_data_are_refused_and_free_text_is_cleaned():
    with pytest.raises(ValueError, match="separator"):
        envelope.segment("REF", "CN", "1Z*99")
    assert envelope.text("Smith ~ Sons * Co\n", 12) == "Smith Sons C"
    with pytest.raises(ValueError, match="longer than 15"):
        envelope.interchange(sender=envelope.Party("ZZ", "X" * 16, "X"), receiver=THEM,
                             control=1, at=datetime(2026, 1, 1), kind="810", transactions=[])
