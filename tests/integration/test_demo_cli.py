import json

from oms_desktop.cli import main


def test_the_demo_command_fills_an_empty_database_and_refuses_a_full_one(db_url, capsys):
    assert main(["demo", "--orders", "60", "--seed", "7", "--db", db_url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert sum(summary["states"].values()) == 60

    assert main(["demo", "--db", db_url]) == 1
    assert capsys.readouterr().err.startswith("oms-desktop: error: ")

    assert main(["orders", "list", "--limit", "5", "--db", db_url, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
