"""A product the program does not know, on an incoming order: it is made from the order's
line (SKU, name, price) and flagged for review, so the order is never dropped nor stuck.
Its weight and size are not known yet; `catalogue review` lists it until someone checks it,
and the store's catalogue, when it describes the SKU, completes it and clears the flag."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import Channel, Product
from oms_desktop.storage.concurrency import insert_unless_there

NOTE_MAX = 255


def products_from_lines(session: Session, channel: Channel, dtos: Iterable,
                        known: dict[str, int]) -> dict[str, int]:
    """{sku: product id} of the products made for the SKUs of `dtos` not in `known`; two
    stations syncing the same new SKU at once make it once."""
    firsts: dict[str, tuple] = {}
    for dto in dtos:
        for line in dto.lines_to_ship:
            if line.sku and line.sku not in known and line.sku not in firsts:
                firsts[line.sku] = (line, dto.number)
    for sku, (line, number) in firsts.items():
        note = f"Made from order {number} on {channel.code}: check weight, size and barcode"
        insert_unless_there(session, Product.__table__, ["sku"], sku=sku,
                            name=(line.name or sku)[:255], price=line.unit_price,
                            needs_review=True, review_note=note[:NOTE_MAX], weight_g=0,
                            length_mm=0, width_mm=0, height_mm=0, is_kit=False, hazmat=False,
                            oversize=False, active=True)
    if not firsts:
        return {}
    return dict(session.execute(sa.select(Product.sku, Product.id)
                                .where(Product.sku.in_(list(firsts)))).all())
