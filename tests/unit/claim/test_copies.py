"""The aggregate cache deep-copies claims: copies share the immutable values, nothing else."""

import copy

from domain.values import Evidence

from .factories import AGENT, at, reported

SHA = "b" * 64


def test_a_deep_copy_shares_values_but_not_the_claims_own_state() -> None:
    claim = reported()
    claim.attach_evidence(AGENT, at(1), Evidence(SHA, "image/jpeg", "photo"))

    duplicate = copy.deepcopy(claim)
    assert duplicate.evidence[0] is claim.evidence[0]  # a value: itself
    assert duplicate.items[0].item is claim.items[0].item
    assert duplicate.evidence is not claim.evidence and duplicate.items[0] is not claim.items[0]

    duplicate.add_note(AGENT, at(2), "called back")
    duplicate.attach_evidence(AGENT, at(3), Evidence(SHA, "image/png"))
    assert (claim.note_count, len(claim.evidence), claim.version) == (0, 1, duplicate.version - 2)
