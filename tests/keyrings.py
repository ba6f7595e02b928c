"""An in-memory keyring for tests: credentials are stored and read through the real keyring
API, and nothing touches the machine's own keyring."""

from __future__ import annotations

import contextlib

import keyring
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@contextlib.contextmanager
def memory_keyring_installed():
    """Use a fresh MemoryKeyring for the duration; the previous backend comes back after."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)
