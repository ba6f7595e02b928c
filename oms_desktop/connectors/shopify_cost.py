"""The requested cost of a GraphQL document, by Shopify's published formula (shopify.dev,
"GraphQL Admin API rate limits"), worked out before sending so that no query is refused as too
costly: a scalar costs 0, an object 1, a connection 2 plus `first` (or `last`) times the cost
of one node, a mutation 10. Only the document is read, not Shopify's schema, so a field is a
connection when it takes `first`/`last` and selects `nodes` or `edges`; fragments on
different types are alternatives (the dearest counts); `pageInfo` adds nothing. graphql-core
reads the documents; it is imported on first use (it costs a tenth of a second at start-up)."""

from __future__ import annotations

from functools import lru_cache

MAX_QUERY_COST = 1000  # the single-query limit, the same on every plan
MUTATION_COST = 10


def requested_cost(query: str, variables: dict | None = None) -> int:
    return _Coster(_parsed(query), variables or {}).total()


def fit(query: str, variables: dict, name: str, *, most: int,
        limit: int = MAX_QUERY_COST) -> int:
    """The largest value of the size variable `name`, at most `most`, whose query stays within
    `limit` (cost grows linearly with a connection's size)."""
    base = requested_cost(query, {**variables, name: 0})
    step = max(1, requested_cost(query, {**variables, name: 1}) - base)
    size = max(0, min(most, (limit - base) // step))
    while size > 0 and requested_cost(query, {**variables, name: size}) > limit:
        size -= 1
    return size


@lru_cache(maxsize=64)
def _parsed(query: str):
    from graphql import parse

    return parse(query)


def _value(node, variables: dict | None = None):
    from graphql import value_from_ast_untyped

    return value_from_ast_untyped(node, variables)


def _is_field(node, *names: str) -> bool:
    return node.kind == "field" and (not names or node.name.value in names)


class _Coster:
    def __init__(self, document, variables: dict):
        self.fragments = {d.name.value: d for d in document.definitions
                          if d.kind == "fragment_definition"}
        self.operations = [d for d in document.definitions if d.kind == "operation_definition"]
        self.variables = variables

    def total(self) -> int:
        return sum(self._operation(op) for op in self.operations)

    def _operation(self, op) -> int:
        defaults = {d.variable.name.value: _value(d.default_value)
                    for d in op.variable_definitions or () if d.default_value is not None}
        self.variables = {**defaults, **self.variables}
        if op.operation.value == "mutation":
            return MUTATION_COST * len(op.selection_set.selections)
        return self._selection(op.selection_set)

    def _selection(self, selection_set) -> int:
        """Fields plus the dearest alternative among fragments on a type."""
        plain, by_type = 0, {}
        for sel in selection_set.selections if selection_set else ():
            if _is_field(sel):
                plain += self._field(sel)
                continue
            fragment = self.fragments[sel.name.value] if sel.kind == "fragment_spread" else sel
            on = fragment.type_condition.name.value if fragment.type_condition else None
            cost = self._selection(fragment.selection_set)
            if on is None:
                plain += cost
            else:
                by_type[on] = by_type.get(on, 0) + cost
        return plain + max(by_type.values(), default=0)

    def _field(self, field) -> int:
        if field.selection_set is None or field.name.value == "pageInfo":
            return 0
        size = self._size(field)
        if size is not None and self._is_connection(field):
            return 2 + size * self._node(field.selection_set)
        return 1 + self._selection(field.selection_set)

    def _size(self, field) -> int | None:
        for arg in field.arguments or ():
            if arg.name.value in ("first", "last"):
                value = _value(arg.value, self.variables)
                return int(value or 0)
        return None

    def _is_connection(self, field) -> bool:
        return any(_is_field(s, "nodes", "edges") for s in field.selection_set.selections)

    def _node(self, connection_selection) -> int:
        """One node of a connection: `nodes { … }` or `edges { node { … } }`."""
        best = 0
        for sel in connection_selection.selections:
            if _is_field(sel, "nodes"):
                best = max(best, 1 + self._selection(sel.selection_set))
            elif _is_field(sel, "edges"):
                best = max(best, self._edge(sel.selection_set))
        return best

    def _edge(self, edge_selection) -> int:
        return max((1 + self._selection(s.selection_set) for s in edge_selection.selections
                    if _is_field(s, "node")), default=0)
