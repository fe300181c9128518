"""PostgreSQL adapters of the write side: the recorder, hash chain, keys, users, sessions."""
