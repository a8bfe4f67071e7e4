"""callboard: the lobby call board daemon, its command line and the services it hosts."""

import os
from importlib.metadata import PackageNotFoundError, version

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # the journal is for our own lines

try:
    __version__ = version("callboard")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"
