"""Brand profiles: the sender name and address, logo, e-mail sender, returns wording and
e-mail templates of each brand, and which channels sell under it. The packing slip, the
label's return address, the RMA slip, the invoice and the customer e-mails of an order carry
the brand of the order's channel (`for_order`); an order whose channel has no brand carries
the company's, as before."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, PermissionDenied, ValidationError
from oms_desktop.model import (
    Actor, AuditEvent, Brand, Channel, Location, LocationKind, NotificationKind, Order,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.users import scope
from oms_desktop.storage import Database

TEXT_FIELDS = ("name", "sender_name", "address_line1", "address_line2", "city", "region",
               "postal_code", "country", "phone", "email_sender", "return_instructions")
FIELDS = TEXT_FIELDS + ("logo_path", "location", "active")
LOGO_TYPES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class BrandProfile:
    """What an order's documents and e-mails take from its brand."""

    code: str
    name: str
    sender_name: str
    address: tuple[str, ...]  # the sender's lines, name first
    logo_path: str | None
    email_sender: str | None
    return_instructions: str | None
    templates: dict = field(default_factory=dict)
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    def template(self, kind: str, language: str) -> tuple[str, str, str] | None:
        found = self.templates.get(f"{kind}.{language}") or self.templates.get(kind)
        return (found["subject"], found["body_text"], found["body_html"]) if found else None


@dataclass(frozen=True)
class BrandView:
    code: str
    name: str
    location: str | None
    sender_name: str
    address: tuple[str, ...]
    phone: str | None
    logo_path: str | None
    email_sender: str | None
    return_instructions: str | None
    channels: tuple[str, ...]
    templates: tuple[str, ...]
    active: bool
    fields: dict = field(default_factory=dict)  # the editable values, for the form


# -- use cases ---------------------------------------------------------------------------
def add_brand(db: Database, *, actor: Actor, code: str, name: str, **values) -> BrandView:
    """A new brand. Its sites: `location` (a brand location's code), else the brand
    location of the same code when there is one."""
    require(actor, "settings.edit")
    code = _code(code)
    with db.uow() as uow:
        s = uow.session
        if s.scalar(sa.select(Brand.id).where(Brand.code == code)) is not None:
            raise ValidationError(f"A brand {code!r} exists already: brands set {code} …")
        brand = Brand(code=code, name=_text(name, "name"), sender_name=_text(name, "name"),
                      templates={})
        values.setdefault("location", _same_code(s, code))
        _apply(s, brand, values)
        s.add(brand)
        s.flush()
        _audit(s, actor, brand, "create", values)
        uow.commit()
        return _view(s, brand)


def update_brand(db: Database, *, actor: Actor, code: str, **values) -> BrandView:
    require(actor, "settings.edit")
    with db.uow() as uow:
        s = uow.session
        brand = _mine(s, actor, code)
        _apply(s, brand, values)
        _audit(s, actor, brand, "update", values)
        uow.commit()
        return _view(s, brand)


def assign_channel(db: Database, *, actor: Actor, channel: str, brand: str | None) -> BrandView | None:
    """The channel's orders carry this brand from now on (None: the company's again)."""
    require(actor, "settings.edit")
    with db.uow() as uow:
        s = uow.session
        row = s.scalar(sa.select(Channel).where(Channel.code == channel))
        if row is None:
            raise NotFound(f"No channel {channel!r}")
        target = _mine(s, actor, brand) if brand else None
        row.brand_id = target.id if target else None
        s.add(AuditEvent.of(actor, entity="channel", entity_id=row.id, action="brand",
                            detail={"brand": brand}))
        uow.commit()
        return _view(s, target) if target else None


def set_template(db: Database, *, actor: Actor, code: str, kind: str, language: str | None,
                 subject: str, body_text: str, body_html: str) -> BrandView:
    """The brand's own e-mail of a kind (for one language, or all when None)."""
    require(actor, "settings.edit")
    _check_template(kind, (subject, body_text, body_html))
    with db.uow() as uow:
        brand = _mine(uow.session, actor, code)
        key = f"{kind}.{language}" if language else kind
        brand.templates = {**brand.templates, key: {
            "subject": subject, "body_text": body_text, "body_html": body_html}}
        _audit(uow.session, actor, brand, "template", {"template": key})
        uow.commit()
        return _view(uow.session, brand)


def list_brands(db: Database) -> list[BrandView]:
    with db.uow(readonly=True) as uow:
        brands = uow.session.scalars(sa.select(Brand).order_by(Brand.code))
        return [_view(uow.session, b) for b in brands]


def get_brand(db: Database, code: str) -> BrandView:
    with db.uow(readonly=True) as uow:
        return _view(uow.session, _brand(uow.session, code))


# -- for documents and e-mails (inside the caller's session) ------------------------------
def for_channel(session: Session, channel_id: int | None) -> BrandProfile | None:
    cache = session.info.setdefault("brands.of_channel", {})
    if channel_id not in cache:
        brand = session.scalar(sa.select(Brand).join(Channel, Channel.brand_id == Brand.id)
                               .where(Channel.id == channel_id, Brand.active.is_(True)))
        cache[channel_id] = _profile(brand) if brand else None
    return cache[channel_id]


