"""One page of raw orders validated one by one: those that parse become OrderDTOs, the others
Failures kept with their payload and the reason; the page's high-water mark is its newest
change. One bad order never stops the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from oms_desktop.connectors.dto import Failure, OrderDTO, Page, describe_error, high_water


def parsed_page(raws: list, parse: Callable[[Any], OrderDTO], *,
                ident: Callable[[Any], str | None],
                updated: Callable[[Any], datetime | None]) -> Page:
    page = Page(high_water=high_water(*(updated(r) for r in raws)))
    for raw in raws:
        try:
            page.orders.append(parse(raw))
        except Exception as exc:  # noqa: BLE001 - kept with the payload for a person
            page.failures.append(Failure(raw, describe_error(exc), ident(raw), updated(raw)))
    return page
