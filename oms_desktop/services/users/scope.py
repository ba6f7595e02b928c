"""Which brands and sites a person may see and act on (the table `user_sites`: a brand, a
region or sites), as SQL conditions the services add to their queries. It is the program's
copy of the row-level policies PostgreSQL enforces for the person's own login
(storage/access/tables.py), so SQLite, the screens and the command line show the same: a
franchise store's staff see their store's orders, stock and returns; a brand's manager the
brand's sites and the orders of the brand's channels. A person with no rows sees everything.

The same conditions narrow a report to one brand or site (`narrowed`): the dashboard's filter."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, PermissionDenied
from oms_desktop.model import (
    SITE_KINDS, Actor, Brand, Channel, Location, LocationKind, Order, UserSite,
    channel_locations,
)

# the tree is walked down to the sites, not into their zones and bins
_THROUGH = tuple(k.value for k in SITE_KINDS | {LocationKind.zone, LocationKind.bin})


@dataclass(frozen=True)
class Scope:
    """`nodes`: the brands, regions and sites seen (None: everything); `sites` among them."""

    nodes: frozenset[int] | None = None
    sites: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return self.nodes is None

    def sees_site(self, site_id: int | None) -> bool:
        return self.nodes is None or site_id in self.sites


EVERYTHING = Scope()


def of(session: Session, actor: Actor | None) -> Scope:
    """The person's scope, read once per unit of work."""
    if actor is None or actor.user_id is None:
        return EVERYTHING
    cache = session.info.setdefault("scope.of", {})
    if actor.user_id not in cache:
        roots = sa.select(UserSite.location_id).where(UserSite.user_id == actor.user_id)
        cache[actor.user_id] = _under(session, roots)
    return cache[actor.user_id]


def narrowed(session: Session, *, brand: str | None = None, site: str | None = None) -> Scope:
    """The scope of one brand (its code, or its location's) and/or one site, for filters."""
    scopes = []
    if brand:
        scopes.append(_under(session, sa.select(_brand_node(session, brand))))
    if site:
        found = session.scalar(sa.select(Location.id).where(
            Location.code == site, Location.kind.in_([k.value for k in SITE_KINDS])))
        if found is None:
            raise NotFound(f"No site {site!r}")
        scopes.append(_under(session, sa.select(sa.literal(found))))
    if not scopes:
        return EVERYTHING
    nodes = frozenset.intersection(*(s.nodes for s in scopes))
    return Scope(nodes, frozenset.intersection(*(s.sites for s in scopes)))


def _brand_node(session: Session, code: str) -> int:
    node = session.scalar(sa.select(Brand.location_id).where(Brand.code == code))
    if node is None:
        node = session.scalar(sa.select(Location.id).where(
            Location.code == code, Location.kind == LocationKind.brand))
    if node is None:
        raise NotFound(f"No brand {code!r} with sites (brands add … --location, or a brand "
                       "location of that code)")
    return node


def _under(session: Session, roots) -> Scope:
    """Every location under the roots, down to the sites; empty roots: everything."""
    start = sa.select(Location.id, Location.kind).where(Location.id.in_(roots))
    tree = start.cte("seen", recursive=True)
    tree = tree.union(sa.select(Location.id, Location.kind).join(
        tree, Location.parent_id == tree.c.id).where(tree.c.kind.not_in(_THROUGH)))
    rows = session.execute(sa.select(tree.c.id, tree.c.kind)).all()
    if not rows:
        return EVERYTHING
    sites = frozenset(i for i, kind in rows if str(kind) in {k.value for k in SITE_KINDS})
    return Scope(frozenset(i for i, _ in rows), sites)


def _ids(values: frozenset[int]):
    return sa.bindparam(None, sorted(values), expanding=True)


# -- the conditions ------------------------------------------------------------------------
def orders_where(scope: Scope) -> list:
    """The orders a scope sees: its sites' channels, pickups and preferred sites, and the
    channels of its brands (the same rule as the `orders` row policy)."""
    if scope.everything:
        return []
    nodes = scope.nodes
    selling = sa.select(channel_locations.c.channel_id).where(
        channel_locations.c.location_id.in_(_ids(nodes)))
    branded = sa.select(Channel.id).join(Brand, Brand.id == Channel.brand_id).where(
        Brand.location_id.in_(_ids(nodes)))
    return [sa.or_(Order.channel_id.in_(selling), Order.pickup_location_id.in_(_ids(nodes)),
                   Order.preferred_location_id.in_(_ids(nodes)), Order.channel_id.in_(branded))]


def stock_where(scope: Scope) -> list:
    """Stock at the scope's sites, and in transit on the transfers to or from them."""
    from oms_desktop.model import StockLevel, StockTransfer  # the stock areas, when asked

    if scope.everything:
        return []
    transit = sa.select(StockTransfer.transit_location_id).where(sa.or_(
        StockTransfer.from_site_id.in_(_ids(scope.sites)),
        StockTransfer.to_site_id.in_(_ids(scope.sites))))
    return [sa.or_(StockLevel.site_id.in_(_ids(scope.sites)),
                   StockLevel.location_id.in_(transit))]


def returns_where(scope: Scope) -> list:
    """Returns to the scope's sites, or of the orders it sees."""
    from oms_desktop.model import Return  # the returns area, only when asked

    if scope.everything:
        return []
    visible = sa.select(Order.id).where(*orders_where(scope))
    return [sa.or_(Return.location_id.in_(_ids(scope.sites)), Return.order_id.in_(visible))]


# -- checks before acting ------------------------------------------------------------------
def check_order(session: Session, actor: Actor | None, order_id: int, shown: str) -> None:
    """NotFound, as for an order that does not exist, for one outside the person's scope."""
    where = orders_where(of(session, actor))
    if where and session.scalar(sa.select(Order.id).where(Order.id == order_id, *where)) \
            is None:
        raise NotFound(f"No order {shown!r}")


def visible_orders(session: Session, actor: Actor | None, ids: list[int]) -> list[int]:
    """The ids the person sees, in the order given."""
    where = orders_where(of(session, actor))
    if not where or not ids:
        return ids
    seen = set(session.scalars(sa.select(Order.id).where(Order.id.in_(ids), *where)))
    return [i for i in ids if i in seen]


def check_site(session: Session, actor: Actor | None, site_id: int | None, *,
               doing: str) -> None:
    scope = of(session, actor)
    if not scope.sees_site(site_id):
        code = session.scalar(sa.select(Location.code).where(Location.id == site_id)) \
            if site_id is not None else "a place of no site"
        raise PermissionDenied(f"{actor.name} cannot {doing} {code}: not one of their sites")
