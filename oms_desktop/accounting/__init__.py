"""Accounting targets (the `oms_desktop.accounting` entry-point group): QuickBooks Online and
Xero, each speaking its real API with httpx through the common plugin kit."""
