"""The packer at a station, as tests talk about them: scans and keys go in through the
window system, answers come out of the database and off the screen."""

from __future__ import annotations

from typing import NamedTuple

from oms_desktop.ui.widgets.banner import STYLES

GOOD, BAD = STYLES["good"][0], STYLES["bad"][0]
# The window sits at 0,0 (no window manager) at the 1440 x 900 the program asks for; right
# of the sidebar, the title, banner and header of a screen.
TOP_OF_SCREEN = (240, 30, 1440, 260)


class ScanRow(NamedTuple):
    value: str
    result: str
    message: str
    shipment_id: int | None


class Floor:
    def __init__(self, station, desk):
        self.station, self.desk, self.records = station, desk, desk.records

    def scan(self, code: str) -> ScanRow:
        """Scan `code` and return the scan the station recorded for it."""
        before = self.records.value("SELECT COALESCE(MAX(id), 0) FROM scan_events")
        self.station.scan(code)
        rows = self.records.wait_for(
            "SELECT value, result, message, shipment_id FROM scan_events WHERE id > ? "
            "ORDER BY id", before)
        assert rows, f"the station recorded no scan for {code!r}\n{self.station.output()}"
        return ScanRow(*rows[0])

    def opens(self, code: str) -> None:
        """Scan a document whose opening the screen shows without writing anything (an RMA
        at the intake bench) and wait, as a packer does, until the top of the screen says
        so in green, before the next scan."""
        before = self.station.screenshot()
        self.station.scan(code)
        assert self.station.changes(before, TOP_OF_SCREEN), f"nothing changed on {code!r}"
        assert self.sees(GOOD, f"opened-{code}"), f"{code!r} did not open"

    def sees(self, colour: str, name: str) -> bool:
        """Whether the screen shows a banner of `colour`; the screenshot is kept as
        <module folder>/<name>.png."""
        return self.station.shows(colour, self.desk.folder / f"{name}.png")

    def press(self, *keys: str) -> None:
        self.station.press(*keys)

    def type_by_hand(self, text: str) -> None:
        self.station.type_by_hand(text)
