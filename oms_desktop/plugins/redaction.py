"""Secrets out of every text that leaves a plugin: a remote's answer may echo the token we sent
(a 401 body, an error page, a URL with keys in its query), and that text is stored in the
database (sync runs, outbox errors), logged and shown. `redact(text)` replaces every secret
this process has used (each plugin's keys are remembered when its HTTP client is built or a
secret is read) and anything shaped like a bearer token, an API key or a `key=value` credential.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any, Iterable

MASK = "[redacted]"
MIN_SECRET = 6  # shorter values would mask ordinary words; no real key is this short

_CREDENTIAL_NAMES = (r"api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|"
                     r"client[_-]?secret|consumer[_-]?(?:key|secret)|secret|password|passwd|"
                     r"token|authorization|x-shopify-access-token|private[_-]?key")
_PATTERNS = [
    # Authorization schemes: "Bearer abc…", "Basic dXNl…", "ShippoToken shippo_…"
    (re.compile(r"(?i)\b(bearer|basic|token|shippotoken)(\s+)[A-Za-z0-9._~+/=-]{6,}"),
     rf"\1\2{MASK}"),
    # key=value, "key": "value", key: value (JSON, query strings, headers)
    (re.compile(rf"(?i)([\"']?\b(?:{_CREDENTIAL_NAMES})\b[\"']?\s*[:=]\s*[\"']?)"
                r"(?!\[redacted\])([^\s\"'&,;}]+)"), rf"\1{MASK}"),
    # well-known key shapes: Shopify, WooCommerce, Stripe-like, EasyPost, Shippo, JWTs
    (re.compile(r"\b(?:shp(?:at|ca|pa|ss)_[0-9a-fA-F]{16,}|c[ks]_[0-9a-fA-F]{20,}|"
                r"[sr]k_(?:live|test)_[0-9A-Za-z]{10,}|EZ[AT]K[0-9A-Za-z]{16,}|"
                r"shippo_(?:live|test)_[0-9a-fA-F]{16,}|"
                r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})\b"), MASK),
    # anything long and key-like: 32+ letters and digits mixed (no tracking number is), but
    # not the name of the variable a secret goes in (OMS_SECRET_BOOKS_S4HANA_PASSWORD)
    (re.compile(r"\b(?!OMS_SECRET_[A-Z0-9_]+\b)(?=[A-Za-z0-9_-]*\d)"
                r"(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b"), MASK),
]

_known: set[str] = set()
_lock = threading.Lock()


def remember(*values: Any) -> None:
    """Secrets this process uses; every later `redact` masks them."""
    with _lock:
        _known.update(v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET)


def secrets_in(headers: dict | None = None, auth: Any = None,
               params: dict | None = None) -> list[str]:
    """The credential values of an HTTP client's configuration."""
    found = [v for k, v in (headers or {}).items() if re.search(_CREDENTIAL_NAMES, k, re.I)]
    found += [v for k, v in (params or {}).items() if re.search(_CREDENTIAL_NAMES, k, re.I)]
    if isinstance(auth, (tuple, list)):
        found += [v for v in auth if isinstance(v, str)]
    return [str(v).split(" ", 1)[-1] for v in found if v]


def redact(text: str | None, extra: Iterable[str] = ()) -> str | None:
    """`text` with every known secret (and `extra`) and every credential-shaped run masked."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_known | {s for s in extra if s and len(s) >= MIN_SECRET},
                         key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacting_factory(make):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        record.msg, record.args = redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record
    factory.redacting = True
    return factory


def redact_logs() -> None:
    """Every log record from now on is redacted when it is made (idempotent)."""
    make = logging.getLogRecordFactory()
    if not getattr(make, "redacting", False):
        logging.setLogRecordFactory(_redacting_factory(make))
