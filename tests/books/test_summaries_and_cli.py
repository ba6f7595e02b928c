"""Daily summaries per channel, currency and tax country, and the `books` commands as a
person types them: results as tables or JSON, bad input as one line and a non-zero exit."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from openpyxl import load_workbook

from oms_desktop.cli import main
from oms_desktop.model import SYSTEM
from oms_desktop.services import settings
from oms_desktop.services.books import posting, reconcile, summaries
from tests.books.qbo_emulator import REALM
from tests.books.world import QBO_MAP, postings, set_up_quickbooks, shipped


def _ship_on(db, monkeypatch, day: int, lines: dict, **kw) -> int:
    moment = datetime(2026, 11, day, 12, 0, tzinfo=timezone.utc)
    with monkeypatch.context() as clock:
        clock.setattr("oms_desktop.model.shipment.utcnow", lambda: moment)
        return shipped(db, lines, **kw)


def test_daily_summaries_post_one_document_per_day_channel_and_tax_country(
        db, books, qbo, monkeypatch):
    set_up_quickbooks(db, qbo)
    settings.write(db, actor=SYSTEM, key="books.mode", value="daily_summary")
    _ship_on(db, monkeypatch, 3, {"SKU-1": 1, "SKU-2": 1})
    _ship_on(db, monkeypatch, 3, {"SKU-1": 2})
    _ship_on(db, monkeypatch, 3, {"SKU-2": 2}, channel="MKT", currency="EUR", country="DE")
    _ship_on(db, monkeypatch, 4, {"SKU-2": 5})
    assert postings(db) == []  # nothing per order in this mode

    assert summaries.summarise(db, actor=SYSTEM, through=date(2026, 11, 4)) == 3
    assert summaries.summarise(db, actor=SYSTEM, through=date(2026, 11, 4)) == 0  # once
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 3

    web_3rd = next(d for d in qbo.all_docs() if d["DocNumber"] == "D20261103-WEB-US")
    items = [(l["SalesItemLineDetail"]["ItemRef"]["value"], l["SalesItemLineDetail"]["Qty"])
             for l in web_3rd["Line"] if l["Description"] != "Shipping"]
    assert items == [("1", 3), ("2", 1)]  # two orders' lines summed per SKU and price
    assert web_3rd["TotalAmt"] == 159.0  # 130 + 13 tax + 2 x 8 shipping
    report = reconcile.reconcile(db, target="quickbooks", first=date(2026, 11, 3),
                                 last=date(2026, 11, 4))
    assert report.balanced and len(report.rows) == 3


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_books_commands(db, db_url, books, cli_admin, qbo, capsys, tmp_path):
    code, _, err = _run(capsys, "books", "setup", "quickbooks", "--db", db_url,
                        "--setting", f"realm_id={REALM}", "--setting", f"base_url={qbo.url}",
                        "--setting", f"token_url={qbo.url}{qbo.token_path}")
    assert code == 0, err
    for kind, pairs in QBO_MAP.items():
        for key, value in pairs.items():
            if (kind, key) != ("tax", "DE"):
                assert _run(capsys, "books", "map", "quickbooks", kind, key, value,
                            "--db", db_url)[0] == 0
    shipped(db, {"SKU-1": 1})
    shipped(db, {"SKU-2": 1}, channel="MKT", currency="EUR", country="DE")

    # before anything is sent: what is unmapped, and for how many postings
    code, out, _ = _run(capsys, "books", "map", "quickbooks", "--missing", "--db", db_url)
    assert code == 3 and out.split("\n")[1].split()[:3] == ["tax", "DE", "1"]
    code, out, _ = _run(capsys, "books", "post", "quickbooks", "--db", db_url)
    assert code == 3 and out.split("\n")[1].split() == ["quickbooks", "1", "0", "1", "0"]
    code, out, _ = _run(capsys, "books", "status", "--json", "--db", db_url)
    shown = {p["number"]: p for p in json.loads(out)}
    assert {p["status"] for p in shown.values()} == {"posted", "blocked"}
    assert any("books map quickbooks tax DE" in (p["last_error"] or "") for p in shown.values())
    code, out, _ = _run(capsys, "books", "reconcile", "quickbooks", "--db", db_url)
    assert code == 3 and "difference:" in out and "is blocked" in out

    # the mapping fixed, the blocked one retried and posted: the books reconcile
    assert _run(capsys, "books", "map", "quickbooks", "tax", "de", "7", "--db", db_url)[0] == 0
    assert _run(capsys, "books", "retry", "quickbooks", "--db", db_url)[0] == 0
    assert _run(capsys, "books", "post", "quickbooks", "--db", db_url)[0] == 0
    assert _run(capsys, "books", "reconcile", "quickbooks", "--db", db_url)[0] == 0
    out_file = tmp_path / "journal.xlsx"
    code, _, _ = _run(capsys, "books", "journal", "--from", date.today().isoformat(),
                      "--out", str(out_file), "--db", db_url)
    assert code == 0 and load_workbook(out_file).active.max_row == 1 + 2 * 4  # 2 channels


def test_bad_input_is_one_line_and_a_non_zero_exit(db, db_url, books, cli_admin, capsys,
                                                   tmp_path):
    for argv, expected in (
            (["books", "journal", "--from", "2026-13-01", "--out", str(tmp_path / "j.csv")],
             "'2026-13-01' is not a date (YYYY-MM-DD)"),
            (["books", "journal", "--from", "2026-11-01", "--out", str(tmp_path / "j.pdf")],
             "--out must end in .csv or .xlsx"),
            (["books", "post", "quickbooks"], "No books target 'quickbooks' is set up"),
            (["books", "setup", "sage"], "No accounting target 'sage'"),
            (["books", "setup", "xero", "--setting", "colour=blue"], "Unknown setting(s)")):
        code, out, err = _run(capsys, *argv, "--db", db_url)
        assert code == 1 and err.count("\n") == 1 and expected in err, (argv, err)
    code, _, err = _run(capsys, "books", "map", "xero", "tax", "--db", db_url)
    assert code == 2 and err.count("\n") == 1
