"""Carrier plugins (entry-point group `oms_desktop.carriers`)."""
