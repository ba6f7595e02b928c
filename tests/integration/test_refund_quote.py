"""The refund quoted before Ctrl+R is confirmed: the amount the refund then makes, and where
it is paid: by the channel's connector where it takes refunds, else recorded as paid outside
(nothing queued for a connector that would refuse it)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.errors import ValidationError
from oms_desktop.model import Channel, ChannelOutbox
from oms_desktop.services.returns.refunds import issue_refund, quote, takes_refunds
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.integration.test_refund_money import SUPERVISOR, _returned
from tests.returns_fixtures import priced_order

TWO_MUGS = [("SKU-1", 2, "20.00", "0.00", "4.00")]


def _world(db, channel_kind: str) -> int:
    small_world(db)
    with db.uow() as uow:
        uow.session.execute(sa.update(Channel).where(Channel.code == "WEB")
                            .values(kind=channel_kind))
        uow.commit()
    return priced_order(db, TWO_MUGS, shipping="5.00")


def _queued(db) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count(ChannelOutbox.id))
                                  .where(ChannelOutbox.kind == "refund"))


def test_a_channel_that_takes_refunds_is_quoted_and_paid_there(db):
    order_id = _world(db, "shopify")
    rma = _returned(db, order_id, 1)
    quoted = quote(db, rma)
    assert (quoted.at_channel, quoted.channel, quoted.currency) == (True, "Web shop", "USD")
    refund = issue_refund(db, actor=SUPERVISOR, rma=rma)
    assert refund.amount == quoted.money.total == Decimal("22.00")
    assert refund.status == "approved" and _queued(db) == 1


@pytest.mark.parametrize("kind", ["manual", "amazon"])
def test_a_channel_that_takes_no_refunds_from_us_is_recorded_as_paid_outside(db, kind):
    order_id = _world(db, kind)
    rma = _returned(db, order_id, 2)
    quoted = quote(db, rma)
    assert quoted.at_channel is False and not takes_refunds(kind)
    refund = issue_refund(db, actor=SUPERVISOR, rma=rma)
    assert (refund.status, refund.amount) == ("issued_outside", quoted.money.total)
    assert _queued(db) == 0  # no push that the connector would refuse eight times


def test_no_quote_before_the_intake_is_finished(db):
    order_id = _world(db, "shopify")
    rma = create_rma(db, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "defective")]).rma_number
    with pytest.raises(ValidationError, match="finish the intake"):
        quote(db, rma)
