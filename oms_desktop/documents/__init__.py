"""Printed documents: `collect(...)` chooses the data, `render(data)` draws PDF or ZPL."""
