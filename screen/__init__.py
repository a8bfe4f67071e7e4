"""The lobby screen as a service: the loop that owns pygame, and the parts it routes
messages to (the board, the link watch, the acks, the status clock, the voice, the desk)."""
