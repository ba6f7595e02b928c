"""Demo orders with everything hanging off them, as plain rows (see demo_build)."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from itertools import count

from oms_desktop.demo import data as pool
from oms_desktop.demo import shipping as demo_shipping

# status: (share of orders, youngest and oldest age in hours)
MIX = {"new": (14, 0, 30), "verified": (14, 2, 72), "on_hold": (8, 2, 168),
       "in_fulfilment": (18, 4, 96), "completed": (39, 48, 1440), "cancelled": (7, 24, 1080)}
HOLD_REASONS = ["payment_pending"] * 5 + ["address_invalid"] * 4 + ["fraud_review"] * 4 + \
    ["out_of_stock"] * 4 + ["manual"] * 2 + ["credit_limit"] * 3
LINE_COUNTS = [1] * 55 + [2] * 25 + [3] * 12 + [4] * 8
QUANTITIES = [1] * 75 + [2] * 15 + [3] * 6 + [5] * 4
TAG_COUNTS = [0] * 6 + [1] * 3 + [2]
SHIPPED = ["shipped"] * 7 + ["delivered"] * 3
UNDERWAY = ["assigned"] * 8 + ["picking"] * 4 + ["picked"] * 3 + ["packed"] * 5
CHANNEL_SHARES = (5, 3, 2)
OPEN_STATES = {"new", "verified", "on_hold", "cancelled"}
LAST_VERB = {"verified": "verify", "on_hold": "hold", "in_fulfilment": "start_fulfilment",
             "completed": "complete", "cancelled": "cancel"}
FROM_STATE = {"verified": "new", "on_hold": "new", "in_fulfilment": "verified",
              "completed": "in_fulfilment", "cancelled": "verified"}


class OrderMaker:
    def __init__(self, rng: random.Random, world):
        self.rng, self.w = rng, world
        self.ids = {t: count(1) for t in ("orders", "order_lines", "order_holds", "shipments",
                                          "shipment_lines", "reservations", "stock_moves",
                                          "audit_events")}
        self.numbers = {"SHOP-US": count(1001), "WOO-EU": count(20001)}
        self.tracking = count(1)  # the manual carrier's sequence
        self.stores = {cid: [s for s in sites if s in (world.loc["ST1"], world.loc["ST2"])]
                       for cid, _code, _cur, sites, _w in world.channels}
        self.sellable = [p for p in world.products if not p[4]]
        self.customer_loc = world.loc["CUSTOMER"]
        self.channel_pick = [(cid, code, cur, sites, [c for c, w in weights.items()
                                                      for _ in range(w)])
                             for (cid, code, cur, sites, weights), share
                             in zip(world.channels, CHANNEL_SHARES) for _ in range(share)]

    def plan(self, n: int) -> list[tuple[str, datetime]]:
        """Each order's status and placing time, oldest first (numbers rise with time)."""
        rng, now = self.rng, self.w.now
        states = list(MIX)
        weights = [MIX[s][0] for s in states]
        plan = []
        for status in rng.choices(states, weights, k=n):
            _share, young, old = MIX[status]
            plan.append((status, now - timedelta(hours=rng.uniform(young, old))))
        plan.sort(key=lambda p: p[1])
        return plan

    def next_id(self, table: str) -> int:
        return next(self.ids[table])

    # -- one order -------------------------------------------------------------------------
    def make(self, rows, status: str, placed: datetime) -> None:
        rng = self.rng
        cid, code, currency, sites, countries = rng.choice(self.channel_pick)
        country = rng.choice(countries)
        customer = rng.choice(self.w.customers.get(country) or self.w.customers["US"])
        oid = self.next_id("orders")
        number, external = self._number(code, oid)
        pickup = (rng.choice(self.stores[cid]) if self.stores[cid] and rng.random() < 0.05
                  else None)
        lines = self._lines(rows, oid, status, country, customer[5])
        order = self._header(oid, cid, number, external, currency, status, placed, country,
                             customer, lines, pickup)
        rows.setdefault("orders", []).append(order)
        self._tags(rows, oid, customer[5])
        self._holds(rows, oid, status, placed, customer[5])
        self._audit(rows, oid, code, status, placed)
        if status in ("in_fulfilment", "completed"):
            site = pickup or self._site(sites, country)
            self._shipments(rows, order, lines, site, status, placed, pickup is not None)

    def _number(self, code: str, oid: int) -> tuple[str, str]:
        if code in self.numbers:
            n = next(self.numbers[code])
            return (f"#{n}", str(5_200_000_000_000 + n * 37)) if code == "SHOP-US" else \
                (f"WC-{n}", str(n))
        number = f"{100 + oid % 900:03d}-{self.rng.randrange(10**7):07d}-{oid % 10**7:07d}"
        return number, number

    def _site(self, sites: tuple[int, ...], country: str) -> int:
        warehouses = [s for s in sites if s in (self.w.loc["WH1"], self.w.loc["WH2"])]
        if len(warehouses) == 1:
            return warehouses[0]
        return self.w.loc["WH2"] if country in ("DE", "FR", "NL", "GB") else self.w.loc["WH1"]

    def _lines(self, rows, oid: int, status: str, country: str, business: bool) -> list[dict]:
        rng, out = self.rng, []
        rate = pool.TAX_RATE[country]
        kits_ok = status in OPEN_STATES
        n = rng.choice(LINE_COUNTS)
        for line_no, product in enumerate(self._pick_products(n, kits_ok), 1):
            qty = rng.choice(QUANTITIES) * (rng.randrange(2, 11) if business else 1)
            tax = (product[3] * qty * rate + 5000) // 10000
            out.append(dict(id=self.next_id("order_lines"), order_id=oid, line_no=line_no,
                            product_id=product[0], sku=product[1], name=product[2],
                            quantity=qty, unit_price=product[3], tax=tax, discount=0,
                            external_id=f"L{oid}-{line_no}"))
        rows.setdefault("order_lines", []).extend(out)
        return out

    def _pick_products(self, n: int, kits_ok: bool) -> list[tuple]:
        source = self.w.products if kits_ok and self.rng.random() < 0.1 else self.sellable
        picked = {p[0]: p for p in (self.rng.choice(source) for _ in range(n))}
        return list(picked.values())

    def _header(self, oid, cid, number, external, currency, status, placed, country, customer,
                lines, pickup) -> dict:
        rng = self.rng
        cust_id, name, company, email, phone, business, (city, region, postal, street) = customer
        subtotal = sum(ln["unit_price"] * ln["quantity"] for ln in lines)
        tax = sum(ln["tax"] for ln in lines)
        shipping = 0 if pickup or subtotal > 10000 else rng.choice((495, 995))
        discount = subtotal // 10 if rng.random() < 0.1 else 0
        carrier, service, _ = rng.choice(pool.CARRIERS[country])
        ship_by = (placed + timedelta(days=rng.choice((1, 1, 2, 3)))).date()
        financial = {"completed": "paid", "cancelled": rng.choice(("refunded", "pending")),
                     "new": "authorized", "on_hold": "pending"}.get(status, "paid")
        return dict(
            id=oid, number=number, channel_id=cid, external_id=external, customer_id=cust_id,
            status=status, financial_status=financial,
            fulfilment_status="fulfilled" if status == "completed" else "unfulfilled",
            currency=currency, subtotal=subtotal, shipping_total=shipping, tax_total=tax,
            discount_total=discount, total=subtotal - discount + shipping + tax, email=email,
            ship_name=name, ship_company=company, ship_line1=street,
            ship_line2=f"Apt {rng.randrange(1, 60)}" if rng.random() < 0.2 else None,
            ship_city=city, ship_region=region, ship_postal_code=postal, ship_country=country,
            ship_phone=phone, billing_country=country,
            requested_service="pickup" if pickup else service,
            carrier=None if pickup else carrier, service=None if pickup else service,
            ship_by=None if cid != self.w.channels[-1][0] and rng.random() < 0.08 else ship_by,
            customer_po=f"PO-{rng.randrange(10000, 99999)}" if business else None,
            notes="Please leave at the back door" if rng.random() < 0.03 else None,
            pickup_location_id=pickup,
            preferred_location_id=None, priority=1 if rng.random() < 0.05 else 0,
            risk_level="high" if rng.random() < 0.02 else "low",
            fraud_score=rng.randrange(0, 40), placed_at=placed, created_at=placed,
            updated_at=placed)

    def _tags(self, rows, oid: int, business: bool) -> None:
        tags = set(self.rng.sample(pool.TAGS, self.rng.choice(TAG_COUNTS)))
        if business:
            tags.add("b2b")
        rows.setdefault("order_tags", []).extend(dict(order_id=oid, tag=t) for t in sorted(tags))

    def _holds(self, rows, oid: int, status: str, placed: datetime, business: bool) -> None:
        rng = self.rng
        if status == "on_hold":
            reasons = {self._reason(business) for _ in range(1 + (rng.random() < 0.15))}
            for reason in sorted(reasons):
                rows.setdefault("order_holds", []).append(
                    self._hold(oid, reason, placed + timedelta(minutes=5)))
        elif status != "new" and rng.random() < 0.05:
            hold = self._hold(oid, "payment_pending", placed + timedelta(minutes=5))
            hold.update(released_by="manager", released_at=placed + timedelta(hours=3))
            rows.setdefault("order_holds", []).append(hold)

    def _reason(self, business: bool) -> str:
        reason = self.rng.choice(HOLD_REASONS)
        return "payment_pending" if reason == "credit_limit" and not business else reason

    def _hold(self, oid: int, reason: str, at: datetime) -> dict:
        manual = reason == "manual"
        return dict(id=self.next_id("order_holds"), order_id=oid, reason=reason,
                    note=pool.HOLD_NOTES[reason], manual=manual,
                    placed_by="manager" if manual else "rule:Demo checks", placed_at=at,
                    released_by=None, released_at=None)

    def _audit(self, rows, oid: int, code: str, status: str, placed: datetime) -> None:
        events = rows.setdefault("audit_events", [])
        if status in LAST_VERB:  # the latest step only: the history stays cheap
            events.append(self._event(oid, placed + timedelta(minutes=30), LAST_VERB[status],
                                      FROM_STATE[status], status, "supervisor", None))
        else:
            events.append(self._event(oid, placed, "import", None, "new", "system",
                                      f"sync:{code}"))

    def _event(self, oid, at, action, before, after, actor, source) -> dict:
        return dict(id=self.next_id("audit_events"), at=at, order_id=oid, entity="order",
                    entity_id=oid, action=action, from_state=before, to_state=after,
                    actor_name=actor, actor_id=None, station=None, source=source, detail=None)

    # -- shipments and the stock they hold or took -----------------------------------------
    def _shipments(self, rows, order, lines, site, status, placed, pickup: bool) -> None:
        rng = self.rng
        groups = [lines]
        if len(lines) > 1 and rng.random() < 0.1:
            groups = [lines[:1], lines[1:]]
        for group in groups:
            shipment = self._shipment(order, site, status, placed, pickup)
            rows.setdefault("shipments", []).append(shipment)
            for line in group:
                self._shipment_line(rows, shipment, line, site, status)

    def _shipment(self, order, site, status, placed, pickup) -> dict:
        rng = self.rng
        sid = self.next_id("shipments")
        done = status == "completed"
        if pickup:
            state = "picked_up" if done else rng.choice(("assigned", "picked", "ready_for_pickup"))
        else:
            state = rng.choice(SHIPPED if done else UNDERWAY)
        shipped_at = min(placed + timedelta(hours=rng.uniform(4, 40)), self.w.now)
        packed = state in ("packed", "shipped", "delivered", "ready_for_pickup", "picked_up")
        # Handed over with the manual carrier's own numbers; a packed one still needs its label.
        handed = state in ("shipped", "delivered") and not pickup
        cost = None
        if state in ("shipped", "delivered", "packed") and order["carrier"]:
            # the draws the carrier's own number and cost used to take, so that the rest of
            # the demo stays as it was; only a parcel handed over has a number and a cost
            digits(rng, next(t for c, _s, t in pool.CARRIERS[order["ship_country"]]
                             if c == order["carrier"]))
            drawn_cost = rng.randrange(450, 1900)
            cost = drawn_cost if handed else None
        tracking = demo_shipping.tracking_number(next(self.tracking)) if handed else None
        return dict(id=sid, order_id=order["id"], location_id=site, status=state,
                    carrier="manual" if handed else None,
                    service=demo_shipping.service_for(order["service"]) if handed else None,
                    tracking_number=tracking,
                    shipping_cost=cost,
                    pickup_code=f"{rng.randrange(10**6):06d}" if pickup else None,
                    collected_by=order["ship_name"] if state == "picked_up" else None,
                    created_at=placed + timedelta(minutes=45),
                    packed_at=shipped_at - timedelta(hours=1) if packed else None,
                    shipped_at=shipped_at if done else None,
                    delivered_at=(shipped_at + timedelta(days=2) if state == "delivered"
                                  else None))

    def _shipment_line(self, rows, shipment, line, site, status) -> None:
        qty, state = line["quantity"], shipment["status"]
        picked = qty if state not in ("assigned", "picking") else 0
        packed = qty if shipment["packed_at"] else 0
        sl_id = self.next_id("shipment_lines")
        rows.setdefault("shipment_lines", []).append(dict(
            id=sl_id, shipment_id=shipment["id"], order_line_id=line["id"],
            product_id=line["product_id"], quantity=qty, picked_qty=picked, packed_qty=packed))
        level = self.rng.choice(self.w.levels[(line["product_id"], site)])
        if status == "completed":
            level.shipped += qty
            rows.setdefault("stock_moves", []).append(dict(
                id=self.next_id("stock_moves"), product_id=line["product_id"],
                from_location_id=level.location_id, to_location_id=self.customer_loc,
                quantity=qty, reason="shipment", reason_code=None,
                reference=f"SHP-{shipment['id']}", at=shipment["shipped_at"],
                actor_name="packer", actor_id=None))
        else:
            level.reserved += qty
            rows.setdefault("reservations", []).append(dict(
                id=self.next_id("reservations"), stock_level_id=level.id,
                product_id=line["product_id"], location_id=level.location_id,
                shipment_line_id=sl_id, reference=f"SHP-{shipment['id']}", quantity=qty,
                status="active", created_at=shipment["created_at"], closed_at=None))


class DemoRandom(random.Random):
    """random.Random with quick choice/randrange built on random(): millions of draws
    stay deterministic for a seed and cost a fraction of the general versions."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


_RUNS = re.compile(r"#+|@|[^#@]+")


def digits(rng: random.Random, pattern: str) -> str:
    """'#' becomes a digit, '@' a capital letter."""
    out = []
    for run in _RUNS.findall(pattern):
        if run[0] == "#":
            out.append(str(rng.randrange(10 ** len(run))).zfill(len(run)))
        elif run == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(run)
    return "".join(out)
