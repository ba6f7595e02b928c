"""One station allocating every verified order, as its own process, for the crash test:
`python -m tests.races.allocate_all URL`. It says "ready" once connected, then allocates."""

from __future__ import annotations

import sys

from oms_desktop import bootstrap
from oms_desktop.model import SYSTEM
from oms_desktop.services.orders import allocation
from oms_desktop.storage import Database


def main(url: str) -> None:
    bootstrap.start()
    db = Database(url)
    db.check()
    print("ready", flush=True)
    result = allocation.allocate_orders(db, actor=SYSTEM)
    print(f"allocated {len(result.results) - len(result.failed)}", flush=True)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
