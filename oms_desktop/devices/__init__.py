"""Hardware: scanners, printers, scales."""
