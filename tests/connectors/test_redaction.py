"""Secrets never reach the database, the log or the screen, even from a server that echoes the
credentials it received in its error answers."""

import base64
import json
import logging

import pytest
import sqlalchemy as sa

from oms_desktop.carriers.base import CarrierApi
from oms_desktop.carriers.easypost import EasyPostCarrier
from oms_desktop.model import SYSTEM, SyncRun
from oms_desktop.plugins.errors import AuthFailed
from oms_desktop.plugins.redaction import redact
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync
from tests.connectors.emulator_http import Response, serve

SHOPIFY_TOKEN = "shpat_" + "5f3c9a1be0d24c6f8a7b2e91d4c0f6a3"
EASYPOST_KEY = "EZTK" + "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"


def echoing_server():
    """Refuses everyone with 401, quoting back every header it was sent, as a careless
    server's error page does."""
    def app(request):
        sent = {k: v for k, v in request.headers.items()
                if k.lower() in ("x-shopify-access-token", "authorization")}
        return Response(401, {"errors": f"Invalid credentials {json.dumps(sent)}",
                              "query": request.query})
    return serve(app)


@pytest.fixture
def echo():
    server, url = echoing_server()
    yield url
    server.shutdown()


def everything_stored(db) -> str:
    with db.engine.connect() as conn:
        return repr([conn.exec_driver_sql(f'SELECT * FROM "{t}"').all()
                     for t in sa.inspect(db.engine).get_table_names()])


def test_a_sync_refused_by_a_server_that_echoes_the_token_stores_and_logs_no_secret(
        world, echo, memory_keyring, caplog):
    caplog.set_level(logging.DEBUG)
    channels.save_channel(world, actor=SYSTEM, kind="shopify", name="Echo", code="echo",
                          values={"shop_url": echo, "access_token": SHOPIFY_TOKEN,
                                  "location_id": "gid://shopify/Location/1"},
                          locations=["WH1"])

    result = sync.sync_orders(world, actor=SYSTEM, code="echo")

    assert result.status == "failed" and "HTTP 401" in result.error
    assert "X-Shopify-Access-Token" in result.error  # the echo is kept, the value is not
    assert SHOPIFY_TOKEN not in result.error
    with world.engine.connect() as conn:
        stored = conn.scalar(sa.select(SyncRun.error))
    assert "HTTP 401" in stored and SHOPIFY_TOKEN not in stored
    assert SHOPIFY_TOKEN not in everything_stored(world)
    assert SHOPIFY_TOKEN not in caplog.text


def test_a_carrier_error_shown_to_a_person_has_neither_the_key_nor_its_basic_auth_form(echo):
    carrier = EasyPostCarrier({"base_url": echo}, CarrierApi(secret=lambda _n: EASYPOST_KEY))
    basic = base64.b64encode(f"{EASYPOST_KEY}:".encode()).decode()

    with pytest.raises(AuthFailed) as caught:
        carrier.track(["1Z999AA10123456784"])

    text = str(caught.value)
    assert "refused our credentials (HTTP 401)" in text
    assert EASYPOST_KEY not in text and basic not in text


@pytest.mark.parametrize("text, secret", [
    ("Authorization: Bearer abc.def-ghi_12345", "abc.def-ghi_12345"),
    ('{"access_token": "tok_8f7e6d5c", "ok": false}', "tok_8f7e6d5c"),
    ("GET /wp-json/wc/v3/orders?consumer_key=ck_1a2b&consumer_secret=cs_3c4d failed",
     "cs_3c4d"),
    ("api_key=LIVEKEY123 was refused", "LIVEKEY123"),
    ("password: hunter2hunter2", "hunter2hunter2"),
    ("key shippo_live_0123456789abcdef0123456789abcdef01234567 unknown",
     "shippo_live_0123456789abcdef0123456789abcdef01234567"),
    ("token 9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c was revoked",
     "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c"),
])
def test_anything_shaped_like_a_credential_is_masked(text, secret):
    assert secret not in redact(text) and "[redacted]" in redact(text)


def test_ordinary_texts_are_left_alone():
    for text in ("Tracking 1Z999AA10123456784 delivered", "SSCC 00123456789012345675",
                 "Order #1001 has no line for SKU TEE-RED-M", "address: 1 Main St rejected"):
        assert redact(text) == text


def test_a_configured_secret_is_masked_wherever_it_appears():
    assert redact("the shop said sesame-open-42 is wrong",
                  extra=["sesame-open-42"]) == "the shop said [redacted] is wrong"
