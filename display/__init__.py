"""The lobby board drawn with pygame: fonts, themes, text cache, layout and painter."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # keep the journal for our own lines
