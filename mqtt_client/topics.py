"""Topic names of the contract: built and read in ``lobby.topics`` (re-exported here)."""

from lobby.topics import TopicMatch, Topics

__all__ = ["TopicMatch", "Topics"]
