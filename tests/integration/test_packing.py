import pytest

from oms_desktop.errors import NotFound, PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import packing
from oms_desktop.services.floor import picking
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up

PACKER = Actor("pat", Role.packer, station="PACK-1")
BOSS = Actor("sam", Role.supervisor)
MUG, SPOON = "4006381333931", "036000291452"


@pytest.fixture
def floor(db):
    small_world(db)
    stock_up(db, {("SKU-1", "WH1-A-01"): 20, ("SKU-2", "WH1-A-02"): 40,
                  ("KIT-1", "WH1-A-03"): 5})
    return db


def _scan(db, shipment_id, value, quantity=1):
    return packing.scan_item(db, actor=PACKER, shipment_id=shipment_id, value=value,
                             quantity=quantity)


def test_opening_by_order_number_shows_the_lines_as_a_checklist(floor):
    order_id, shipment_id = assigned_shipment(floor, {"SKU-1": 2, "SKU-2": 1},
                                              bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"},
                                              number="WEB-777")
    for ref in ("WEB-777", f"ORD-{order_id}", f"SHP-{shipment_id}"):
        view = packing.open_shipment(floor, actor=PACKER, value=ref)
        assert view.shipment_id == shipment_id
    assert [(l.sku, l.quantity, l.packed) for l in view.lines] == [("SKU-1", 2, 0),
                                                                   ("SKU-2", 1, 0)]


