"""OAuth 2 refresh for the accounting targets: both QuickBooks and Xero hand out short-lived
access tokens for a refresh token that may change on any refresh, so the newest one is
stored at once (the old one may stop working)."""

from __future__ import annotations

import httpx

from oms_desktop.accounting.base import BooksApi
from oms_desktop.plugins import redaction
from oms_desktop.plugins.oauth import ExpiringTokenAuth, Token, post_for_token


def refresh_auth(api: BooksApi, *, title: str, token_url: str) -> ExpiringTokenAuth:
    def fetch() -> Token:
        sent = api.secret("refresh_token")
        body = post_for_token(token_url, title=title,
                              data={"grant_type": "refresh_token", "refresh_token": sent},
                              auth=(api.secret("client_id"), api.secret("client_secret")))
        redaction.remember(body["access_token"], body.get("refresh_token"))
        if body.get("refresh_token") and body["refresh_token"] != sent:
            api.store_secret("refresh_token", body["refresh_token"])
        return Token(body["access_token"], float(body.get("expires_in") or 1800))

    return ExpiringTokenAuth(fetch, expired=lambda r: r.status_code == 401)


def money(value) -> float:
    """An amount as the JSON number both APIs take (num-money, two decimals)."""
    return float(round(value, 2))


def json_or_empty(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
