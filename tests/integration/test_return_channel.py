"""Returns meet the other areas: a prepaid label from the carrier plugin, and a refund
pushed to the channel the order came from."""

from decimal import Decimal

import pypdfium2
import sqlalchemy as sa
import zxingcpp

from oms_desktop.model import SYSTEM, Actor, Order, Refund, Role
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services import settings
from oms_desktop.services.channels import sync
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.labels import buy_return_label
from oms_desktop.services.returns.rmas import RequestedLine, create_rma, find_rma
from tests.connectors.conftest import (  # noqa: F401 - fixtures
    add_shopify_channel, memory_keyring, shopify,
)
from tests.factories import small_world
from tests.returns_fixtures import ship_everything, shipped_order

SUPERVISOR = Actor("sam", Role.supervisor)


def test_a_prepaid_return_label_is_bought_and_its_parcel_finds_the_rma(db):
    small_world(db)
    with db.uow() as uow:
        settings.put(uow.session, "carrier.manual", {"services": [
            {"service": "Returns", "amount": "3.10", "days": 3}]})
        uow.commit()
    order_id = shipped_order(db, {"SKU-1": 1})
    rma = create_rma(db, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "defective")])

    label = buy_return_label(db, actor=SUPERVISOR, rma=rma.rma_number)

    image = pypdfium2.PdfDocument(label.content)[0].render(scale=203 / 72).to_pil()
    assert label.tracking_number in [r.text for r in zxingcpp.read_barcodes(image)]
    # At the bench, the parcel's label is enough to find the RMA.
    assert find_rma(db, label.tracking_number).rma_number == rma.rma_number


def test_a_refund_for_a_shopify_order_is_pushed_to_shopify(db, shopify, memory_keyring):
    small_world(db)
    code = add_shopify_channel(db, shopify)
    shopify.add_order(lines=[("SKU-1", 1, "40.00"), ("SKU-2", 2, "10.00")])
    sync.sync_orders(db, actor=SYSTEM, code=code)
    with db.uow() as uow:
        order = uow.session.scalars(sa.select(Order)).one()
        order.verify(by=SYSTEM)
        uow.commit()
    ship_everything(db, order.id)
    rma = create_rma(db, actor=SUPERVISOR, order=order.id,
                     lines=[RequestedLine("SKU-2", 1, "defective")])
    receive_unit(db, actor=SUPERVISOR, rma=rma.rma_number, code="SKU-2",
                 condition="defective", disposition="return_to_vendor", location="WH1")
    finish_intake(db, actor=SUPERVISOR, rma=rma.rma_number)

    refund = issue_refund(db, actor=SUPERVISOR, rma=rma.rma_number)
    assert refund.status == "approved"  # queued for the channel

    sent = channel_push.drain_outbox(db, code=code)

    assert sent.sent == 1 and len(shopify.refunds) == 1
    with db.uow(readonly=True) as uow:
        assert uow.session.scalars(sa.select(Refund.status)).one() == "issued"
    assert Decimal(refund.amount) == Decimal("10.00")  # the emulator's lines carry no tax
