"""Freight papers: pallet labels, the pallet packing list, the bill of lading."""
