"""The ledger's events for the systems around it: the public contract and the feed.

``shapes`` builds JSON Schema and the matching conversion from one description;
``contract`` names the public event types and their fields; ``claim_keys`` finds
each claim's number and customer id; ``reader`` pages the log in commit order.
"""
