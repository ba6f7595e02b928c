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
