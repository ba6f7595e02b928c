"""Floor and shipping seeds for the races: assigned shipments, pick lists, opened packs."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Package, PickList, PickListSlot, ScanEvent, ScanResult
from oms_desktop.services.floor import packing, picking
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up

MUG = "4006381333931"


def floor_world(db) -> None:
    small_world(db)
    stock_up(db, {("SKU-1", "WH1-A-01"): 100, ("SKU-2", "WH1-A-02"): 100})


def shipments(db, count: int, units: int = 1) -> list[int]:
    return [assigned_shipment(db, {"SKU-1": units}, bins={"SKU-1": "WH1-A-01"})[1]
            for _ in range(count)]


def two_line_list(db) -> tuple[int, list[int]]:
    """A pick list over one shipment of SKU-1 (bin A-01) and SKU-2 (bin A-02): its id and
    its line ids in walk order."""
    _, sid = assigned_shipment(db, {"SKU-1": 1, "SKU-2": 1},
                               bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"})
    view = picking.create_for_shipments(db, actor=SYSTEM, shipment_ids=[sid])
    return view.id, [line.id for line in view.lines]


def confirmed_list(db) -> int:
    """A single-order list of one unit of SKU-1 whose bin has been scanned."""
    [sid] = shipments(db, 1)
    pl = picking.create_for_shipments(db, actor=SYSTEM, shipment_ids=[sid]).id
    for value in (f"PL-{pl}", "WH1-A-01"):
        assert picking.scan(db, actor=SYSTEM, pick_list_id=pl, value=value).ok
    return pl


def opened(db, units: int, scanned: int = 0) -> int:
    [sid] = shipments(db, 1, units)
    packing.open_shipment(db, actor=SYSTEM, value=f"SHP-{sid}")
    for _ in range(scanned):
        assert packing.scan_item(db, actor=SYSTEM, shipment_id=sid, value=MUG).ok
    return sid


def count_rows(db, entity, *where) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(entity).where(*where))


def packages(db, shipment_id: int) -> int:
    return count_rows(db, Package, Package.shipment_id == shipment_id)


def good_pack_scans(db, shipment_id: int) -> int:
    return count_rows(db, ScanEvent, ScanEvent.shipment_id == shipment_id,
                      ScanEvent.context == "pack", ScanEvent.result == ScanResult.ok,
                      ScanEvent.shipment_line_id.is_not(None), ScanEvent.undone.is_(False))


def lists_of(db, shipment_id: int) -> int:
    return count_rows(db, PickListSlot, PickListSlot.shipment_id == shipment_id)


def pick_lists(db) -> int:
    return count_rows(db, PickList)
