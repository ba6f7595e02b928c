"""Stations setting up at once: the same catalogue file makes each product once; the same
opening-stock file is received once, the others refused naming who did it."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Product
from oms_desktop.services.inventory import catalog_import, site_import, stock
from tests.integration.test_catalogue_import import write_csv
from tests.races import acts_setup as acts
from tests.races.checks import books_balance, no_defects, show


def test_the_same_catalogue_imported_at_once_makes_each_product_once(race, tmp_path):
    path = write_csv(tmp_path / "cat.csv", ["sku", "name", "barcode", "components"],
                     [["MUG", "Mug", "4006381333931", ""], ["COASTER", "Coaster", "", ""],
                      ["GIFT", "Gift", "", "MUG|COASTER:2"]])
    outcomes = race.run(acts.import_catalogue, {"path": str(path)})
    no_defects(outcomes)
    assert all(o.ok for o in outcomes), show(outcomes)
    assert sum(o.value[0] for o in outcomes) == 3, show(outcomes)
    assert all(o.value[3] == 0 for o in outcomes), show(outcomes)
    with race.db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count(Product.id))) == 3


def test_the_same_opening_stock_at_once_is_received_once(race, tmp_path):
    bins = write_csv(tmp_path / "bins.csv", ["site", "zone", "bin"], [["MAIN", "A", "A-01"]])
    site_import.import_bins(race.db, actor=SYSTEM, path=bins)
    write_csv(tmp_path / "cat.csv", ["sku", "name"], [["MUG", "Mug"]])
    catalog_import.import_catalogue(race.db, actor=SYSTEM, path=tmp_path / "cat.csv")
    path = write_csv(tmp_path / "stock.csv", ["sku", "location", "quantity"],
                     [["MUG", "A-01", "7"]])
    outcomes = race.run(acts.import_stock, {"path": str(path)})
    no_defects(outcomes)
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1, show(outcomes)
    for o in outcomes:
        if o is not winners[0]:
            assert o.error == "ValidationError" and "was imported already" in o.message \
                and f"station{winners[0].station}" in o.message, show(outcomes)
    assert [r.on_hand for r in stock.levels(race.db, sku="MUG")] == [7]
    books_balance(race.db)


def test_two_admins_saving_the_same_carrier_one_wins_and_keeps_its_key(race, tmp_path):
    """Both when it was never saved (the row is made by the first) and when both saw the same
    saved version (the row is locked before its version is read)."""
    path = str(tmp_path / "keyring.cfg")
    for seen in (0, 1):
        outcomes = race.run(acts.save_carrier,
                            {"keyring": path, "url": "http://127.0.0.1:9", "seen": seen})
        winner = one_carrier_save_won(outcomes, version=seen + 1)
        saved, key = saved_carrier(race.db, path)
        assert (saved.version, saved.saved_by, saved.has_key) == (seen + 1, winner, True)
        assert key == f"key-of-{winner}", "a refused save never replaces the key"
    with race.db.uow(readonly=True) as uow:
        from oms_desktop.services import settings
        assert settings.get(uow.session, "shipping.carriers").count("easypost") == 1


def one_carrier_save_won(outcomes, *, version: int) -> str:
    no_defects(outcomes)
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1 and winners[0].value == version, show(outcomes)
    winner = f"station{winners[0].station}"
    for o in outcomes:
        if o is not winners[0]:
            assert o.error == "ConcurrentChange" and f"saved by {winner} at" in o.message, \
                show(outcomes)
    return winner


def saved_carrier(db, keyring_path: str):
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from oms_desktop.services.shipping import carrier_setup

    ring = PlaintextKeyring()
    ring.file_path = keyring_path
    before = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        return carrier_setup.carrier_setup(db, "easypost"), \
            ring.get_password("oms-desktop", "carrier:easypost")
    finally:
        keyring.set_keyring(before)
