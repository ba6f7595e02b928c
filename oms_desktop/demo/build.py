"""The demo world as plain rows, generated deterministically from one random.Random(seed).

Ids are given here, so whole orders (lines, holds, shipments, reservations, moves) are built
in memory and written in bulk. Stock is kept consistent while building: every StockLevel's
on_hand is the sum of its moves and its reserved the sum of its active reservations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterator

from oms_desktop.demo import data as pool
from oms_desktop.demo import shipping as demo_shipping
from oms_desktop.demo.orders import DemoRandom, OrderMaker, digits
from oms_desktop.policies.barcodes import with_check_digit

Rows = dict[str, list[dict]]  # money in cents, datetimes naive UTC (see demo_write)
SITES = [  # code, name, kind, brand, country, city, region, postal, zones, bins a zone
    ("WH1", "East Coast DC", "warehouse", "BR1", "US", "Newark", "NJ", "07114", "ABC", 24),
    ("WH2", "EU Fulfilment Centre", "warehouse", "BR2", "DE", "Leipzig", "SN", "04159", "AB", 24),
    ("ST1", "Brooklyn Store", "store", "BR1", "US", "Brooklyn", "NY", "11201", "R", 12),
    ("ST2", "London Store", "store", "BR2", "GB", "London", "Greater London", "SW1A 2AA", "R", 12),
]
CHANNELS = [  # code, name, kind, currency, sites, countries with weights
    ("SHOP-US", "Alpine Outfitters (Shopify)", "shopify", "USD", ("WH1", "ST1"),
     {"US": 70, "CA": 20, "GB": 5, "AU": 5}),
    ("WOO-EU", "Hearth & Home (WooCommerce)", "woocommerce", "EUR", ("WH2", "ST2"),
     {"DE": 35, "FR": 30, "NL": 15, "GB": 20}),
    ("AMZ", "Amazon Seller Central (file import)", "file", "USD", ("WH1", "WH2"),
     {"US": 45, "IN": 20, "JP": 20, "CA": 10, "DE": 5}),
]
DEMO_BRANDS = [  # code, sender, street, city, postal code, country, e-mail
    ("BR1", "Alpine Outfitters", "12 Summit Road", "Denver", "80202", "US",
     "orders@alpine.example"),
    ("BR2", "Hearth & Home", "7 Ofenstraße", "Leipzig", "04109", "DE", "hallo@hearth.example"),
]
CHANNEL_BRANDS = {"SHOP-US": "BR1", "WOO-EU": "BR2"}  # the marketplace sells unbranded
DEMO_USERS = [("admin", "Alex Admin", "admin", "1111"),
              ("manager", "Morgan Manager", "manager", "2222"),
              ("supervisor", "Sam Supervisor", "supervisor", "3333"),
              ("packer", "Pat Packer", "packer", "4444")]


@dataclass
class Level:
    id: int
    product_id: int
    location_id: int
    site_id: int
    base: int  # what is left available once everything is shipped and reserved
    shipped: int = 0
    reserved: int = 0


@dataclass
class World:
    """What orders need to know about the reference data."""

    now: datetime
    loc: dict[str, int] = field(default_factory=dict)
    channels: list[tuple] = field(default_factory=list)  # (id, code, currency, site ids, weights)
    products: list[tuple] = field(default_factory=list)  # (id, sku, name, price, is_kit)
    levels: dict[tuple[int, int], list[Level]] = field(default_factory=dict)  # (product, site)
    customers: dict[str, list[tuple]] = field(default_factory=dict)  # country -> customers


class DemoBuilder:
    def __init__(self, *, seed: int, orders: int, today: date):
        self.rng = DemoRandom(seed)
        self.orders = orders
        self.world = World(now=datetime.combine(today, time(12, 0)))  # naive UTC, like all
        self.maker: OrderMaker | None = None

    # -- reference data --------------------------------------------------------------------
    def reference(self, hashes: dict[str, str]) -> Rows:
        rows: Rows = {}
        rows["users"] = self._users(hashes)
        rows["locations"] = self._locations()
        rows["brands"] = self._brands()
        rows["channels"], rows["channel_locations"] = self._channels()
        rows["products"], rows["product_barcodes"], rows["kit_components"] = self._products()
        rows["stock_levels"] = self._levels()
        rows["customers"] = self._customers()
        return rows

    def _users(self, hashes: dict[str, str]) -> list[dict]:
        return [dict(id=i, username=u, display_name=name, role=role, password_hash=hashes[u],
                     active=True, created_at=self.world.now - timedelta(days=90))
                for i, (u, name, role, _pin) in enumerate(DEMO_USERS, 1)]

    def _locations(self) -> list[dict]:
        out: list[dict] = []

        def add(code, name, kind, parent=None, site=None, **extra):
            lid = len(out) + 1
            site = lid if kind in ("warehouse", "store") else site
            out.append(dict(id=lid, code=code, name=name, kind=kind, parent_id=parent,
                            site_id=site, walk_sequence=extra.pop("walk", None),
                            sellable=kind not in ("supplier", "customer", "inventory", "transit"),
                            ships_from=kind in ("warehouse", "store", "zone", "bin"),
                            priority=extra.pop("priority", 100), country=None, region=None,
                            city=None, postal_code=None, address_line1=None, active=True) | extra)
            self.world.loc[code] = lid
            return lid

        org = add("ORG", "Northwind Goods Ltd", "organisation")
        brands = {"BR1": add("BR1", "Alpine Outfitters", "brand", org),
                  "BR2": add("BR2", "Hearth & Home", "brand", org)}
        for prio, (code, name, kind, brand, country, city, region, postal, zones, n) in \
                enumerate(SITES, 1):
            site = add(code, name, kind, brands[brand], priority=prio * 10, country=country,
                       city=city, region=region, postal_code=postal,
                       address_line1=f"{prio * 100} Commerce Way")
            walk = 0
            for zone in zones:
                zid = add(f"{code}-{zone}", f"{name} aisle {zone}", "zone", site, site)
                for b in range(1, n + 1):
                    walk += 10
                    add(f"{code}-{zone}-{b:02d}", f"Bin {zone}-{b:02d}", "bin", zid, site,
                        walk=walk)
        for code, kind in (("SUPPLIER", "supplier"), ("CUSTOMER", "customer"),
                           ("INVENTORY", "inventory"), ("TRANSIT", "transit")):
            add(code, code.title(), kind)
        return out

    def _brands(self) -> list[dict]:
        """Each brand's profile (no logo: a file of the station's), on its brand node."""
        return [dict(id=i, code=code, name=name, location_id=self.world.loc[code],
                     sender_name=name, address_line1=street, city=city, postal_code=postal,
                     country=country, email_sender=f"{name} <{mail}>", templates={},
                     active=True, created_at=self.world.now - timedelta(days=90))
                for i, (code, name, street, city, postal, country, mail) in enumerate(
                    DEMO_BRANDS, 1)]

    def _channels(self) -> tuple[list[dict], list[dict]]:
        rows, links = [], []
        brand_ids = {code: i for i, (code, *_rest) in enumerate(DEMO_BRANDS, 1)}
        for cid, (code, name, kind, currency, sites, weights) in enumerate(CHANNELS, 1):
            rows.append(dict(id=cid, code=code, name=name, kind=kind, settings={},
                             currency=currency, language=None, safety_buffer=2 if
                             kind == "file" else 0, active=True,
                             brand_id=brand_ids.get(CHANNEL_BRANDS.get(code))))
            site_ids = tuple(self.world.loc[s] for s in sites)
            links += [dict(channel_id=cid, location_id=s) for s in site_ids]
            self.world.channels.append((cid, code, currency, site_ids, weights))
        return rows, links

    def _products(self) -> tuple[list[dict], list[dict], list[dict]]:
        rng, products, barcodes = self.rng, [], []
        for prefix, category, nouns, (lo, hi), (wlo, whi) in pool.GOODS:
            for noun in nouns:
                price = rng.randrange(lo, hi) // 100 * 100 + 99
                weight = rng.randrange(wlo, whi)
                for variant in pool.VARIANTS:
                    pid = len(products) + 1
                    products.append(self._product(pid, f"{prefix}-{1000 + pid}",
                                                  f"{noun}, {variant}", category, price, weight))
                    barcodes.append(dict(id=len(barcodes) + 1, product_id=pid, kind="gtin13",
                                         code=with_check_digit(f"400638{pid:06d}")))
                    if pid % 3 == 0:
                        barcodes.append(dict(id=len(barcodes) + 1, product_id=pid,
                                             kind="gtin12",
                                             code=with_check_digit(f"08600{pid:06d}")))
        kits, singles = [], list(products)
        for k in range(1, 11):
            pid = len(products) + 1
            parts = rng.sample(singles, rng.choice((2, 3)))
            price = sum(p["price"] for p in parts) * 9 // 10
            products.append(self._product(pid, f"KIT-{k:03d}", "Bundle: " + " + ".join(
                p["name"].split(",")[0] for p in parts), "Bundles", price,
                sum(p["weight_g"] for p in parts), is_kit=True))
            kits += [dict(kit_id=pid, component_id=p["id"], quantity=1 + (i == 0 and k % 2))
                     for i, p in enumerate(parts)]
        self.world.products = [(p["id"], p["sku"], p["name"], p["price"], p["is_kit"])
                               for p in products]
        return products, barcodes, kits

    def _product(self, pid, sku, name, category, price, weight, *, is_kit=False) -> dict:
        side = 50 + (weight // 20) % 400
        return dict(id=pid, sku=sku, name=name, description=None, category=category,
                    price=price, weight_g=weight, length_mm=side, width_mm=side // 2 + 20,
                    height_mm=side // 3 + 10, is_kit=is_kit, hazmat=False,
                    oversize=weight > 2000, image_path=None, supplier_id=None, active=True)

    def _levels(self) -> list[dict]:
        rng, world, rows = self.rng, self.world, []
        bins = {code: [lid for c, lid in world.loc.items() if c.startswith(code + "-")
                       and c.count("-") == 2] for code, *_ in SITES}
        for pid, _sku, _name, _price, is_kit in world.products:
            if is_kit:
                continue
            short = rng.random() < 0.08
            for code, *_ in SITES:
                site = world.loc[code]
                spots = rng.sample(bins[code], 2 if code == "WH1" and rng.random() < 0.3 else 1)
                for bin_id in spots:
                    base = rng.randrange(0, 3) if short else rng.randrange(8, 160)
                    level = Level(len(rows) + 1, pid, bin_id, site, base)
                    world.levels.setdefault((pid, site), []).append(level)
                    rows.append(dict(id=level.id, product_id=pid, location_id=bin_id,
                                     site_id=site, on_hand=0, reserved=0))
        return rows

    def _customers(self) -> list[dict]:
        rng, rows = self.rng, []
        for i in range(1, max(40, min(self.orders // 3, 120_000)) + 1):
            country = rng.choice(list(pool.PEOPLE))
            firsts, lasts, cities, streets, family_first = pool.PEOPLE[country]
            first, last = rng.choice(firsts), rng.choice(lasts)
            name = f"{last} {first}" if family_first else f"{first} {last}"
            business = rng.random() < 0.1
            company = rng.choice(pool.COMPANIES) if business else None
            city, region, postal = rng.choice(cities)
            email = f"customer{i}@{'example.com' if not business else 'corp.example'}"
            phone = digits(rng, "+## ### ### ####")
            rows.append(dict(id=i, kind="business" if business else "consumer", name=name,
                             company=company, email=email, phone=phone,
                             payment_terms_days=rng.choice((30, 60)) if business else None,
                             credit_limit=rng.choice((5000, 10000, 25000)) * 100
                             if business else None, language=None,
                             created_at=self.world.now - timedelta(days=120)))
            address = (city, region, digits(rng, postal),
                       f"{rng.randrange(1, 240)} {rng.choice(streets)}")
            self.world.customers.setdefault(country, []).append(
                (i, name, company, email, phone, business, address))
        return rows

    # -- orders ----------------------------------------------------------------------------
    def order_chunks(self, size: int) -> Iterator[Rows]:
        maker = self.maker = OrderMaker(self.rng, self.world)
        plan = maker.plan(self.orders)
        for start in range(0, len(plan), size):
            rows: Rows = {}
            for status, placed in plan[start:start + size]:
                maker.make(rows, status, placed)
            yield rows

    # -- the stock books -------------------------------------------------------------------
    def settings(self) -> list[dict]:
        """The manual carrier, the shipping-method map and its tracking sequence's next value."""
        taken = next(self.maker.tracking) if self.maker else 1
        return demo_shipping.settings_rows(self.world.now, taken)

    def closing(self) -> tuple[list[dict], list[dict]]:
        """Receipts and adjustments that make every level's ledger add up, and the final
        on_hand/reserved of each level (as level_id, new_on_hand, new_reserved)."""
        rng, world = self.rng, self.world
        first_move_id = self.maker.next_id("stock_moves") if self.maker else 1
        supplier, inventory = world.loc["SUPPLIER"], world.loc["INVENTORY"]
        moves, updates = [], []
        start = world.now - timedelta(days=75)
        for levels in world.levels.values():
            for lv in levels:
                needed = lv.base + lv.shipped + lv.reserved
                damaged = 1 if lv.base >= 5 and rng.random() < 0.05 else 0
                received = needed + damaged
                parts = [received] if received < 20 else [received // 2, received - received // 2]
                for n, qty in enumerate(q for q in parts if q):
                    moves.append(self._move(first_move_id + len(moves), lv.product_id, supplier,
                                            lv.location_id, qty, "receipt",
                                            f"PO-{4000 + lv.id * 2 + n}",
                                            start + timedelta(days=n * 7), "packer"))
                if damaged:
                    moves.append(self._move(first_move_id + len(moves), lv.product_id,
                                            lv.location_id, inventory, damaged, "adjustment",
                                            None, start + timedelta(days=20), "supervisor",
                                            reason_code="damaged"))
                updates.append(dict(level_id=lv.id, new_on_hand=lv.base + lv.reserved,
                                    new_reserved=lv.reserved))
        return moves, updates

    @staticmethod
    def _move(mid, product_id, source, target, qty, reason, reference, at, actor, *,
              reason_code=None) -> dict:
        return dict(id=mid, product_id=product_id, from_location_id=source,
                    to_location_id=target, quantity=qty, reason=reason,
                    reason_code=reason_code, reference=reference, at=at, actor_name=actor,
                    actor_id=None)
