"""The pack station's rule for one scan, without a database."""

from oms_desktop.policies.pack_scan import Need, Outcome, ScannedProduct, apply, expected, judge
from oms_desktop.policies.scan import parse_scan

MUG = ScannedProduct(1, "MUG-1", "Trail mug")
LID = ScannedProduct(2, "LID-1", "Mug lid")
SOCK = ScannedProduct(9, "SOCK-1", "Wool socks")


def two_mugs_and_a_kit_lid() -> list[Need]:
    return [Need(10, MUG.id, MUG.sku, 1, 2), Need(11, LID.id, LID.sku, 1, 1, kit="GIFT-1")]


def test_a_good_scan_ticks_its_line_and_says_how_far_it_got():
    needs = two_mugs_and_a_kit_lid()
    verdict = judge(needs, parse_scan("MUG-1"), MUG, limit=10)
    assert (verdict.outcome, verdict.line_id, verdict.units) == (Outcome.ok, 10, 1)
    assert verdict.message == "MUG-1 ✓ 1/2"
    apply(needs, verdict)
    assert needs[0].scanned == 1 and needs[0].left == 1


def test_a_wrong_item_is_refused_with_what_was_expected():
    verdict = judge(two_mugs_and_a_kit_lid(), parse_scan("SOCK-1"), SOCK, limit=10)
    assert verdict.outcome == Outcome.wrong_item and verdict.line_id is None
    assert verdict.message == ("Wrong item SOCK-1 (Wool socks): expected 2 x MUG-1, "
                               "1 x LID-1 (for GIFT-1)")


def test_one_too_many_is_refused_and_nothing_is_counted():
    needs = two_mugs_and_a_kit_lid()
    needs[1].scanned = 1
    verdict = judge(needs, parse_scan("LID-1"), LID, limit=10)
    assert verdict.outcome == Outcome.over_scan and verdict.units == 0
    assert "One too many: 1 x LID-1 scanned, 0 left to pack" in verdict.message


def test_the_last_unit_completes_the_shipment():
    needs = two_mugs_and_a_kit_lid()
    needs[0].scanned, needs[1].scanned = 2, 0
    verdict = judge(needs, parse_scan("LID-1"), LID, limit=10)
    assert verdict.message.endswith("— complete")
    apply(needs, verdict)
    assert expected(needs) == "everything is packed"


def test_a_quantity_above_the_limit_is_refused_before_anything_else():
    verdict = judge(two_mugs_and_a_kit_lid(), parse_scan("MUG-1"), MUG, quantity=12, limit=10)
    assert verdict.outcome == Outcome.refused and "above the limit of 10" in verdict.message
    assert judge(two_mugs_and_a_kit_lid(), parse_scan("MUG-1"), MUG, quantity=2,
                 limit=10).units == 2


def test_unknown_and_unreadable_barcodes_and_a_closed_shipment():
    needs = two_mugs_and_a_kit_lid()
    assert judge(needs, parse_scan("4006381333932"), None, limit=10).outcome == Outcome.not_found
    unreadable = judge(needs, parse_scan("(01)123"), None, limit=10)
    assert unreadable.outcome == Outcome.invalid and "wrong length" in unreadable.message
    closed = judge(needs, parse_scan("MUG-1"), MUG, limit=10, refused="SHP-1 is packed")
    assert (closed.outcome, closed.message) == (Outcome.refused, "SHP-1 is packed")
