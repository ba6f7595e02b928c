"""Freight: pallets of cartons and less-than-truckload bookings."""
