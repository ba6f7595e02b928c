"""The first-run set-up wizard (setup_wizard.py) and its pages (pages.py)."""
