"""Sales-channel connector plugins (entry-point group `oms_desktop.connectors`)."""
