"""What a new business has set up and what not yet: the dashboard's checklist and the
first-run wizard read the same steps, so a step skipped in the wizard stays on the list until
it is done. Also the company and brand names, the wizard's first step."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor, Channel, Location, LocationKind, Product, StockLevel, User,
)
from oms_desktop.model.location import SITE_KINDS
from oms_desktop.values import Role
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.storage import Database

COMPANY_KEY, BRANDS_KEY = "company.name", "company.brands"
CARRIERS_KEY, BOXES_KEY = "shipping.carriers", "floor.boxes"
WIZARD_DISMISSED = "setup.wizard_dismissed"


@dataclass(frozen=True)
class SetupStep:
    key: str
    title: str
    done: bool
    how: str  # what to do, in the window or on the command line


@dataclass(frozen=True)
class Company:
    name: str | None
    brands: tuple[str, ...]


def setup_steps(db: Database) -> list[SetupStep]:
    with db.uow(readonly=True) as uow:
        return steps_in(uow.session)


def steps_in(s: Session) -> list[SetupStep]:
    count = lambda q: s.scalar(sa.select(sa.func.count()).select_from(q.subquery()))  # noqa: E731
    kind_count = lambda kinds: count(sa.select(Location.id).where(Location.kind.in_(kinds)))  # noqa: E731
    return [
        SetupStep("company", "Company and brands", bool(settings.get(s, COMPANY_KEY)),
                  "set-up wizard, or: setup company NAME"),
        SetupStep("sites", "Sites, zones and bins", kind_count([LocationKind.bin]) > 0
                  and kind_count(list(SITE_KINDS)) > 0, "setup bins --csv FILE"),
        SetupStep("catalogue", "Catalogue", count(sa.select(Product.id)) > 0,
                  "setup catalogue --csv FILE, or catalogue sync CHANNEL"),
        SetupStep("stock", "Opening stock",
                  count(sa.select(StockLevel.id).where(StockLevel.on_hand > 0)) > 0,
                  "setup stock --csv FILE, or receive by scanning"),
        SetupStep("channels", "Sales channels", count(sa.select(Channel.id)) > 0,
                  "Channels screen, or: channels add"),
        SetupStep("carriers", "Carriers", any(c != "manual" for c in
                                              settings.get(s, CARRIERS_KEY, ["manual"])),
                  "Settings ▸ Carriers"),
        SetupStep("boxes", "Box catalogue", bool(settings.get(s, BOXES_KEY)),
                  "boxes add CODE L W H"),
        SetupStep("printers", "Printers", _printers_set(),
                  "set-up wizard, or: setup printer label …"),
        SetupStep("email", "Customer e-mail", bool(settings.get(s, "smtp.host")
                                                  and settings.get(s, "smtp.sender")),
                  "set-up wizard, or: setup email …"),
        SetupStep("users", "Users and roles", count(sa.select(User.id)) > 1,
                  "Settings ▸ Users, or: setup user NAME --role ROLE"),
    ]


def _printers_set() -> bool:
    """This station's own label or document printer (printers.json): a station thing, so
    each station's checklist says it for itself."""
    from oms_desktop.services import printer_setup

    try:
        station = printer_setup.station_printers()
    except (OSError, ValueError):
        return False
    return station.label is not None or station.document is not None


def wizard_due(db: Database, actor: Actor) -> bool:
    """Open the wizard by itself: for an admin, on a database with nothing set up yet (no
    company, no products: not the demo), unless someone dismissed it (WIZARD_DISMISSED)."""
    if actor.role != Role.admin:
        return False
    with db.uow(readonly=True) as uow:
        s = uow.session
        if settings.get(s, WIZARD_DISMISSED, False) or settings.get(s, COMPANY_KEY):
            return False
        return s.scalar(sa.select(Product.id).limit(1)) is None


def dismiss_wizard(db: Database, *, actor: Actor, dismissed: bool = True) -> None:
    settings.write(db, actor=actor, key=WIZARD_DISMISSED, value=dismissed)


def missing_steps(db: Database) -> list[SetupStep]:
    return [step for step in setup_steps(db) if not step.done]


def company(db: Database) -> Company:
    with db.uow(readonly=True) as uow:
        return Company(settings.get(uow.session, COMPANY_KEY),
                       tuple(settings.get(uow.session, BRANDS_KEY, [])))


def set_company(db: Database, *, actor: Actor, name: str,
                brands: tuple[str, ...] = ()) -> Company:
    """The business's name (on documents and the window's title) and its brands."""
    require(actor, "settings.edit")
    name = name.strip()
    if not name or len(name) > 128:
        raise ValidationError("A company name is 1 to 128 characters")
    clean = tuple(dict.fromkeys(b.strip() for b in brands if b.strip()))
    with db.uow() as uow:
        settings.put(uow.session, COMPANY_KEY, name)
        settings.put(uow.session, BRANDS_KEY, list(clean))
        uow.commit()
    return Company(name, clean)
