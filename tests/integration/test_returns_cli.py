import json

import pypdfium2
import zxingcpp

from oms_desktop.cli import main
from tests.factories import small_world
from tests.returns_fixtures import shipped_order


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_return_from_the_command_line_end_to_end(db, db_url, capsys, tmp_path, cli_admin):
    small_world(db)
    order_id = shipped_order(db, {"SKU-1": 1, "SKU-2": 2})
    slip = tmp_path / "slip.pdf"

    code, out, _ = run(capsys, "returns", "create", str(order_id), "--line",
                       "SKU-2:2:changed_mind", "--slip-out", str(slip), "--db", db_url, "--json")
    assert code == 0
    rma = json.loads(out)["rma_number"]
    image = pypdfium2.PdfDocument(slip.read_bytes())[0].render(scale=203 / 72).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [rma]

    code, out, _ = run(capsys, "returns", "receive", rma, "--unit", "SKU-2:resellable:restock",
                       "--unit", "036000291452:open_box:restock", "--location", "WH1-A-03",
                       "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["status"] == "inspected"

    code, out, _ = run(capsys, "returns", "refund", rma, "--outside", "--db", db_url, "--json")
    refund = json.loads(out)
    assert code == 0 and refund["amount"] == "20.50"  # 2 x (10 + 1 tax) less 15% of the open box

    code, out, _ = run(capsys, "returns", "list", "--status", "refunded", "--db", db_url)
    assert rma in out


def test_a_bad_line_fails_with_one_clear_line(db, db_url, capsys, cli_admin):
    small_world(db)
    order_id = shipped_order(db, {"SKU-1": 1})
    code, out, err = run(capsys, "returns", "create", str(order_id), "--line", "SKU-1:3:defective",
                         "--db", db_url)
    assert code == 1 and out == ""
    assert err.strip() == ("oms-desktop: error: Cannot return 3 x SKU-1 on order #1000: "
                           "1 shipped and not yet returned")
