"""Default customer e-mail templates, shipped with the program; edits live in the database."""
