"""The proofs every marketplace connector gives, on SQLite and PostgreSQL, against its
emulator: first sync, unchanged re-sync, edit, cancellation, a malformed order kept aside,
auth failure, an access token expiring mid-sync, a storm of 429s, tracking pushed back, available-to-sell pushed. (A sync killed
mid-way: tests/integration/test_sync_killed_marketplaces.py.)"""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Order, OrderLine, OrderStatus, Shipment
from oms_desktop.services import events, messagebus
from oms_desktop.services.channels import inventory_push, push, sync
from tests.connectors.marketplaces import PLATFORMS, add_channel
from tests.integration.test_sync_push import _start_shipment, receive, reserve, set_buffer

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=sorted(PLATFORMS))
def platform(request):
    p = PLATFORMS[request.param]()
    yield p
    p.stop()


def run(db, platform, code, **kw):
    return sync.sync_orders(db, actor=SYSTEM, code=code, connector=platform.connector(), **kw)


def orders_in(db) -> dict[str, Order]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.scalars(sa.select(Order)).all()
        uow.session.expunge_all()
        return {o.external_id: o for o in rows}


def lines_of(db, external_id: str) -> list[tuple[str, int]]:
    with db.uow(readonly=True) as uow:
        return [tuple(r) for r in uow.session.execute(
            sa.select(OrderLine.sku, OrderLine.quantity).join(Order)
            .where(Order.external_id == external_id).order_by(OrderLine.line_no))]


def test_first_sync_takes_every_order_once_and_a_re_sync_changes_nothing(world, platform,
                                                                          memory_keyring):
    for i in range(25):
        platform.add_order([("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")],
                           at=T0 + timedelta(minutes=i))
    code = add_channel(world, platform)
    first = run(world, platform, code)
    assert (first.status, first.fetched, first.created, first.failed) == ("ok", 25, 25, 0)
    again = run(world, platform, code, full=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 25)
    orders = orders_in(world)
    assert len(orders) == 25 and all(o.status == OrderStatus.new for o in orders.values())
    assert lines_of(world, next(iter(orders))) == [("SKU-1", 2), ("SKU-2", 1)]


def test_an_edit_is_applied_and_a_cancellation_cancels(world, platform, memory_keyring):
    edited = platform.add_order([("SKU-1", 1, "12.50")], at=T0)
    doomed = platform.add_order([("SKU-2", 1, "3.99")], at=T0 + timedelta(minutes=1))
    code = add_channel(world, platform)
    run(world, platform, code)
    platform.edit(edited, [("SKU-1", 3, "12.50"), ("SKU-2", 1, "3.99")])
    platform.cancel(doomed)
    result = run(world, platform, code)
    assert (result.created, result.updated, result.failed) == (0, 2, 0)
    assert lines_of(world, platform.external_id(edited)) == [("SKU-1", 3), ("SKU-2", 1)]
    assert orders_in(world)[platform.external_id(doomed)].status == OrderStatus.cancelled


def test_a_malformed_order_is_kept_aside_and_the_rest_comes_in(world, platform,
                                                              memory_keyring):
    for i in range(12):
        platform.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=i))
    bad = platform.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=30))
    platform.malform(bad)
    code = add_channel(world, platform)
    result = run(world, platform, code)
    assert (result.status, result.created, result.failed) == ("ok", 12, 1)
    [error] = sync.list_errors(world, code)
    assert error.external_id == platform.external_id(bad) and "12,50" in error.raw_payload
    platform.heal(bad)
    run(world, platform, code)
    assert platform.external_id(bad) in orders_in(world)
    assert sync.list_errors(world, code) == []


def test_refused_credentials_fail_the_sync_with_the_platforms_reason(world, platform,
                                                                     memory_keyring):
    platform.add_order([("SKU-1", 1, "12.50")], at=T0)
    code = add_channel(world, platform)
    result = sync.sync_orders(world, actor=SYSTEM, code=code,
                              connector=platform.connector(**platform.wrong_secret()))
    assert result.status == "failed" and "refused" in result.error
    assert orders_in(world) == {}


def test_an_access_token_that_expires_mid_sync_is_renewed_without_a_failure(platform):
    for i in range(30):
        platform.add_order([("SKU-1", 1, "1.00")], at=T0 + timedelta(minutes=i))
    pages = platform.connector().fetch_orders(None)
    first = next(pages)
    platform.emu.expire_tokens()
    assert len(first.orders) + sum(len(p.orders) for p in pages) == 30


def test_a_storm_of_429s_is_ridden_out_and_nothing_is_lost(world, platform, memory_keyring):
    for i in range(30):
        platform.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=i))
    code = add_channel(world, platform)
    platform.storm(platform.storm_calls)
    connector = platform.connector()
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=connector)
    assert (result.status, result.created) == ("ok", 30)
    assert len(connector.http.waits) >= platform.storm_calls


def test_a_shipped_parcel_sends_its_tracking_to_the_marketplace_once(world, platform,
                                                                    memory_keyring):
    receive(world, "SKU-1", "WH1-A-01", 10)
    receive(world, "SKU-2", "WH1-A-01", 10)
    order = platform.add_order([("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")], at=T0)
    code = add_channel(world, platform)
    run(world, platform, code)
    shipment_id = _start_shipment(world, platform.external_id(order), pack=True)
    with world.uow() as uow:
        shipment = uow.session.get(Shipment, shipment_id)
        shipment.carrier = "UPS"
        shipment.ship(by=SYSTEM, tracking_number="1Z999AA10123456784")
        for _ in range(2):  # published twice: pushed once
            messagebus.publish(uow.session, events.ShipmentShipped(actor=SYSTEM,
                                                                   shipment_id=shipment_id))
        uow.commit()
    assert push.drain_outbox(world, code=code, connector=platform.connector()).sent == 1
    ids, tracking = platform.line_ids(order), platform.tracking(order, "1Z999AA10123456784")
    assert sorted(platform.shipped(order)) == sorted([(tracking, ids[0], 2), (tracking, ids[1], 1)])
    assert push.drain_outbox(world, code=code, connector=platform.connector()).sent == 0
    again = run(world, platform, code)  # the marketplace now says shipped: nothing to flag
    assert (again.failed, again.flagged) == (0, 0)


def test_available_to_sell_goes_out_less_reservations_and_the_buffer(world, platform,
                                                                    memory_keyring):
    code = add_channel(world, platform)
    set_buffer(world, code, 2)
    receive(world, "SKU-1", "WH1-A-01", 10)
    receive(world, "SKU-1", "STORE1", 7)  # not a site of this channel
    reserve(world, "SKU-1", "WH1-A-01", 3)
    receive(world, "SKU-2", "WH1-A-02", 1)
    platform.list_sku("SKU-1", 0)
    platform.list_sku("SKU-2", 4)
    summary = inventory_push.push_inventory(world, actor=SYSTEM, code=code,
                                            connector=platform.connector())
    assert (platform.listed("SKU-1"), platform.listed("SKU-2")) == (5, 0)
    assert summary.failed == 1 and "KIT-1" in summary.errors  # not listed there
