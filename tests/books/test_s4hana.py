"""SAP S/4HANA Cloud's sales order API: shipped orders become sales orders made by deep
insert with a CSRF token and its session, fetched again once when it goes stale; our number
in PurchaseOrderByCustomer is looked up first, so neither a retry after a 5xx nor a poster
killed after S/4 answered makes an order twice; S/4's refusals are one line; refunds are not
taken (the API has no credit memo) and the reconciliation says so."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from oms_desktop.accounting import s4hana
from oms_desktop.accounting.base import DocLine, Document, Mapped, Refused
from oms_desktop.model import SYSTEM
from oms_desktop.plugins.errors import AuthFailed
from oms_desktop.plugins.secrets import SERVICE
from oms_desktop.services.books import mappings, outbox, posting, reconcile, targets
from tests.books import s4_emulator
from tests.books.s4_emulator import S4Emulator
from tests.keyrings import memory_keyring_installed
from tests.books.world import CHAIN, _map, business_customer, postings, refunded_unit, shipped

S4_MAP = {"customer": {"WEB": "17100001", "MKT": "17100002", CHAIN: "17100003"},
          "item": {"SKU-1": "MZ-FG-R100", "SKU-2": "MZ-FG-R200"}}
AREA = {"sales_organization": "1710", "distribution_channel": "10"}


@pytest.fixture
def s4():
    with S4Emulator() as emulator:
        yield emulator


def set_up_s4(db, s4, monkeypatch, *, skip: tuple = (), **settings) -> None:
    for field, value in (("username", s4_emulator.USER), ("password", s4_emulator.PASSWORD)):
        monkeypatch.setenv(targets.secret_ref("s4hana", field).env_name, value)
    targets.set_up(db, actor=SYSTEM, name="s4hana",
                   values={"base_url": s4.url + s4_emulator.ROOT, **AREA, **settings})
    _map(db, "s4hana", S4_MAP, skip)


def _post(db, waits: list | None = None):
    with db.uow(readonly=True) as uow:
        config = targets.target_settings(uow.session, "s4hana")
    plugin = targets.build("s4hana", config, sleep=(waits if waits is not None else []).append)
    return posting.post_pending(db, actor=SYSTEM, target="s4hana", plugin=plugin)


def test_shipped_orders_become_sales_orders_made_once_with_a_csrf_token(
        db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    shipped(db, {"SKU-1": 2, "SKU-2": 1}, discount="5.00")
    shipped(db, {"SKU-2": 3}, channel="MKT", currency="EUR", country="DE", tax_rate="0.19")

    assert _post(db).posted == 2
    assert _post(db).posted == 0  # nothing left to send

    assert s4.fetches == 1 and s4.csrf_refusals == 0  # one token for the run's writes
    first, second = s4.all_orders()
    assert (first["SoldToParty"], first["SalesOrganization"], first["SalesOrderType"]) == (
        "17100001", "1710", "OR")
    assert [(i["SalesOrderItem"], i["Material"], i["RequestedQuantity"])
            for i in first["to_Item"]["results"]] == [("10", "MZ-FG-R100", "2"),
                                                      ("20", "MZ-FG-R200", "1")]
    assert first["SalesOrderDate"] == s4hana.odata_date(date.today())
    assert (second["SoldToParty"], second["TransactionCurrency"]) == ("17100002", "EUR")
    by_number = {p.number: p for p in postings(db)}
    assert set(by_number) == {o["PurchaseOrderByCustomer"] for o in s4.all_orders()}
    mine = by_number[first["PurchaseOrderByCustomer"]]
    assert (mine.status.value, mine.remote_id) == ("posted", first["SalesOrder"])
    assert first["TotalNetAmount"] == "90.00"  # S/4's own prices, net of tax and freight
    assert mine.remote_total == Decimal("90.00") and mine.amount == Decimal("101.50")


def test_a_refund_is_not_taken_and_the_reconciliation_says_so(db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    order = shipped(db, {"SKU-2": 2})
    rma = refunded_unit(db, order, "SKU-2")

    assert [p.kind for p in postings(db)] == ["sale"]  # the refund was not queued
    assert outbox.takes("s4hana", "refund") is False
    assert _post(db).posted == 1
    report = reconcile.reconcile(db, target="s4hana", first=date.today(), last=date.today())
    refund_line = [d for d in report.differences if "-R" in d]
    assert len(refund_line) == 1 and "not taken by s4hana" in refund_line[0], rma
    asked = len(s4.requests)
    with pytest.raises(Refused, match="a refund is not taken by this target"):
        _plugin(s4).post(_doc("refund"), Mapped({}), key="k1")
    assert len(s4.requests) == asked  # refused here, nothing faked at S/4


def test_a_business_customers_invoice_is_a_sales_order_and_its_payment_is_not_taken(
        db, books, s4, monkeypatch):
    from oms_desktop.services.b2b import invoices
    set_up_s4(db, s4, monkeypatch)
    shipped(db, {"SKU-1": 3, "SKU-2": 2}, customer_id=business_customer(db))
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="140.00",
                            received_on=inv.due_on, reference="CHK-5521")

    assert _post(db).posted == 1
    assert [(p.kind, p.status.value) for p in postings(db)] == [("invoice", "posted")]
    [order] = s4.all_orders()
    assert (order["SoldToParty"], order["PurchaseOrderByCustomer"]) == ("17100003", inv.number)
    assert order["TotalNetAmount"] == "140.00"


def test_a_stale_csrf_token_is_fetched_again_once(db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    shipped(db, {"SKU-1": 1})
    shipped(db, {"SKU-2": 1})
    s4.expire_sessions(after_orders=1)  # the session times out between the two postings

    assert _post(db).posted == 2
    assert (s4.fetches, s4.csrf_refusals, len(s4.all_orders())) == (2, 1, 2)

    s4.refuse_every_token = True  # a token S/4 refuses even when fresh: no loop
    shipped(db, {"SKU-2": 2})
    with pytest.raises(AuthFailed, match="refused a freshly fetched CSRF token"):
        _post(db)
    assert s4.csrf_refusals == 3 and s4.fetches == 4
    assert postings(db)[-1].status.value == "pending"  # given back, to go when fixed


def test_s4s_refusals_are_one_line_and_sent_again_once_the_mapping_is_fixed(
        db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    mappings.set_mapping(db, actor=SYSTEM, target="s4hana", kind="item", key="SKU-2",
                         value="MZ-GONE")
    mappings.set_mapping(db, actor=SYSTEM, target="s4hana", kind="customer", key="MKT",
                         value="99999")
    shipped(db, {"SKU-1": 1, "SKU-2": 1})
    shipped(db, {"SKU-1": 1}, channel="MKT", currency="EUR", country="DE")

    result = _post(db)

    assert (result.posted, result.failed) == (0, 2)
    errors = [p.last_error for p in postings(db)]
    assert errors == ["SAP S/4HANA Cloud refused it: Material MZ-GONE does not exist (V1/392)",
                      "SAP S/4HANA Cloud refused it: Sold-to party 99999 is not defined for "
                      "this sales area; Customer 99999 does not exist (V1/322)"]
    mappings.set_mapping(db, actor=SYSTEM, target="s4hana", kind="item", key="SKU-2",
                         value="MZ-FG-R200")
    assert posting.retry(db, actor=SYSTEM, target="s4hana") == 2
    assert (_post(db).posted, len(s4.all_orders())) == (1, 1)


def test_a_wrong_sales_area_and_a_wrong_password_are_one_clear_line(db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch, division="99")
    shipped(db, {"SKU-1": 1})
    assert _post(db).failed == 1
    assert postings(db)[0].last_error == ("SAP S/4HANA Cloud refused it: Sales area 1710/10/99 "
                                          "or order type OR is not defined (V1/320)")
    monkeypatch.setenv(targets.secret_ref("s4hana", "password").env_name, "wrong")
    with pytest.raises(AuthFailed) as caught:
        _plugin(s4).post(_doc("sale"), Mapped({("customer", "WEB"): "17100001",
                                               ("item", "SKU-1"): "MZ-FG-R100"}), key="k")
    assert "refused our credentials (HTTP 401)" in str(caught.value)
    assert "\n" not in str(caught.value) and "wrong" not in str(caught.value)


def test_a_missing_password_says_where_it_goes(s4, monkeypatch):
    monkeypatch.setenv(targets.secret_ref("s4hana", "username").env_name, s4_emulator.USER)
    with memory_keyring_installed(), pytest.raises(AuthFailed) as caught:
        _plugin(s4).post(_doc("sale"), Mapped({("customer", "WEB"): "17100001",
                                               ("item", "SKU-1"): "MZ-FG-R100"}), key="k")
    assert str(caught.value) == (
        "The password of books target s4hana is not set; store it with: keyring set "
        "oms-desktop books:s4hana:password, or set the environment variable "
        "OMS_SECRET_BOOKS_S4HANA_PASSWORD")  # a name, not a secret: never masked
    assert s4.requests == []


def test_a_number_with_a_quote_is_found_again_instead_of_made_twice(s4, monkeypatch):
    for field, value in (("username", s4_emulator.USER), ("password", s4_emulator.PASSWORD)):
        monkeypatch.setenv(targets.secret_ref("s4hana", field).env_name, value)
    doc = Document("sale", "O'BRIEN-7-S1", "O'BRIEN-7", date.today(), "WEB", "USD", "US",
                   (DocLine("SKU-1", "Widget", 1, Decimal("40.00")),))
    mapped = Mapped({("customer", "WEB"): "17100001", ("item", "SKU-1"): "MZ-FG-R100"})
    first = _plugin(s4).post(doc, mapped, key="k")
    again = _plugin(s4).post(doc, mapped, key="k")  # a retry by another run
    assert again == first and len(s4.writes()) == 1
    assert s4.all_orders()[0]["PurchaseOrderByCustomer"] == "O'BRIEN-7-S1"


def test_429_waits_and_a_5xx_after_the_order_was_made_finds_it_instead_of_a_second(
        db, books, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    shipped(db, {"SKU-1": 1})
    s4.fail_next_post(429)  # slow down (Retry-After: 0): the kit waits and sends again
    s4.fail_next_post(504, after_making=True)  # the gateway gave up; the back end did not
    waits: list[float] = []

    assert _post(db, waits).posted == 1

    assert len(s4.all_orders()) == 1 and len(s4.writes()) == 2
    assert waits[0] == 0 and len(waits) == 2  # the 429's Retry-After, then one backoff
    (p,) = postings(db)
    assert p.remote_id == s4.all_orders()[0]["SalesOrder"]


def _plugin(s4) -> s4hana.S4HanaTarget:
    return targets.build("s4hana", {"base_url": s4.url + s4_emulator.ROOT, **AREA},
                         sleep=lambda s: None)


def _doc(kind: str) -> Document:
    return Document(kind, "#1001-S1", "#1001", date.today(), "WEB", "USD", "US",
                    (DocLine("SKU-1", "Widget", 1, Decimal("40.00")),))


def test_odata_dates_are_utc_midnight_in_milliseconds():
    assert s4hana.odata_date(date(2024, 1, 2)) == "/Date(1704153600000)/"  # apis-wave2 §5b
    moment = datetime(2026, 12, 5, tzinfo=timezone.utc)
    assert s4hana.odata_date(moment.date()) == f"/Date({int(moment.timestamp()) * 1000})/"


def test_pyodata_reads_the_emulators_metadata_and_creates_and_reads_a_sales_order(s4):
    pyodata = pytest.importorskip("pyodata")
    requests = pytest.importorskip("requests")
    url = s4.url + s4_emulator.ROOT
    session = requests.Session()
    session.auth = (s4_emulator.USER, s4_emulator.PASSWORD)
    client = pyodata.Client(url, session)  # reads $metadata
    assert {p.name for p in client.schema.entity_type("A_SalesOrderType").proprties()} >= {
        "SalesOrder", "SoldToParty", "PurchaseOrderByCustomer", "TotalNetAmount"}
    order = dict(SalesOrderType="OR", SalesOrganization="1710", DistributionChannel="10",
                 OrganizationDivision="00", SoldToParty="17100002",
                 PurchaseOrderByCustomer="WEB-1001",
                 SalesOrderDate=datetime(2026, 12, 5, tzinfo=timezone.utc),
                 to_Item=[{"SalesOrderItem": "10", "Material": "MZ-FG-R100",
                           "RequestedQuantity": "2"}])
    with pytest.raises(pyodata.exceptions.HttpError) as refused:  # no CSRF token yet
        client.entity_sets.A_SalesOrder.create_entity().set(**order).execute()
    assert refused.value.response.status_code == 403
    assert refused.value.response.headers["x-csrf-token"] == "Required"

    fetched = session.get(url, headers={"x-csrf-token": "Fetch"})
    session.headers["x-csrf-token"] = fetched.headers["x-csrf-token"]
    made = client.entity_sets.A_SalesOrder.create_entity().set(**order).execute()

    again = client.entity_sets.A_SalesOrder.get_entity(made.SalesOrder).expand(
        "to_Item").execute()
    assert (again.SoldToParty, again.SalesOrderDate.date()) == ("17100002", date(2026, 12, 5))
    assert [(i.Material, Decimal(str(i.RequestedQuantity))) for i in again.to_Item] == [
        ("MZ-FG-R100", Decimal(2))]
    assert Decimal(str(again.TotalNetAmount)) == Decimal("80.00")
    found = client.entity_sets.A_SalesOrder.get_entities().filter(
        "PurchaseOrderByCustomer eq 'WEB-1001'").execute()
    assert [o.SalesOrder for o in found] == [made.SalesOrder]


@pytest.mark.parametrize("change, words", [
    ({"RequestedQuantity": 2}, "Property 'RequestedQuantity' has an invalid value 2"),
    ({"Material": None}, "Fill in the required fields Material"),
    ({"Material": "X" * 41}, "Property 'Material' has an invalid value"),
    ({"Plant": "1710"}, "Property 'Plant' is invalid"),
])
def test_the_emulator_refuses_what_s4_would(s4, change, words):
    """The emulator is as strict as the published field list: a test against it can fail.
    (The communication user's secrets come from the keyring here.)"""
    with memory_keyring_installed() as ring:
        for field, value in (("username", s4_emulator.USER),
                             ("password", s4_emulator.PASSWORD)):
            ring.set_password(SERVICE, targets.secret_ref("s4hana", field).keyring_user, value)
        plugin = _plugin(s4)
        body = plugin.body(_doc("sale"), Mapped({("customer", "WEB"): "17100001",
                                                 ("item", "SKU-1"): "MZ-FG-R100"}))
        body["to_Item"][0].update(change)
        with pytest.raises(Refused, match=words.replace("(", r"\(")):
            plugin._write("A_SalesOrder", body)
    assert s4.all_orders() == []


def test_books_setup_s4hana_through_the_command_line(db, db_url, books, cli_admin, s4, capsys):
    from oms_desktop.cli import main
    code = main(["books", "setup", "s4hana", "--db", db_url, "--json",
                 "--setting", f"base_url={s4.url}{s4_emulator.ROOT}",
                 "--setting", "sales_organization=1710", "--setting", "distribution_channel=10"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert '"division": "00"' in out and '"order_type": "OR"' in out
    assert main(["books", "setup", "s4hana", "--db", db_url, "--setting",
                 f"base_url={s4.url}", "--setting", "sales_organization=1710"]) != 0
    err = capsys.readouterr().err.strip()
    assert err == ("oms-desktop: error: Setting 'Distribution channel' (distribution_channel) "
                   "is required")
