"""Shopify's calculated query cost, as documented for the GraphQL Admin API
(shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits; help.shopify.com "Call limit";
Shopify's engineering post "Rate limiting GraphQL APIs by calculating query complexity"):

- a scalar or enum field costs 0, an object 1;
- a connection costs 2 plus `first` (or `last`) times the cost of one of its nodes, so nested
  connections multiply; `pageInfo`, `edges` and `cursor` add nothing of their own;
- an interface or union costs the most expensive of its possible selections;
- a mutation field costs 10.

The *requested* cost comes from the document alone, before execution; the *actual* cost from
what came back: a null object costs nothing and a connection costs the nodes it returned.
A list of objects that is not a connection is priced as one object (the documents say nothing
more about plain lists)."""

from __future__ import annotations

from graphql import (
    FieldNode, FragmentSpreadNode, GraphQLSchema, InlineFragmentNode, OperationType, Undefined,
    get_named_type, is_abstract_type, is_leaf_type, value_from_ast,
)

OBJECT_COST = 1
CONNECTION_COST = 2
MUTATION_COST = 10


def requested_cost(schema: GraphQLSchema, document, variables: dict) -> int:
    return sum(_Coster(schema, document, op, variables).requested_operation()
               for op in _operations(document))


def actual_cost(schema: GraphQLSchema, document, variables: dict, data: dict | None) -> int:
    return sum(_Coster(schema, document, op, variables).actual_operation(data)
               for op in _operations(document))


def _operations(document):
    return [d for d in document.definitions if d.kind == "operation_definition"]


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


class _Coster:
    def __init__(self, schema: GraphQLSchema, document, operation, variables: dict):
        self.schema, self.operation = schema, operation
        self.fragments = {d.name.value: d for d in document.definitions
                          if d.kind == "fragment_definition"}
        self.variables = {**_defaults(operation), **(variables or {})}

    # -- the walk shared by both costs ----------------------------------------------------------
    def fields(self, selection_set, type_):
        """The fields selected on a concrete `type_`, fragments expanded by type condition."""
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if not sel.name.value.startswith("__"):
                    yield sel
            elif self._applies(sel, type_):
                inner = sel if isinstance(sel, InlineFragmentNode) else \
                    self.fragments[sel.name.value]
                yield from self.fields(inner.selection_set, type_)

    def _applies(self, fragment, type_) -> bool:
        if isinstance(fragment, FragmentSpreadNode):
            fragment = self.fragments[fragment.name.value]
        if fragment.type_condition is None:
            return True
        condition = self.schema.get_type(fragment.type_condition.name.value)
        return condition is type_ or (is_abstract_type(condition)
                                      and self.schema.is_sub_type(condition, type_))

    def _field_type(self, parent, node: FieldNode):
        return get_named_type(parent.fields[node.name.value].type)

    def _size(self, node: FieldNode) -> int:
        for name in ("first", "last"):
            arg = next((a for a in node.arguments or () if a.name.value == name), None)
            if arg is not None:
                value = value_from_ast(arg.value, self.schema.get_type("Int"), self.variables)
                if value is not None and value is not Undefined:
                    return int(value)
        return 0

    def _node_selections(self, conn_node: FieldNode, conn_type):
        """(edges field or None, node field, node type) for each way the connection's nodes
        are selected: `nodes { … }` or `edges { node { … } }`."""
        for child in self.fields(conn_node.selection_set, conn_type):
            if child.name.value == "nodes":
                yield None, child, self._field_type(conn_type, child)
            elif child.name.value == "edges":
                edge = self._field_type(conn_type, child)
                for sub in self.fields(child.selection_set, edge):
                    if sub.name.value == "node":
                        yield child, sub, self._field_type(edge, sub)

    def _possible(self, type_):
        return self.schema.get_possible_types(type_) if is_abstract_type(type_) else [type_]

    # -- requested ------------------------------------------------------------------------------
    def requested_operation(self) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return MUTATION_COST * len(list(self.fields(self.operation.selection_set,
                                                        self.schema.mutation_type)))
        return self.requested(self.operation.selection_set, self.schema.query_type)

    def requested(self, selection_set, parent) -> int:
        return sum(self.requested_field(node, parent)
                   for node in self.fields(selection_set, parent))

    def requested_field(self, node: FieldNode, parent) -> int:
        ftype = self._field_type(parent, node)
        if is_leaf_type(ftype):
            return 0
        if ftype.name.endswith("Connection"):
            one = max((OBJECT_COST + self.requested(sel.selection_set, t)
                       for _, sel, t in self._node_selections(node, ftype)), default=0)
            return CONNECTION_COST + self._size(node) * one
        return OBJECT_COST + max(self.requested(node.selection_set, t)
                                 for t in self._possible(ftype))

    # -- actual ---------------------------------------------------------------------------------
    def actual_operation(self, data: dict | None) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return self.requested_operation()
        return self.actual(self.operation.selection_set, self.schema.query_type, data)

    def actual(self, selection_set, parent, value: dict | None) -> int:
        if not value:
            return 0
        return sum(self.actual_field(node, parent, value.get(_key(node)))
                   for node in self.fields(selection_set, parent))

    def actual_field(self, node: FieldNode, parent, value) -> int:
        ftype = self._field_type(parent, node)
        if is_leaf_type(ftype) or not value:
            return 0
        if ftype.name.endswith("Connection"):
            return CONNECTION_COST + max((self._returned(edges, sel, t, value)
                                          for edges, sel, t in self._node_selections(node, ftype)),
                                         default=0)
        items = value if isinstance(value, list) else [value]
        return OBJECT_COST + max(self.actual(node.selection_set, t, item)
                                 for t in self._possible(ftype) for item in items)

    def _returned(self, edges: FieldNode | None, sel: FieldNode, node_type,
                  connection: dict) -> int:
        if edges is None:
            nodes = connection.get(_key(sel)) or []
        else:
            nodes = [(e or {}).get(_key(sel)) for e in connection.get(_key(edges)) or []]
        return sum(OBJECT_COST + self.actual(sel.selection_set, node_type, n)
                   for n in nodes if n is not None)


def _defaults(operation) -> dict:
    out = {}
    for d in operation.variable_definitions or ():
        if d.default_value is not None and hasattr(d.default_value, "value"):
            out[d.variable.name.value] = d.default_value.value
    return out
