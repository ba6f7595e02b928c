"""FIFO cost layers from the stock ledger: pure bookkeeping over plain moves, in ledger order.

A unit that comes in from outside (a supplier, the inventory account) at a cost makes a layer
at the location that holds it; a unit that leaves (to a customer, a supplier, the inventory
account) takes the oldest layers of its location first; a move between two holding locations
carries its layers along, keeping their age. A unit back from a customer is restocked at the
cost it left with (the units that left for the same order), so a return undoes the cost of
goods sold it caused. What has no cost (a receipt without one, more units out than layers
in) is valued at the product's last known cost, else at zero, and counted as `guessed`."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class LedgerMove:
    id: int
    product: int
    source: int | None  # the holding location the units left; None: from outside
    target: int | None  # the holding location they went to; None: out of the stock
    quantity: int
    unit_cost: Decimal | None = None  # a receipt's cost
    origin: str | None = None  # the order they left for (an issue) or came back from
    restock: bool = False  # back from a customer: at the cost they left with


@dataclass(order=True)
class Layer:
    seq: int  # the move that first brought these units in: their place in the queue
    unit_cost: Decimal = field(compare=False)
    quantity: int = field(compare=False)


@dataclass(frozen=True)
class Costed:
    move: LedgerMove
    value: Decimal  # what the units carried, at full precision
    guessed: int = 0  # units valued without a known cost


class FifoBook:
    """The layers of every (product, location), fed one move at a time in ledger order."""

    def __init__(self) -> None:
        self.layers: dict[tuple[int, int], list[Layer]] = defaultdict(list)
        self.last_cost: dict[int, Decimal] = {}
        self.left_with: dict[tuple[str, int], list[Layer]] = defaultdict(list)

    def apply(self, m: LedgerMove) -> Costed:
        if m.source == m.target:  # within one location (or nowhere): nothing to value
            return Costed(m, ZERO)
        if m.source is not None:
            pieces, guessed = self._take(self.layers[(m.product, m.source)], m.quantity, m)
        elif m.restock and m.origin:
            pieces, guessed = self._take(self.left_with[(m.origin, m.product)], m.quantity, m)
            pieces = [Layer(m.id, p.unit_cost, p.quantity) for p in pieces]
        else:
            pieces, guessed = self._receive(m)
        if m.target is not None:
            self._put(self.layers[(m.product, m.target)], pieces)
        elif m.origin:
            self.left_with[(m.origin, m.product)].extend(pieces)
        return Costed(m, sum((p.unit_cost * p.quantity for p in pieces), ZERO), guessed)

    def _receive(self, m: LedgerMove) -> tuple[list[Layer], int]:
        if m.unit_cost is not None:
            self.last_cost[m.product] = m.unit_cost
            return [Layer(m.id, m.unit_cost, m.quantity)], 0
        return [Layer(m.id, self.last_cost.get(m.product, ZERO), m.quantity)], m.quantity

    def _take(self, queue: list[Layer], quantity: int,
              m: LedgerMove) -> tuple[list[Layer], int]:
        """The oldest `quantity` units of `queue`, removed from it; a shortfall is valued at
        the last known cost and counted as guessed."""
        pieces, left = [], quantity
        while left and queue:
            head = queue[0]
            part = min(left, head.quantity)
            pieces.append(Layer(head.seq, head.unit_cost, part))
            head.quantity -= part
            left -= part
            if not head.quantity:
                queue.pop(0)
        if left:
            pieces.append(Layer(m.id, self.last_cost.get(m.product, ZERO), left))
        return pieces, left

    @staticmethod
    def _put(queue: list[Layer], pieces: list[Layer]) -> None:
        """Into the queue by age; a piece of a layer already there joins it."""
        for piece in pieces:
            at = bisect_left(queue, piece)
            while at < len(queue) and queue[at].seq == piece.seq:
                if queue[at].unit_cost == piece.unit_cost:
                    queue[at].quantity += piece.quantity
                    break
                at += 1
            else:
                queue.insert(at, Layer(piece.seq, piece.unit_cost, piece.quantity))

    # -- what is held ------------------------------------------------------------------------
    def quantity(self, product: int, location: int) -> int:
        return sum(l.quantity for l in self.layers.get((product, location), ()))

    def value_by_location(self) -> dict[int, Decimal]:
        values: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for (_, location), queue in self.layers.items():
            for layer in queue:
                values[location] += layer.unit_cost * layer.quantity
        return dict(values)

    def snapshot(self) -> dict[tuple[int, int], list[tuple[int, Decimal, int]]]:
        """The layers as plain tuples (seq, unit cost, quantity), oldest first."""
        return {k: [(l.seq, l.unit_cost, l.quantity) for l in q]
                for k, q in self.layers.items() if q}
