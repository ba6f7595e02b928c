"""The printed pick list: made from the pick list's view, for the screens and the command
line alike."""

from __future__ import annotations

from oms_desktop.documents import picklist as document
from oms_desktop.model import Actor
from oms_desktop.services.floor import picking
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
