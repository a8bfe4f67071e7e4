"""The web console: the tellers' pages, the branch manager's pages, staff accounts."""
