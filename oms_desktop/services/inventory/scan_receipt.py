"""Opening stock by scanning, the set-up's other way beside a file: scan a bin, scan a
product (its SKU or any barcode), give the quantity. Each receipt carries the station's key
for that one scan, so a scan sent twice (a double Enter, a retry) is received once."""

from __future__ import annotations

from dataclasses import dataclass

from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, LocationKind
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory import stock
from oms_desktop.services.lookup import location_by_code, product_by_code
from oms_desktop.storage import Database

MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class ScannedBin:
    code: str
    name: str


@dataclass(frozen=True)
class ScannedReceipt:
    sku: str
    name: str
    bin: str
    quantity: int
    on_hand: int  # in this bin, after the receipt


def scanned_bin(db: Database, code: str) -> ScannedBin:
    """The bin a scan names; anything else (a site, a product) is refused in one line."""
    with db.uow(readonly=True) as uow:
        location = location_by_code(uow.session, code.strip())
        if location.kind != LocationKind.bin:
            raise ValidationError(f"{location.code} is a {location.kind.value}, not a bin: "
                                  "scan the bin's label")
        return ScannedBin(location.code, location.name)


def receive_scanned(db: Database, *, actor: Actor, bin: str, code: str, quantity: int,
                    request_id: str | None = None) -> ScannedReceipt:
    """Receive `quantity` of the product scanned into the bin scanned, as opening stock."""
    require(actor, "stock.receive")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(f"A quantity is 1 to {MAX_QUANTITY:,}, not {quantity}")
    scanned_bin(db, bin)
    with db.uow(readonly=True) as uow:
        product = product_by_code(uow.session, code.strip())
        sku, name = product.sku, product.name
    row = stock.receive(db, actor=actor, sku=sku, location=bin.strip(), quantity=quantity,
                        reference="opening stock (scanned)", request_id=request_id)
    return ScannedReceipt(sku, name, bin.strip(), quantity, row.on_hand)
