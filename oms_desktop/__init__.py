"""oms-desktop: an order management system for warehouses and shops."""

__version__ = "0.1.0"
