"""The queue engine: a service of its own. The rules are in ``lobby.queue``; here are the
SQLite store (all of callboard's SQL), the day's figures and the service loop."""