def for_order(session: Session, order: Order | int) -> BrandProfile | None:
    """The brand of the order's channel, or None (the company's own name and address)."""
    if isinstance(order, int):
        channel_id = session.scalar(sa.select(Order.channel_id).where(Order.id == order))
    else:
        channel_id = order.channel_id
    return for_channel(session, channel_id)


def _profile(b: Brand) -> BrandProfile:
    return BrandProfile(b.code, b.name, b.sender_name, b.address_lines(), b.logo_path,
                        b.email_sender, b.return_instructions, dict(b.templates or {}),
                        b.address_line1, b.city, b.region, b.postal_code, b.country)


# -- helpers -----------------------------------------------------------------------------
def _check_template(kind: str, parts: tuple[str, str, str]) -> None:
    """A known kind, with only the placeholders the shared templates know."""
    from oms_desktop.services.automation.templates.notifications import PLACEHOLDERS

    if kind not in NotificationKind.__members__:
        raise ValidationError(f"Unknown notification {kind!r}: one of "
                              f"{', '.join(NotificationKind)}")
    for part in parts:
        unknown = set(string.Template(part).get_identifiers()) - PLACEHOLDERS
        if unknown or not string.Template(part).is_valid():
            raise ValidationError(f"Unknown placeholder(s) {', '.join(sorted(unknown)) or '$'}"
                                  f": use {', '.join('$' + p for p in sorted(PLACEHOLDERS))}")


def _code(code: str) -> str:
    text = (code or "").strip().upper()
    if not text or len(text) > 32 or not text.replace("-", "").replace("_", "").isalnum():
        raise ValidationError("A brand code is 1 to 32 letters and digits (with - _)")
    return text


def _text(value, what: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(f"The brand's {what.replace('_', ' ')} cannot be empty")
    return text


def _apply(session: Session, brand: Brand, values: dict) -> None:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"A brand has no {', '.join(sorted(unknown))}: one of "
                              f"{', '.join(FIELDS)}")
    for name in TEXT_FIELDS:
        if name in values:
            setattr(brand, name, _field(name, values[name]))
    if "logo_path" in values:
        brand.logo_path = check_logo(values["logo_path"]) if values["logo_path"] else None
    if "location" in values:
        brand.location_id = _brand_location(session, values["location"])
    if "active" in values:
        brand.active = bool(values["active"])


def _field(name: str, value):
    text = str(value).strip() if value is not None else ""
    if name in ("name", "sender_name"):
        return _text(text, name)
    if name == "country" and text and (len(text) != 2 or not text.isalpha()):
        raise ValidationError(f"A country is its two-letter code (DE, GB, US), not {text!r}")
    if name == "email_sender" and text and "@" not in parseaddr(text)[1]:
        raise ValidationError(f"{text!r} is not an e-mail sender (Name <address@example.com>)")
    return (text.upper() if name == "country" else text) or None


def check_logo(path: str) -> str:
    """An existing PNG or JPEG that the documents can draw; its absolute path."""
    from reportlab.lib.utils import ImageReader

    file = Path(str(path)).expanduser()
    if file.suffix.lower() not in LOGO_TYPES or not file.is_file():
        raise ValidationError(f"The logo must be a PNG or JPEG file that exists: {path}")
    try:
        ImageReader(str(file)).getSize()
    except Exception:  # noqa: BLE001 - reportlab says little more than "cannot read"
        raise ValidationError(f"The logo {path} is not a picture the documents can draw") \
            from None
    return str(file.resolve())


def _brand_location(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    found = session.scalar(sa.select(Location).where(Location.code == code))
    if found is None or found.kind != LocationKind.brand:
        raise ValidationError(f"{code!r} is not a brand location (its sites are under it)")
    return found.id


def _same_code(session: Session, code: str) -> str | None:
    return session.scalar(sa.select(Location.code).where(
        Location.code == code, Location.kind == LocationKind.brand))


def _brand(session: Session, code: str) -> Brand:
    brand = session.scalar(sa.select(Brand).where(Brand.code == (code or "").strip().upper()))
    if brand is None:
        raise NotFound(f"No brand {code!r}")
    return brand


def _mine(session: Session, actor: Actor, code: str) -> Brand:
    """A brand the person may change: any, or one of the brands they are limited to."""
    brand = _brand(session, code)
    seen = scope.of(session, actor)
    if not seen.everything and brand.location_id not in seen.nodes:
        raise PermissionDenied(f"{actor.name} keeps only their own brands, not {brand.code}")
    return brand


def _audit(session: Session, actor: Actor, brand: Brand, action: str, values: dict) -> None:
    session.add(AuditEvent.of(actor, entity="brand", entity_id=brand.id, action=action,
                              detail={k: str(v) for k, v in values.items()} or None))


def _view(session: Session, b: Brand) -> BrandView:
    location = session.scalar(sa.select(Location.code).where(Location.id == b.location_id)) \
        if b.location_id else None
    channels = tuple(session.scalars(sa.select(Channel.code).where(Channel.brand_id == b.id)
                                     .order_by(Channel.code)))
    values = {name: getattr(b, name) for name in TEXT_FIELDS}
    return BrandView(b.code, b.name, location, b.sender_name, b.address_lines(), b.phone,
                     b.logo_path, b.email_sender, b.return_instructions, channels,
                     tuple(sorted(b.templates or {})), b.active,
                     {**values, "logo_path": b.logo_path, "location": location})
