"""The pack station's rule for one scan: which line it ticks, or why it is refused (a wrong
item, one too many, an unreadable or unknown barcode, a quantity above the limit). Pure: the
service looks up the product and the limit, applies the verdict and records the scan."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from oms_desktop.policies.scan import Scan


class Outcome(enum.StrEnum):
    ok = "ok"
    wrong_item = "wrong_item"
    over_scan = "over_scan"
    not_found = "not_found"
    invalid = "invalid"
    refused = "refused"


@dataclass
class Need:
    """What one (shipment line, product) still takes: a plain line or one kit component."""

    line_id: int
    product_id: int
    sku: str
    per_unit: int
    line_quantity: int
    kit: str | None = None  # the kit's SKU when this is one of its components
    scanned: int = 0

    @property
    def needed(self) -> int:
        return self.line_quantity * self.per_unit

    @property
    def left(self) -> int:
        return self.needed - self.scanned


@dataclass(frozen=True)
class ScannedProduct:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    message: str
    product_id: int | None = None
    line_id: int | None = None
    units: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.ok


def expected(needs: list[Need]) -> str:
    left = [f"{n.left} x {n.sku}" + (f" (for {n.kit})" if n.kit else "")
            for n in needs if n.left > 0]
    return "expected " + ", ".join(left) if left else "everything is packed"


def judge(needs: list[Need], scan: Scan, product: ScannedProduct | None, *, quantity: int = 1,
          limit: int, refused: str | None = None) -> Verdict:
    """The verdict on `scan` (times `quantity` from the quantity key). `refused` is why the
    shipment cannot be packed at all, if it cannot."""
    if refused:
        return Verdict(Outcome.refused, refused)
    if not scan.ok:
        return Verdict(Outcome.invalid, f"Unreadable: {scan.error}; {expected(needs)}")
    if quantity > 1 and quantity > limit:
        return Verdict(Outcome.refused, f"Quantity {quantity} is above the limit of {limit}")
    if product is None:
        return Verdict(Outcome.not_found, f"Unknown barcode {scan.value}: {expected(needs)}")
    return _against_lines(needs, product, scan.quantity * quantity)


def _against_lines(needs: list[Need], product: ScannedProduct, units: int) -> Verdict:
    mine = [n for n in needs if n.product_id == product.id]
    if not mine:
        return Verdict(Outcome.wrong_item, f"Wrong item {product.sku} ({product.name}): "
                                           f"{expected(needs)}", product.id)
    target = next((n for n in mine if n.left >= units), None)
    if target is None:
        left = sum(n.left for n in mine)
        return Verdict(Outcome.over_scan, f"One too many: {units} x {product.sku} scanned, "
                                          f"{left} left to pack; {expected(needs)}", product.id)
    done = sum(n.left for n in needs) == units
    return Verdict(Outcome.ok, f"{product.sku} ✓ {target.scanned + units}/{target.needed}"
                               + (" — complete" if done else ""), product.id, target.line_id,
                   units)


def apply(needs: list[Need], verdict: Verdict) -> None:
    """Count a good verdict's units on the line it ticked."""
    target = next(n for n in needs if n.line_id == verdict.line_id
                  and n.product_id == verdict.product_id and n.left >= verdict.units)
    target.scanned += verdict.units
