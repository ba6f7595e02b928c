"""Returns meet the other areas: a prepaid label from the carrier plugin, and a refund
pushed to the channel the order came from."""

from decimal import Decimal

import pypdfium2
import sqlalchemy as sa
import zxingcpp

from oms_desktop.model import Actor, Refund, Role
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services import settings
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.labels import buy_return_label
from oms_desktop.services.returns.rmas import RequestedLine, create_rma, find_rma
from tests.connectors.conftest import memory_keyring, shopify  # noqa: F401 - fixtures
from tests.factories import small_world
from tests.returns_fixtures import returned_shopify_unit, shipped_order

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
    code, rma = returned_shopify_unit(db, shopify)

    refund = issue_refund(db, actor=SUPERVISOR, rma=rma)
    assert refund.status == "approved"  # queued for the channel

    sent = channel_push.drain_outbox(db, code=code)

    assert sent.sent == 1 and len(shopify.refunds) == 1
    with db.uow(readonly=True) as uow:
        assert uow.session.scalars(sa.select(Refund.status)).one() == "issued"
    assert Decimal(refund.amount) == Decimal("10.00")  # the emulator's lines carry no tax
