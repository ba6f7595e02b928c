"""Words for people: counts with the right plural ('1 unit', '2 units', never '1 units' or
'unit(s)'), and stored names (`order_imported`, `changed_mind`) as people say them."""

from __future__ import annotations

IRREGULAR = {"box": "boxes"}
# stored words whose plain reading is not just the word in lower case
SPELLED = {"rma": "RMA", "sku": "SKU", "gtin": "GTIN", "3pl": "3PL", "po": "PO"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {many or IRREGULAR.get(noun) or noun + 's'}"


def human(name: str) -> str:
    """'order_imported' → 'Order imported', 'add_tag' → 'Add tag', 'rma_created' → 'RMA
    created'."""
    words = [SPELLED.get(w, w) for w in str(name).replace("-", "_").split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
