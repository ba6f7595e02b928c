"""Routing: where each line of an order ships from, and why.

Prefer one site that can fill the whole order; among those the one whose configured zones list
the destination first, then the nearest (great-circle distance between the centroids of the
country or first-level subdivision, bundled in data/centroids.csv), then the lowest priority
number. Otherwise split over as few sites as possible (greedy set cover); what no site can fill
is backordered. Click-and-collect orders use their pickup store only; a forced (preferred)
location is the only candidate when given."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

NO_ZONE = 10_000


@lru_cache(maxsize=1)
def _centroids() -> dict[tuple[str, str], tuple[float, float]]:
    text = resources.files("oms_desktop.policies").joinpath("data/centroids.csv").read_text(
        encoding="utf-8")
    table: dict[tuple[str, str], tuple[float, float]] = {}
    for row in csv.DictReader(text.splitlines()):
        point = (float(row["lat"]), float(row["lon"]))
        table[(row["country"], row["subdivision"].upper())] = point
        if row["subdivision"]:
            table[(row["country"], row["name"].upper())] = point
    return table


def centroid(country: str | None, region: str | None = None) -> tuple[float, float] | None:
    """The approximate centre of a subdivision (code or name), else of the country."""
    if not country:
        return None
    table, country = _centroids(), country.upper()
    return table.get((country, (region or "").strip().upper())) or table.get((country, ""))


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if a is None or b is None:
        return None
    (lat1, lon1), (lat2, lon2) = (map(math.radians, a)), (map(math.radians, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2 +
         math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@lru_cache(maxsize=65536)
def _km(from_country, from_region, to_country, to_region) -> float | None:
    return distance_km(centroid(from_country, from_region), centroid(to_country, to_region))


@dataclass(frozen=True)
class Site:
    id: int
    code: str
    kind: str = "warehouse"
    country: str | None = None
    region: str | None = None
    priority: int = 100
    ships_from: bool = True
    zones: tuple[str, ...] = ()  # e.g. ("US-NJ", "US-NY", "US"): destinations served first


@dataclass(frozen=True)
class Need:
    key: tuple[int, int]  # (order line id, product id)
    product_id: int
    quantity: int
    sku: str = ""


@dataclass(frozen=True)
class Request:
    needs: tuple[Need, ...]
    country: str | None = None
    region: str | None = None
    pickup_site_id: int | None = None
    forced_site_id: int | None = None
    allowed_site_ids: frozenset[int] | None = None  # the channel's locations, when limited


@dataclass(frozen=True)
class Leg:
    site_id: int
    site_code: str
    items: tuple[tuple[Need, int], ...]
    why: str


@dataclass(frozen=True)
class Plan:
    legs: tuple[Leg, ...]
    backorder: tuple[tuple[Need, int], ...]
    why: str

    @property
    def is_split(self) -> bool:
        return len(self.legs) > 1


Stock = dict[tuple[int, int], int]  # (site id, product id) -> available units


def candidates(request: Request, sites: list[Site]) -> tuple[list[Site], str]:
    by_id = {s.id: s for s in sites}
    if request.pickup_site_id is not None:
        site = by_id.get(request.pickup_site_id)
        return ([site] if site else []), "click-and-collect: only the pickup store"
    if request.forced_site_id is not None:
        site = by_id.get(request.forced_site_id)
        return ([site] if site else []), "location forced on the order"
    usable = [s for s in sites if s.ships_from and (
        request.allowed_site_ids is None or s.id in request.allowed_site_ids)]
    return usable, "sites that ship"


def rank(request: Request, sites: list[Site]) -> list[tuple[Site, float | None]]:
    """Sites best first, each with its distance to the destination (None when unknown)."""
    scored = [(s, _km(s.country, s.region, request.country, request.region)) for s in sites]
    return sorted(scored, key=lambda sd: (_zone_rank(sd[0], request),
                                          math.inf if sd[1] is None else round(sd[1]),
                                          sd[0].priority, sd[0].code))


def _zone_rank(site: Site, request: Request) -> int:
    if not site.zones:
        return NO_ZONE
    keys = {f"{request.country}-{request.region}".upper(), (request.country or "").upper()}
    return next((i for i, z in enumerate(site.zones) if z.upper() in keys), NO_ZONE)


def route(request: Request, sites: list[Site], stock: Stock) -> Plan:
    pool, scope = candidates(request, sites)
    if not request.needs:
        return Plan((), (), "nothing left to ship")
    ranked = rank(request, pool)
    for site, km in ranked:
        if _fills_all(site.id, request.needs, stock):
            why = (f"{site.code} can fill the whole order; "
                   f"{_ranking_note(site, km, ranked, request)}")
            return Plan((Leg(site.id, site.code, tuple((n, n.quantity) for n in request.needs),
                             why),), (), why)
    return _split(request, ranked, stock, scope)


def _fills_all(site_id: int, needs: tuple[Need, ...], stock: Stock) -> bool:
    total: dict[int, int] = {}
    for need in needs:
        total[need.product_id] = total.get(need.product_id, 0) + need.quantity
    return all(stock.get((site_id, pid), 0) >= qty for pid, qty in total.items())


def _ranking_note(site: Site, km: float | None, ranked, request: Request) -> str:
    where = "distance unknown" if km is None else f"{round(km)} km from the ship-to"
    if len(ranked) == 1:
        return f"the only candidate ({where})"
    if _zone_rank(site, request) != NO_ZONE:
        return f"zone priority, {where}"
    return f"nearest of those that can ({where}), priority {site.priority}"


def _split(request: Request, ranked, stock: Stock, scope: str) -> Plan:
    left = {n.key: n.quantity for n in request.needs}
    local = {k: v for k, v in stock.items()}
    legs: list[Leg] = []
    remaining_sites = [s for s, _ in ranked]
    while any(left.values()) and remaining_sites:
        site, cover = _best_cover(remaining_sites, request.needs, left, local)
        if cover == 0:
            break
        remaining_sites.remove(site)
        legs.append(_take(site, request.needs, left, local, first=not legs))
    backorder = tuple((n, left[n.key]) for n in request.needs if left[n.key])
    return Plan(tuple(legs), backorder, _split_why(legs, backorder, scope))


def _best_cover(sites: list[Site], needs, left, stock) -> tuple[Site, int]:
    def cover(site: Site) -> int:
        room = {}
        total = 0
        for n in needs:
            have = room.setdefault(n.product_id, stock.get((site.id, n.product_id), 0))
            take = min(have, left[n.key])
            room[n.product_id] -= take
            total += take
        return total
    covers = [(cover(s), -i, s) for i, s in enumerate(sites)]
    best = max(covers, key=lambda c: (c[0], c[1]))
    return best[2], best[0]


def _take(site: Site, needs, left, stock, *, first: bool) -> Leg:
    items = []
    for n in needs:
        qty = min(stock.get((site.id, n.product_id), 0), left[n.key])
        if qty:
            stock[(site.id, n.product_id)] -= qty
            left[n.key] -= qty
            items.append((n, qty))
    listed = ", ".join(f"{n.sku or n.product_id} x{q}" for n, q in items)
    why = (f"{site.code} fills the most ({listed})" if first
           else f"{site.code} fills what is left ({listed})")
    return Leg(site.id, site.code, tuple(items), why)


def _split_why(legs: list[Leg], backorder, scope: str) -> str:
    parts = []
    if legs:
        parts.append(f"no single site can fill the order; split over {len(legs)} "
                     f"({', '.join(leg.site_code for leg in legs)})" if len(legs) > 1
                     else f"only {legs[0].site_code} has any of it")
    if backorder:
        parts.append("backordered: " + ", ".join(f"{n.sku or n.product_id} x{q}"
                                                 for n, q in backorder))
    if not legs:
        parts.append(f"no stock at any candidate ({scope})")
    return "; ".join(parts)
