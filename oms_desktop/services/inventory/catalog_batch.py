"""A whole file of products checked and written at once: the products, barcodes and kit
components the file names are read up front, every row is judged against them (and against
the rows before it), then new products, their barcodes and components are inserted in bulk
and the changed ones updated. A first catalogue of 10,000 products takes seconds, not the
minutes one ORM round trip per row would."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import KitComponent, Product, ProductBarcode
from oms_desktop.model.catalog import BarcodeKind
from oms_desktop.policies.barcodes import classify_barcode
from oms_desktop.services.inventory.catalog import ProductFacts

CHUNK = 500
PRODUCTS, BARCODES, KITS = Product.__table__, ProductBarcode.__table__, KitComponent.__table__
NEW_DEFAULTS = dict(weight_g=0, length_mm=0, width_mm=0, height_mm=0, is_kit=False,
                    hazmat=False, oversize=False, active=True, needs_review=False)


class CatalogueBatch:
    """`judge(facts)` raises ValidationError for a row that cannot be taken and remembers the
    others; `write()` then saves what was judged, and says how many were created, updated
    and unchanged."""

    def __init__(self, session: Session, facts: Iterable[ProductFacts]):
        self.s = session
        facts = list(facts)
        self.existing = self._load(facts)
        codes = {c for f in facts for c in f.barcodes}
        self.owners = dict(self._rows(sa.select(ProductBarcode.code, Product.sku)
                                      .join(Product), ProductBarcode.code, codes))
        self.new: dict[str, ProductFacts] = {}
        self.changes: list[tuple[Product, dict, list[str], dict | None]] = []
        self.unchanged = 0

    def _rows(self, query, column, values) -> list:
        values = sorted(values)
        return [row for i in range(0, len(values), CHUNK)
                for row in self.s.execute(query.where(column.in_(values[i:i + CHUNK])))]

    def _load(self, facts: list[ProductFacts]) -> dict[str, Product]:
        skus = {f.sku for f in facts} | {c for f in facts for c in f.components or ()}
        found = {}
        for i in range(0, len(sorted(skus)), CHUNK):
            part = sorted(skus)[i:i + CHUNK]
            found.update((p.sku, p) for p in self.s.scalars(
                sa.select(Product).where(Product.sku.in_(part))))
        return found

    # -- judging ----------------------------------------------------------------------------------
    def judge(self, f: ProductFacts) -> None:
        if not f.sku or len(f.sku) > 64:
            raise ValidationError("A SKU must be 1 to 64 characters")
        codes = self._codes(f)
        self._kit(f)
        product = self.existing.get(f.sku)
        if product is None:
            if not f.name:
                raise ValidationError(f"New product {f.sku} needs a name")
            self.new[f.sku] = f
        else:
            changed = {k: v for k, v in f.fields().items() if getattr(product, k) != v}
            kit = f.components if f.components is not None and f.components != {
                c.component.sku: c.quantity for c in product.components} else None
            if changed or codes or kit is not None:
                self.changes.append((product, changed, codes, kit))
            else:
                self.unchanged += 1
        for code in codes:
            self.owners[code] = f.sku

    def _codes(self, f: ProductFacts) -> list[str]:
        fresh = []
        for code in dict.fromkeys(f.barcodes):
            classify_barcode(code)
            owner = self.owners.get(code)
            if owner is not None and owner != f.sku:
                raise ValidationError(f"Barcode {code} belongs to {owner} already")
            if owner is None:
                fresh.append(code)
        return fresh

    def _kit(self, f: ProductFacts) -> None:
        for sku, qty in (f.components or {}).items():
            if sku == f.sku:
                raise ValidationError(f"Kit {sku} cannot contain itself")
            if qty < 1:
                raise ValidationError(f"Kit component {sku} needs a quantity of 1 or more")
            if sku not in self.existing and sku not in self.new:
                raise ValidationError(f"Kit component {sku} is not in the catalogue")

    # -- writing ----------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        ids = {sku: p.id for sku, p in self.existing.items()}
        ids.update(self._insert_products())
        for product, changed, _, kit in self.changes:
            for name, value in changed.items():
                setattr(product, name, value)
            if kit is not None:
                product.is_kit = bool(kit)
        self.s.flush()
        self._insert_barcodes(ids)
        self._replace_kits(ids)
        return {"created": len(self.new), "updated": len(self.changes),
                "unchanged": self.unchanged}

    def _insert_products(self) -> dict[str, int]:
        if not self.new:
            return {}
        rows = [{**NEW_DEFAULTS, "sku": f.sku, "is_kit": bool(f.components), **f.fields()}
                for f in self.new.values()]
        keys = sorted({k for r in rows for k in r})
        rows = [{k: r.get(k) for k in keys} for r in rows]
        done = self.s.execute(sa.insert(PRODUCTS).returning(PRODUCTS.c.sku, PRODUCTS.c.id),
                              rows)
        return dict(done.all())

    def _insert_barcodes(self, ids: dict[str, int]) -> None:
        wanted = [(sku, f.barcodes) for sku, f in self.new.items()]
        wanted += [(p.sku, codes) for p, _, codes, _ in self.changes]
        rows = [{"product_id": ids[sku], "code": code,
                 "kind": BarcodeKind(classify_barcode(code))}
                for sku, codes in wanted for code in dict.fromkeys(codes)
                if self.owners.get(code) == sku]
        if rows:
            self.s.execute(sa.insert(BARCODES), rows)

    def _replace_kits(self, ids: dict[str, int]) -> None:
        kits = {sku: f.components for sku, f in self.new.items() if f.components}
        kits.update({p.sku: kit for p, _, _, kit in self.changes if kit is not None})
        if not kits:
            return
        self.s.execute(sa.delete(KITS).where(KITS.c.kit_id.in_([ids[k] for k in kits])))
        self.s.execute(sa.insert(KITS), [
            {"kit_id": ids[kit], "component_id": ids[part], "quantity": qty}
            for kit, parts in kits.items() for part, qty in parts.items()])
        self.s.expire_all()
