"""GS1 check digits (GTIN-8/12/13/14, SSCC-18) and barcode classification."""

from __future__ import annotations

from oms_desktop.errors import ValidationError

GTIN_KINDS = {8: "gtin8", 12: "gtin12", 13: "gtin13", 14: "gtin14"}


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (weights 3,1,3,… from the right)."""
    if not body.isdigit():
        raise ValidationError(f"{body!r} is not all digits")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (code.isdigit() and len(code) in GTIN_KINDS
            and gs1_check_digit(code[:-1]) == int(code[-1]))


def with_check_digit(body: str) -> str:
    return body + str(gs1_check_digit(body))


def classify_barcode(code: str) -> str:
    """'gtin8'…'gtin14' for a valid GTIN, 'other' for a non-numeric code; a numeric code of a
    GTIN length with a wrong check digit is refused, since it is almost always a typo."""
    if code.isdigit() and len(code) in GTIN_KINDS:
        if not is_valid_gtin(code):
            expected = gs1_check_digit(code[:-1])
            raise ValidationError(
                f"{code} is not a valid GTIN-{len(code)}: check digit should be {expected}")
        return GTIN_KINDS[len(code)]
    return "other"


def sscc(company_prefix: str, serial: int, extension: int = 0) -> str:
    """An 18-digit SSCC: extension digit, GS1 company prefix, serial reference, check digit."""
    serial_len = 16 - len(company_prefix)
    if serial_len < 1 or serial >= 10 ** serial_len:
        raise ValidationError(f"serial {serial} does not fit prefix {company_prefix}")
    return with_check_digit(f"{extension}{company_prefix}{serial:0{serial_len}d}")


def gsin(company_prefix: str, serial: int) -> str:
    """A 17-digit Global Shipment Identification Number (GS1 AI 402), used as the bill of
    lading number: GS1 company prefix, shipper reference, check digit."""
    serial_len = 16 - len(company_prefix)
    if serial_len < 1 or serial >= 10 ** serial_len:
        raise ValidationError(f"serial {serial} does not fit prefix {company_prefix}")
    return with_check_digit(f"{company_prefix}{serial:0{serial_len}d}")
