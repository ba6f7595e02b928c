"""A parcel never goes out at 0 g: a weight typed or weighed must be positive, and a package
whose products have no weight on file must be weighed before it is closed."""

import pytest
import sqlalchemy as sa

from oms_desktop.errors import ValidationError
from oms_desktop.model import Product
from oms_desktop.services.floor import packing
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.integration.test_packing import PACKER


@pytest.fixture
def unweighed_mug(db):
    """A shipment of one mug whose weight nobody recorded, every unit scanned."""
    small_world(db)
    with db.uow() as uow:
        uow.session.execute(sa.update(Product).where(Product.sku == "SKU-1")
                            .values(weight_g=0))
        uow.commit()
    stock_up(db, {("SKU-1", "WH1-A-01"): 5})
    _, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    packing.open_shipment(db, actor=PACKER, value=f"SHP-{sid}")
    assert packing.scan_item(db, actor=PACKER, shipment_id=sid, value="SKU-1").ok
    return db, sid


@pytest.mark.parametrize("weight, refusal", [(0, "must be positive"), (-5, "must be positive"),
                                             (None, "has no weight")])
def test_a_package_of_no_weight_is_refused_and_stays_open(unweighed_mug, weight, refusal):
    db, sid = unweighed_mug
    with pytest.raises(ValidationError, match=refusal):
        packing.complete(db, actor=PACKER, shipment_id=sid, weight_g=weight)
    assert packing.view(db, sid).status != "packed"


def test_the_weighed_package_is_packed(unweighed_mug):
    db, sid = unweighed_mug
    view = packing.complete(db, actor=PACKER, shipment_id=sid, weight_g=420)
    assert (view.status, view.packages[0].weight_g) == ("packed", 420)
