"""The franchise world on a real database of each kind."""

from __future__ import annotations

import pytest

from tests.brands.world import franchise_world


@pytest.fixture
def world(db, tmp_path):
    """(the database, the order ids per channel)."""
    return db, franchise_world(db, tmp_path)
