"""Several shipping stations buy the label of the same packed shipment at the same moment:
one label is bought and stored, the others are told who has it; the carrier's own records say
how many were bought."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from oms_desktop.model import Actor, Role, ShippingLabel
from oms_desktop.services.shipping.labels import create_label
from oms_desktop.storage import Database
from tests.carriers.easypost_emulator import EasyPostEmulator
from tests.carriers.world import packed_shipment, shipping_world
from tests.races.money_harness import one_winner, race

RACES = [pytest.param("sqlite", 4, id="sqlite-4"), pytest.param("postgresql", 2, id="pg-2"),
         pytest.param("postgresql", 8, id="pg-8")]
AT = r"at \d\d:\d\d"


def _buy(db: Database, station: int, shipment_id: int, carrier: str) -> str:
    actor = Actor(f"packer-{station}", Role.packer, station=f"SHIP-{station}")
    return create_label(db, actor=actor, shipment_id=shipment_id, carrier=carrier,
                        fmt="pdf").tracking_number


def _active_labels(db: Database) -> list[str]:
    with db.uow(readonly=True) as uow:
        return uow.session.scalars(sa.select(ShippingLabel.tracking_number).where(
            ShippingLabel.voided_at.is_(None)).order_by(ShippingLabel.id)).all()


def _refused_as(refusals, pattern: str) -> None:
    for r in refusals:
        assert re.fullmatch(pattern, r.text), r.text


@pytest.fixture
def easypost(monkeypatch):
    with EasyPostEmulator() as emulator:
        monkeypatch.setenv("OMS_SECRET_CARRIER_EASYPOST_API_KEY", emulator.api_key)
        yield emulator


def _bought(emulator: EasyPostEmulator) -> list[str]:
    return [s["tracking_code"] for s in emulator.shipments.values() if s["tracking_code"]]


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_one_easypost_label_is_bought_for_a_shipment(db_url, stations, easypost):
    db = Database(db_url)
    shipping_world(db, carriers=("easypost",), easypost={"base_url": easypost.url})
    shipment_id = packed_shipment(db)

    winner, refusals = one_winner(race(db_url, stations, _buy, shipment_id, "easypost"))

    assert _bought(easypost) == [winner.text] == _active_labels(db)
    _refused_as(refusals, rf"SHP-{shipment_id} (was labelled|is being labelled) by "
                          rf"packer-\d {AT}(: reprint it, or void it before buying another)?")
    db.dispose()


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_one_manual_label_for_a_shipment(db_url, stations):
    db = Database(db_url)
    shipping_world(db)
    shipment_id = packed_shipment(db)

    winner, _ = one_winner(race(db_url, stations, _buy, shipment_id, "manual"))

    assert _active_labels(db) == [winner.text]
    db.dispose()


def _buy_own(db: Database, station: int, shipments: list[int]) -> str:
    return _buy(db, station, shipments[station], "manual")


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_the_first_labels_ever_take_one_number_each(db_url, stations):
    db = Database(db_url)
    shipping_world(db)  # the manual tracking sequence has never been used
    shipments = [packed_shipment(db, number=f"10{n:02d}") for n in range(stations)]

    outcomes = race(db_url, stations, _buy_own, shipments)

    assert [o.kind for o in outcomes] == ["ok"] * stations, [o.text for o in outcomes]
    assert sorted(o.text for o in outcomes) == [f"LC{n:010d}" for n in range(1, stations + 1)]
    db.dispose()
