"""The lobby's pure domain: contract messages, their validation and the board state.

Nothing here does I/O, reads a clock or imports anything outside the standard library,
so every rule can be tested with plain values and reused by any front end.
"""
