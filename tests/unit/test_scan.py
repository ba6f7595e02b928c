import pytest

from oms_desktop.policies.scan import (
    GS, ScanConfig, ScanKind, gtin_candidates, parse_gs1, parse_scan,
)


@pytest.mark.parametrize("code", ["96385074", "036000291452", "4006381333931",
                                  "10614141000415"])
def test_valid_gtins_of_every_length_are_recognised(code):
    scan = parse_scan(code)
    assert (scan.kind, scan.value, scan.gtin) == (ScanKind.gtin, code, code)


def test_a_gtin_length_number_with_a_wrong_check_digit_is_plain_text():
    scan = parse_scan("4006381333932")
    assert scan.kind == ScanKind.text and scan.gtin is None


@pytest.mark.parametrize("raw, kind, number, slot", [
    ("PL-12", ScanKind.pick_list, 12, None),
    ("pl-12-3", ScanKind.pick_slot, 12, 3),
    ("TOTE-7", ScanKind.tote, 7, None),
    ("ORD-1000001", ScanKind.order, 1000001, None),
    ("SHP-5", ScanKind.shipment, 5, None),
    ("QTY-24", ScanKind.quantity, 24, None),
])
def test_document_barcodes_carry_their_number(raw, kind, number, slot):
    scan = parse_scan(raw)
    assert (scan.kind, scan.number, scan.slot) == (kind, number, slot)


def test_an_rma_keeps_its_whole_code():
    scan = parse_scan("RMA-2026-00042")
    assert (scan.kind, scan.value) == (ScanKind.rma, "RMA-2026-00042")


@pytest.mark.parametrize("raw", ["WH1-A-01", "SKU-1", "ORD-", "PL-x", "TOTE-", "A10"])
def test_bins_skus_and_near_misses_are_text_for_lookup(raw):
    scan = parse_scan(raw)
    assert (scan.kind, scan.value) == (ScanKind.text, raw)


def test_gs1_128_with_symbology_identifier_and_fnc1_separators():
    raw = "]C101040063813339311726063010LOT42" + GS + "2112345" + GS + "3712"
    scan = parse_scan(raw)
    assert scan.kind == ScanKind.gs1
    assert scan.elements == {"01": "04006381333931", "17": "260630", "10": "LOT42",
                             "21": "12345", "37": "12"}
    assert scan.gtin == "04006381333931" and scan.quantity == 12


def test_gs1_datamatrix_identifier_and_a_variable_field_at_the_end():
    scan = parse_scan("]d20104006381333931" + "10ABC")
    assert scan.elements == {"01": "04006381333931", "10": "ABC"}


def test_a_leading_fnc1_is_ignored():
    assert parse_gs1(GS + "0104006381333931") == {"01": "04006381333931"}


def test_sscc_in_ai_00():
    scan = parse_scan("]C1" + "00" + "106141411234567897")
    assert scan.kind == ScanKind.gs1 and scan.value == "106141411234567897"


def test_human_readable_gs1_form_is_accepted():
    scan = parse_scan("(01)04006381333931(30)5")
    assert scan.elements == {"01": "04006381333931", "30": "5"} and scan.quantity == 5


@pytest.mark.parametrize("raw, message", [
    ("]C10104006381333932", "check digit"),
    ("]C1990001", "Unknown GS1 application identifier (99)"),
    ("]C101040063813", "wrong length"),
    ("]C1" + "10" + "X" * 21, "wrong length"),
    ("]C1" + "00" + "106141411234567890", "SSCC"),
    ("]C1" + "3012AB", "digits"),
])
def test_broken_gs1_strings_are_invalid_with_a_reason(raw, message):
    scan = parse_scan(raw)
    assert scan.kind == ScanKind.invalid and message in scan.error
    assert not scan.ok


def test_prefix_and_suffix_are_stripped():
    config = ScanConfig(prefix="#", suffix="$")
    assert parse_scan("#SHP-9$", config).number == 9
    assert parse_scan("SHP-9", config).number == 9


def test_an_empty_scan_is_invalid():
    assert parse_scan("\r\n").kind == ScanKind.invalid


def test_a_gtin14_can_be_looked_up_as_its_shorter_forms():
    assert gtin_candidates("00036000291452") == ["00036000291452", "0036000291452",
                                                 "036000291452"]
    assert gtin_candidates("00000096385074")[-1] == "96385074"
