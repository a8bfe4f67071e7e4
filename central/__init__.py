"""The branch's centre: the collector that stores every site's records and device statuses
in a database (SQLite or PostgreSQL), and the fleet view read from it."""
