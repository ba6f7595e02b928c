"""The plugin kit shared by every kind of plugin (sales channels, carriers, and the kinds to
come): typed errors, HTTP with retry and backoff, declared settings, secrets from the OS
keyring or the environment, and a registry of entry points.

A plugin speaks one remote protocol and hands back plain DTOs; it never gets a Session."""
