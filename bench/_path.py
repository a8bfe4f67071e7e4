"""Imported first by every bench script: the repository first on the path, and this folder
last (``bench/queue.py`` would otherwise stand in for the standard library's ``queue``)."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))
sys.path.append(_HERE)  # still found, by worker processes that import the script again
