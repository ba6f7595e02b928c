"""Use cases: each opens one unit of work, calls model and policy code, commits, and returns
plain dataclasses (never live ORM objects)."""
