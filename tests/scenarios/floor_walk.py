"""Walking shipments across the floor as a picker and a packer do, one scan at a time through
the services the screens call (bins, then items; items at the pack station, then complete)."""

from oms_desktop.services.floor import packing, picking

SCAN_AT_MOST = 10  # the pack station's quantity limit without a supervisor


def pick_all(db, actor, pick_list_id: int):
    """Scan the list, then every line: its bin, then its item times what is left."""
    view = picking.scan(db, actor=actor, pick_list_id=pick_list_id,
                        value=f"PL-{pick_list_id}").view
    while view.current is not None:
        line = view.current
        answer = picking.scan(db, actor=actor, pick_list_id=pick_list_id, value=line.bin)
        assert answer.ok, answer.message
        answer = picking.scan(db, actor=actor, pick_list_id=pick_list_id, value=line.sku,
                              quantity=line.remaining)
        assert answer.ok, answer.message
        view = answer.view
    return view


def pack_all(db, actor, shipment_id: int, *, box: str | None = None, weight_g=None):
    """Open the shipment by its barcode, scan every unit (a kit's parts one by one), complete."""
    view = packing.open_shipment(db, actor=actor, value=f"SHP-{shipment_id}")
    for line in view.lines:
        wanted = ([(p.sku, p.needed - p.scanned) for p in line.parts] if line.parts
                  else [(line.sku, line.quantity - line.packed)])
        for sku, left in wanted:
            while left > 0:
                n = min(left, SCAN_AT_MOST)
                answer = packing.scan_item(db, actor=actor, shipment_id=shipment_id, value=sku,
                                           quantity=n)
                assert answer.ok, answer.message
                left -= n
    return packing.complete(db, actor=actor, shipment_id=shipment_id, weight_g=weight_g,
                            box_code=box)
