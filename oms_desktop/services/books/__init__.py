"""The books: what shipped and what was refunded, posted once to each accounting target
(an outbox with leases), the mappings that posting needs, a general-ledger journal export and
the reconciliation of what happened against what the books say."""