def test_good_scans_tick_units_and_complete_packs_the_shipment(floor):
    order_id, sid = assigned_shipment(floor, {"SKU-1": 2, "SKU-2": 1},
                                      bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"})
    packing.open_shipment(floor, actor=PACKER, value=f"SHP-{sid}")
    assert _scan(floor, sid, MUG).message == "SKU-1 ✓ 1/2"
    assert _scan(floor, sid, "SKU-1").ok
    last = _scan(floor, sid, SPOON)
    assert last.view.complete and last.message.endswith("complete")
    view = packing.complete(floor, actor=PACKER, shipment_id=sid, weight_g=800, box_code="S")
    assert view.status == "packed"
    assert view.packages[0].contents == {"SKU-1": 2, "SKU-2": 1}
    assert view.packages[0].weight_g == 800
    [shipment] = orders.get_order(floor, order_id).shipments
    assert shipment.status == "packed"


def test_a_wrong_item_is_refused_with_what_was_expected_and_nothing_packed(floor):
    _, sid = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    feedback = _scan(floor, sid, SPOON)
    assert not feedback.ok and feedback.result == "wrong_item"
    assert feedback.message == "Wrong item SKU-2 (Camp spoon): expected 1 x SKU-1"
    assert feedback.view.lines[0].packed == 0
    assert _scan(floor, sid, "NOPE").result == "not_found"


def test_one_too_many_is_refused(floor):
    _, sid = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    _scan(floor, sid, MUG)
    over = _scan(floor, sid, MUG)
    assert over.result == "over_scan" and "0 left to pack" in over.message
    assert over.view.lines[0].packed == 1


def test_a_kit_needs_each_of_its_components_scanned(floor):
    _, sid = assigned_shipment(floor, {"KIT-1": 1}, bins={"KIT-1": "WH1-A-03"})
    _scan(floor, sid, MUG)
    mid = _scan(floor, sid, SPOON)
    assert mid.view.lines[0].packed == 0
    assert _scan(floor, sid, MUG).message.endswith("expected 1 x SKU-2 (for KIT-1)")
    assert [(p.sku, p.needed, p.scanned) for p in mid.view.lines[0].parts] == [
        ("SKU-1", 1, 1), ("SKU-2", 2, 1)]
    assert _scan(floor, sid, SPOON).view.lines[0].packed == 1


def test_the_quantity_key_is_limited_by_the_supervisors_setting(floor):
    _, sid = assigned_shipment(floor, {"SKU-2": 30}, bins={"SKU-2": "WH1-A-02"})
    assert _scan(floor, sid, SPOON, quantity=12).result == "refused"
    with pytest.raises(PermissionDenied):
        packing.set_quantity_limit(floor, actor=PACKER, limit=50)
    packing.set_quantity_limit(floor, actor=BOSS, limit=50)
    assert _scan(floor, sid, SPOON, quantity=30).view.complete


def test_a_gs1_count_counts_that_many_units(floor):
    _, sid = assigned_shipment(floor, {"SKU-2": 6}, bins={"SKU-2": "WH1-A-02"})
    assert _scan(floor, sid, "]C10100036000291452\x1d306").view.complete


def test_undo_takes_back_the_last_good_scan(floor):
    _, sid = assigned_shipment(floor, {"SKU-1": 2}, bins={"SKU-1": "WH1-A-01"})
    _scan(floor, sid, MUG)
    _scan(floor, sid, SPOON)  # refused: not undoable
    undone = packing.undo_last(floor, actor=PACKER, shipment_id=sid)
    assert undone.message == "Undone: 1 x SKU-1" and undone.view.lines[0].packed == 0
    with pytest.raises(ValidationError, match="Nothing to undo"):
        packing.undo_last(floor, actor=PACKER, shipment_id=sid)


def test_several_packages_keep_their_own_contents(floor):
    _, sid = assigned_shipment(floor, {"SKU-1": 2}, bins={"SKU-1": "WH1-A-01"})
    with pytest.raises(ValidationError, match="empty"):
        packing.new_package(floor, actor=PACKER, shipment_id=sid)
    _scan(floor, sid, MUG)
    view = packing.new_package(floor, actor=PACKER, shipment_id=sid, weight_g=400)
    assert view.current_package == 2
    _scan(floor, sid, MUG)
    done = packing.complete(floor, actor=PACKER, shipment_id=sid, weight_g=410)
    assert [(p.number, p.contents, p.weight_g) for p in done.packages] == [
        (1, {"SKU-1": 1}, 400), (2, {"SKU-1": 1}, 410)]


def test_completing_with_units_left_is_refused(floor):
    _, sid = assigned_shipment(floor, {"SKU-1": 2}, bins={"SKU-1": "WH1-A-01"})
    _scan(floor, sid, MUG)
    with pytest.raises(ValidationError, match="1 unit still to scan: expected 1 x SKU-1"):
        packing.complete(floor, actor=PACKER, shipment_id=sid)


def test_a_tote_or_pick_list_slot_opens_its_shipment(floor):
    o1, s1 = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    o2, s2 = assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "WH1-A-02"})
    pl = picking.create_for_orders(floor, actor=PACKER, orders=[str(o1), str(o2)])
    assert packing.open_shipment(floor, actor=PACKER, value="TOTE-2").shipment_id == s2
    assert packing.open_shipment(floor, actor=PACKER, value=f"PL-{pl.id}-1").shipment_id == s1
    with pytest.raises(NotFound):
        packing.open_shipment(floor, actor=PACKER, value="TOTE-9")


def test_every_scan_is_in_the_orders_scan_trail(floor):
    order_id, sid = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    packing.open_shipment(floor, actor=PACKER, value=f"ORD-{order_id}")
    _scan(floor, sid, SPOON)
    _scan(floor, sid, MUG)
    trail = packing.scan_trail(floor, str(order_id))
    assert [(r.value, r.result, r.actor, r.station) for r in trail] == [
        (f"ORD-{order_id}", "ok", "pat", "PACK-1"), (SPOON, "wrong_item", "pat", "PACK-1"),
        (MUG, "ok", "pat", "PACK-1")]


def test_the_packing_slip_carries_a_scannable_order_barcode_and_return_instructions(floor):
    import pypdfium2
    import zxingcpp

    from oms_desktop.services.floor import pack_documents

    order_id, sid = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    _scan(floor, sid, MUG)
    packing.complete(floor, actor=PACKER, shipment_id=sid)
    _number, slip = pack_documents.packing_slip_pdf(floor, sid, page="Letter")
    pdf = pypdfium2.PdfDocument(slip)
    image = pdf[0].render(scale=203 / 72, grayscale=True).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [f"ORD-{order_id}"]
    text = pdf[0].get_textpage().get_text_range()
    assert "Returns" in text and "Trail mug" in text and "Ada Lovelace" in text
