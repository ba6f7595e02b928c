"""Writing X12 interchanges: ISA/GS/ST … SE/GE/IEA with every count and control number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ELEMENT, COMPONENT, SEGMENT = "*", ">", "~"
VERSION = "004010"
FUNCTIONAL_ID = {"850": "PO", "855": "PR", "856": "SH", "810": "IN", "997": "FA"}
_SEPARATORS = (ELEMENT, COMPONENT, SEGMENT, "\n", "\r")


@dataclass(frozen=True)
class Party:
    qualifier: str  # ISA05/ISA07, e.g. ZZ (mutually defined), 01 (DUNS), 12 (phone)
    isa_id: str     # up to 15 characters
    gs_id: str      # GS02/GS03 application code


def text(value: object, limit: int | None = None) -> str:
    """Free text made safe for an element: separators become spaces, trimmed to `limit`."""
    out = str(value or "")
    for sep in _SEPARATORS:
        out = out.replace(sep, " ")
    out = " ".join(out.split())
    return out[:limit] if limit else out


def segment(tag: str, *elements: object) -> str:
    """One segment; trailing empty elements dropped. A separator inside a value is refused."""
    values = ["" if e is None else str(e) for e in elements]
    for v in values:
        if any(sep in v for sep in _SEPARATORS):
            raise ValueError(f"X12 {tag}: the value {v!r} contains a separator")
    while values and values[-1] == "":
        values.pop()
    return ELEMENT.join([tag, *values])


def _fixed(value: str, width: int) -> str:
    if len(value) > width:
        raise ValueError(f"ISA field {value!r} is longer than {width}")
    return value.ljust(width)


def interchange(*, sender: Party, receiver: Party, control: int, at: datetime, kind: str,
                transactions: list[list[str]], test: bool = False) -> str:
    """One interchange with one functional group of `kind` holding the given transaction
    bodies (segments between ST and SE); returns the whole text, one segment a line."""
    if not 0 < control < 10 ** 9:
        raise ValueError(f"interchange control number {control} out of range")
    isa = segment("ISA", "00", " " * 10, "00", " " * 10, sender.qualifier,
                  _fixed(sender.isa_id, 15), receiver.qualifier, _fixed(receiver.isa_id, 15),
                  at.strftime("%y%m%d"), at.strftime("%H%M"), "U", "00401",
                  f"{control:09d}", "0", "T" if test else "P") + ELEMENT + COMPONENT
    out = [isa, segment("GS", FUNCTIONAL_ID[kind], sender.gs_id, receiver.gs_id,
                        at.strftime("%Y%m%d"), at.strftime("%H%M"), control, "X", VERSION)]
    for n, body in enumerate(transactions, 1):
        st = f"{n:04d}"
        out += [segment("ST", kind, st), *body, segment("SE", len(body) + 2, st)]
    out += [segment("GE", len(transactions), control), segment("IEA", 1, f"{control:09d}")]
    return "".join(s + SEGMENT + "\n" for s in out)
