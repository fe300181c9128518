"""The tamper-evident ledger: hashes, signed checkpoints, streaming checks, claim proofs.

Pure: no database, no settings. ``projections/ledger_*`` feeds it rows;
``proof.verify_proof`` checks a proof file with only this package and
``cryptography``.
"""
