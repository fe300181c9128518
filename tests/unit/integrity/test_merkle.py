"""Merkle trees as RFC 6962 defines them: streamed roots, audit paths, and their refusals."""

from __future__ import annotations

from hashlib import sha256

from hypothesis import given
from hypothesis import strategies as st

from domain.integrity.hashing import (
    inclusion_path,
    merkle_node,
    merkle_root,
    root_from_path,
)


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) written as the RFC defines it (recursively)."""
    if len(leaves) == 1:
        return leaves[0]
    split = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle_node(rfc6962_root(leaves[:split]), rfc6962_root(leaves[split:]))


def leaves_of(n: int) -> list[bytes]:
    return [sha256(i.to_bytes(4, "big")).digest() for i in range(n)]


@given(st.integers(1, 300))
def test_the_streamed_root_is_the_rfc_root(n: int) -> None:
    assert merkle_root(leaves_of(n)) == rfc6962_root(leaves_of(n))


@given(st.integers(1, 120).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_leafs_audit_path_leads_to_the_root(case: tuple[int, int]) -> None:
    n, index = case
    leaves = leaves_of(n)
    path = inclusion_path(leaves, index)
    assert root_from_path(leaves[index], index, n, path) == rfc6962_root(leaves)


@given(st.integers(2, 120).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_a_path_proves_nothing_for_another_index_or_leaf(case: tuple[int, int]) -> None:
    n, index = case
    leaves = leaves_of(n)
    path = inclusion_path(leaves, index)
    root = rfc6962_root(leaves)
    assert root_from_path(leaves[index], (index + 1) % n, n, path) != root
    assert root_from_path(sha256(b"forged").digest(), index, n, path) != root
