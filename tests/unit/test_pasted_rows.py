"""Rows pasted from a spreadsheet into a purchase order: good rows become lines, each bad row
is listed with one reason, and a bad row never costs a good one."""

from datetime import date

import pytest

from oms_desktop.policies.pasted_rows import BadRow, PastedLine, parse

TODAY = date(2026, 12, 1)


def test_sku_and_barcode_rows_with_and_without_a_date_become_lines():
    pasted = parse("SKU-1\t12\n4006381333931\t3\t2026-12-10\r\nMUG-2\t1\t20261224\n",
                   today=TODAY)
    assert pasted.lines == (PastedLine(1, "SKU-1", 12),
                            PastedLine(2, "4006381333931", 3, date(2026, 12, 10)),
                            PastedLine(3, "MUG-2", 1, date(2026, 12, 24)))
    assert pasted.bad == ()


def test_a_header_blank_rows_quotes_and_empty_trailing_cells_are_not_complaints():
    pasted = parse('\nItem code\tQty\tDate\n"SKU-1"\t"1,200"\t\t\n\n  \t \nSKU-2\t5.00\n',
                   today=TODAY)
    assert [(l.row, l.code, l.quantity) for l in pasted.lines] == [(3, "SKU-1", 1200),
                                                                   (6, "SKU-2", 5)]
    assert pasted.bad == ()


@pytest.mark.parametrize("row, reason", [
    ("SKU-1\tten", "quantity 'ten' is not a number"),
    ("SKU-1\t2.5", "quantity 2.5 is not a whole number"),
    ("SKU-1\t0", "quantity 0 must be more than zero"),
    ("SKU-1\t-3", "quantity -3 must be more than zero"),
    ("SKU-1\t2000000", "quantity 2000000 is more than 1,000,000"),
    ("SKU-1", "no quantity: put it in the cell after the SKU or barcode"),
    ("\t4", "no SKU or barcode in the first cell"),
    ("BLUE MUG\t4", "'BLUE MUG' is not a SKU or barcode (spaces or over 64 characters)"),
    ("SKU-1\t4\t12/10/2026", "date '12/10/2026' is not a date like 2026-12-01"),
    ("SKU-1\t4\t2026-02-30", "date '2026-02-30' is not a date like 2026-12-01"),
    ("SKU-1\t4\t2026-11-30", "requested date 2026-11-30 is in the past"),
    ("SKU-1\t4\t2026-12-10\tnote", "4 cells: expected SKU or barcode, quantity and an "
                                   "optional requested date"),
])
def test_each_bad_row_has_one_reason(row, reason):
    pasted = parse(f"SKU-9\t1\n{row}\nSKU-8\t2", today=TODAY)
    assert pasted.bad == (BadRow(2, row.replace("\t", " | "), reason),)
    assert [l.code for l in pasted.lines] == ["SKU-9", "SKU-8"]  # nothing good is lost


def test_a_header_is_only_taken_as_one_before_any_line():
    pasted = parse("SKU-1\t2\nSKU\tQty\n", today=TODAY)
    assert [b.reason for b in pasted.bad] == ["quantity 'Qty' is not a number"]


def test_five_thousand_rows_are_judged_in_one_pass():
    text = "\n".join(f"SKU-{n}\t{n % 7}" for n in range(5000))
    pasted = parse(text, today=TODAY)
    assert len(pasted.lines) + len(pasted.bad) == 5000
    assert len(pasted.bad) == len(range(0, 5000, 7))
