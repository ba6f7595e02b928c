import pytest

from tests.books.qbo_emulator import QuickBooksEmulator
from tests.books.world import books_world, secrets_env
from tests.books.xero_emulator import XeroEmulator
from tests.keyrings import memory_keyring_installed


@pytest.fixture
def qbo():
    with QuickBooksEmulator() as emulator:
        yield emulator


@pytest.fixture
def xero():
    with XeroEmulator() as emulator:
        yield emulator


@pytest.fixture
def books(db, monkeypatch):
    """The world, with the targets' secrets in the environment and a keyring of its own."""
    books_world(db)
    secrets_env(monkeypatch, "quickbooks", "xero")
    with memory_keyring_installed() as ring:
        yield ring
