"""A station's printer profiles, edited from Settings and the set-up (printers.json, this
station's own), and the test prints that prove them: a 4x6 label with a barcode on the label
printer, a one-line pick list on the document printer, each in the form the printer takes
(ZPL for a thermal printer, PDF for a system printer)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from oms_desktop.devices import printing
from oms_desktop.devices.printing import PrinterError, PrinterProfile, StationPrinters
from oms_desktop.documents import labels, picklist, zpl
from oms_desktop.errors import ValidationError
from oms_desktop.storage import Database
from oms_desktop.services import settings

TEST_CODE = "TEST0000000001"


def station_printers(path: Path | None = None) -> StationPrinters:
    return printing.load_station(path)


def save_printers(*, label: dict | None, document: dict | None,
                  path: Path | None = None) -> StationPrinters:
    """Check and keep this station's label and document printers (None: none)."""
    made = StationPrinters(_profile(label), _profile(document),
                           printing.load_station(path).others)
    printing.save_station(made, path)
    return made


def save_printer(*, role: str, values: dict | None, path: Path | None = None) -> StationPrinters:
    """Keep one of this station's printers ("label" or "document"; None values: none), the
    other as it is."""
    if role not in ("label", "document"):
        raise ValidationError(f"A station printer is the label or the document printer, not "
                              f"{role!r}")
    current = printing.load_station(path)
    made = StationPrinters(_profile(values) if role == "label" else current.label,
                           _profile(values) if role == "document" else current.document,
                           current.others)
    printing.save_station(made, path)
    return made


def _profile(values: dict | None) -> PrinterProfile | None:
    if not values:
        return None
    profile = PrinterProfile.from_dict(values)
    if profile.kind == "zpl_tcp" and not profile.host:
        raise ValidationError(f"Printer {profile.name}: a network label printer needs a host")
    if profile.kind == "cups_raw" and not profile.queue:
        raise ValidationError(f"Printer {profile.name}: a CUPS printer needs its queue name")
    return profile


def test_label(db: Database, profile: PrinterProfile) -> str:
    company = settings.read(db, "company.name", "Your company")
    data = labels.LabelData((company, "Test print"), ("Label printer test", profile.name),
                            "test", "test", TEST_CODE, "TEST", "1 of 1", "0.00 kg")
    if profile.takes_zpl:
        printing.send(profile, zpl.render([data], dpi=profile.dpi).encode("utf-8"), "zpl")
    else:
        printing.send(profile, labels.render_pdf([data], dpi=profile.dpi), "pdf")
    return f"Test label sent to {profile.describe()}"


def test_pick_list(profile: PrinterProfile) -> str:
    if profile.takes_zpl:
        raise PrinterError(f"{profile.describe()} prints labels; pick lists go to a document "
                           "printer")
    data = picklist.PickListData(
        "TEST", "test", "set-up", datetime.now(timezone.utc),
        (picklist.PickRow(1, "A-01", TEST_CODE, "Pick list printer test", 1, "1×1"),),
        ((1, "TEST"),))
    paper = profile.paper if profile.paper in ("A4", "Letter") else "A4"
    printing.send(profile, picklist.render_pdf(data, paper), "pdf")
    return f"Test pick list sent to {profile.describe()}"
