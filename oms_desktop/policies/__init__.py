"""Pure decisions: no I/O, no sessions, no Qt."""
