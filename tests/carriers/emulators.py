"""Local emulators of the EasyPost and Shippo HTTP APIs (apis.md sections 6 and 7): real HTTP
on 127.0.0.1, an ephemeral port per test, the documented auth, shapes, status codes, parcel
rules, label files, tracking and rate limiting (429, with or without Retry-After)."""

from tests.carriers.easypost_emulator import EZ_STATUSES, EasyPostEmulator
from tests.carriers.emulator_base import NOW, carrier_label
from tests.carriers.shippo_emulator import SHIPPO_HISTORY, ShippoEmulator

__all__ = ["EZ_STATUSES", "NOW", "SHIPPO_HISTORY", "EasyPostEmulator", "ShippoEmulator",
           "carrier_label"]
