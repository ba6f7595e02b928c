"""Reusable table models and inputs shared by screens."""
