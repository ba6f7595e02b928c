"""The printed pick list: made from the pick list's view, for the screens and the command
line alike."""

from __future__ import annotations

from pathlib import Path

from oms_desktop.documents import picklist as document
from oms_desktop.model import Actor
from oms_desktop.services.floor import picking
from oms_desktop.services.floor import pack_documents
from oms_desktop.services.floor.pack_documents import Printed
from oms_desktop.services.floor.pick_views import PickListView
from oms_desktop.storage import Database

PAPERS = tuple(document.PAGES)


def pick_list_pdf(view: PickListView, paper: str = "A4") -> bytes:
    return document.render_pdf(document.collect(view), page=paper)


def pick_list_for(db: Database, *, actor: Actor, order_ids: list[int],
                  paper: str = "A4") -> tuple[str, bytes]:
    """A pick list (single-order or batch) for the orders' assigned shipments, as
    (its label, the PDF to print)."""
    view = picking.create_for_orders(db, actor=actor, orders=[str(i) for i in order_ids])
    return view.label, pick_list_pdf(view, paper)


def print_pick_list(db: Database, *, actor: Actor, pick_list_id: int, folder: Path,
                    paper: str = "A4") -> Printed:
    """The pick list on the station's document printer, or saved as PL-<n>.pdf in `folder`
    (the person's own documents) when the station has none."""
    view = picking.get_pick_list(db, pick_list_id)
    # the pack station's way to the station's printer or a file
    station = pack_documents._station_printers()
    return pack_documents._deliver(
        db, actor, name=f"{view.label}.pdf", title=f"Pick list {view.label}",
        content=pick_list_pdf(view, paper), fmt="pdf",
        printer=station.document if station else None, folder=folder)
