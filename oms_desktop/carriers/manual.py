"""`manual`: the own fleet, a local courier, or no carrier account. Rates come from its
settings, tracking numbers from a sequence the host keeps, labels are rendered locally (each
package with its SSCC-18 carton barcode)."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.carriers.base import (
    Carrier, CarrierError, Label, Rate, ShipmentDTO, TrackingUpdate,
)
from oms_desktop.documents import labels, zpl
from oms_desktop.plugins.settings import SettingField

DEFAULT_SERVICES = [{"service": "Courier", "amount": "0.00", "days": 1}]


class ManualCarrier(Carrier):
    name = "manual"
    title = "Own fleet / local courier"
    SETTINGS = (
        SettingField("services", "Services and rates", "list", default=DEFAULT_SERVICES,
                     help="[{service, amount, days}] offered as rates"),
        SettingField("prefix", "Tracking number prefix", default="LC"),
        SettingField("digits", "Digits of the running number", "int", default=10),
        SettingField("dpi", "Label resolution (203 or 300)", "int", default=203),
        SettingField("currency", "Currency", default="USD"),
    )

    def rates(self, shipment: ShipmentDTO) -> list[Rate]:
        return [Rate(self.name, s["service"], Decimal(str(s["amount"])),
                     self.settings["currency"], s.get("days"), f"manual:{s['service']}")
                for s in self.settings["services"]]

    def tracking_number(self) -> str:
        number = self.api.next_number("manual.tracking")
        digits = self.settings["digits"]
        if number >= 10 ** digits:
            raise CarrierError(f"The manual tracking sequence ran out of {digits} digits")
        return f"{self.settings['prefix']}{number:0{digits}d}"

    def buy(self, shipment: ShipmentDTO, rate: Rate, label_format: str) -> Label:
        tracking = self.tracking_number()
        data = labels.collect(shipment, tracking_number=tracking, carrier=self.name,
                              service=rate.service)
        dpi = self.settings["dpi"]
        content = (labels.render_pdf(data, dpi=dpi) if label_format == "pdf"
                   else zpl.render(data, dpi=dpi).encode("utf-8"))
        return Label(tracking, content, label_format, rate.amount, rate.currency,
                     carrier_ref=None, service=rate.service,
                     sscc=tuple(p.sscc for p in shipment.parcels if p.sscc))

    def void(self, label: Label) -> None:
        """Nothing was bought, so nothing to refund; the number is simply not reused."""

    def track(self, tracking_numbers: list[str], *,
              providers: dict[str, str] | None = None) -> list[TrackingUpdate]:
        return []
