"""The demo warehouse: a deterministic data set written in bulk."""
