"""What each station does in the first-day races: the same set-up file at once."""

from __future__ import annotations

from oms_desktop.services.inventory import catalog_import, site_import
from tests.races.stations import station_actor


def import_catalogue(db, ctx, station):
    r = catalog_import.import_catalogue(db, actor=station_actor(station), path=ctx["path"],
                                        rejected_path=f"{ctx['path']}.{station}.rejected")
    return (r.created, r.updated, r.unchanged, r.rejected)


def import_stock(db, ctx, station):
    return site_import.import_stock(db, actor=station_actor(station), path=ctx["path"]).saved


def save_carrier(db, ctx, station):
    """An admin saving EasyPost with their own key, having seen it at version ctx["seen"];
    the key goes to a file keyring all the stations share."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from oms_desktop.services.shipping import carrier_setup

    ring = PlaintextKeyring()
    ring.file_path = ctx["keyring"]
    keyring.set_keyring(ring)
    saved = carrier_setup.save_carrier(db, actor=station_actor(station), name="easypost",
                                       config={"base_url": ctx["url"]},
                                       api_key=f"key-of-station{station}",
                                       seen_version=ctx["seen"])
    return saved.version
