"""Voice announcements: chime, speech synthesis worker, player and announcer (to come)."""
