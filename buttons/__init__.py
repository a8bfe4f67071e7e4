"""Counter call buttons on GPIO and their keyboard stand-ins (to come)."""
