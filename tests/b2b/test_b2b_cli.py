"""The wholesale desk from the command line: an account, a partner, prices, an 850 through
the drop folder, the 855 written out, and what fails says so in one line."""

import json
from decimal import Decimal

import pypdfium2

from oms_desktop.cli import main
from tests.b2b.acts import packed_b2b_shipments, ship
from tests.b2b.world import po_850
from tests.factories import small_world
from tests.floor_fixtures import stock_up


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_chain_is_set_up_and_its_850_answered_from_the_command_line(db, cli_admin, capsys,
                                                                      tmp_path):
    small_world(db)
    stock_up(db, {("SKU-1", "WH1-A-01"): 20, ("SKU-2", "WH1-A-02"): 3})
    url = db.url
    assert run(capsys, "b2b", "edi", "identity", "ACMEOMS", "--db", url)[0] == 0
    code, out, _ = run(capsys, "b2b", "account", "Corner Stores Inc", "--terms", "2/10 net 30",
                       "--credit-limit", "1000", "--group", "chains", "--db", url)
    assert code == 0 and "2/10 net 30" in out
    assert run(capsys, "b2b", "partner", "Corner Stores Inc", "--isa-id", "CORNERSTORES",
               "--db", url)[0] == 0
    assert run(capsys, "b2b", "price", "SKU-1", "9.00", "--group", "chains", "--min-qty", "10",
               "--db", url)[0] == 0

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.x12").write_text(po_850())
    (inbox / "b.x12").write_text(po_850(number="PO-9", control=102).replace("SE*11", "SE*3"))
    code, out, _ = run(capsys, "b2b", "edi", "receive", str(inbox), "--db", url, "--json")
    results = {r["file_name"]: r for r in json.loads(out)}
    assert code == 2, "a rejected file makes the run fail"
    assert results["a.x12"]["ok"] and [o["po_number"] for o in results["a.x12"]["orders"]] == \
        ["PO-4711"]
    assert "Count in SE-SE01 is 3" in results["b.x12"]["message"]
    assert (inbox / "rejected" / "b.x12.error.txt").read_text().startswith("not a sound X12")

    code, out, _ = run(capsys, "b2b", "edi", "send", str(tmp_path / "out"), "--db", url)
    assert code == 0 and "855_CORNERSTORES_000000001.x12" in out
    assert run(capsys, "b2b", "edi", "send", str(tmp_path / "out"), "--db", url)[1].count(
        ".x12") == 0, "each document is sent once"

    code, out, err = run(capsys, "b2b", "po", "add", "Corner Stores Inc", "--po", "PO-4711",
                         "--line", "SKU-1:2", "--db", url)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "PO-4711 of Corner Stores Inc was already received as order PO-4711" in err
    code, out, _ = run(capsys, "b2b", "po", "add", "Corner Stores Inc", "--po", "PO-5",
                       "--line", "SKU-1:10", "--line", "4006381333931:2", "--ship-name",
                       "Corner Store 9", "--ship-line1", "9 Oak Street", "--ship-city", "Joliet",
                       "--ship-region", "IL", "--ship-postal-code", "60431", "--db", url,
                       "--json")
    [po] = json.loads(out)
    # ten mugs reach the chains' break (9.00), the two scanned by barcode do not (list 12.50)
    assert code == 0 and (po["status"], Decimal(po["total"])) == ("verified", Decimal(115))
    assert [(l["sku"], l["quantity"], Decimal(l["unit_price"])) for l in po["lines"]] == [
        ("SKU-1", 10, Decimal(9)), ("SKU-1", 2, Decimal("12.5"))]
    code, _, err = run(capsys, "b2b", "invoice", "pay", "INV-000404", "10", "--db", url)
    assert code == 1 and "No invoice 'INV-000404'" in err and "Traceback" not in err
    code, out, _ = run(capsys, "b2b", "aging", "--db", url)
    assert code == 0 and out.startswith("customer")

    # a shipment goes out: its invoice is listed, written as PDF, aged, paid
    [sid] = packed_b2b_shipments(db, 1)
    ship(db, {"shipments": [sid]}, 0)
    code, out, _ = run(capsys, "b2b", "invoice", "list", "--state", "open", "--db", url)
    assert code == 0 and "INV-000001" in out and "Corner Stores Inc" in out
    pdf = tmp_path / "inv.pdf"
    assert run(capsys, "b2b", "invoice", "pdf", "INV-000001", str(pdf), "--db", url)[0] == 0
    text = pypdfium2.PdfDocument(pdf.read_bytes())[0].get_textpage().get_text_range()
    assert "INV-000001" in text and "net 30" in text
    code, out, _ = run(capsys, "b2b", "aging", "--date", "2099-01-01", "--db", url, "--json")
    assert [Decimal(r["buckets"]["90+"]) for r in json.loads(out)] == [Decimal("12.5")]
    code, out, _ = run(capsys, "b2b", "invoice", "pay", "INV-000001", "12.50", "--db", url)
    assert code == 0 and "paid" in out
