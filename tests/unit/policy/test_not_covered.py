"""What 三包 does not cover: the customer's doing, no proof, and force majeure."""

from __future__ import annotations

import pytest

from domain.vocabulary import Cause, Payer, ProofOfPurchase, Remedy

from .builders import decide

NO_PROOF = ProofOfPurchase.NONE


@pytest.mark.parametrize(
    ("cause", "rule_id"),
    [
        (Cause.MISUSE, "misuse-not-covered"),
        (Cause.UNAUTHORISED_REPAIR, "unauthorised-repair-not-covered"),
        (Cause.WEAR, "wear-not-covered"),
    ],
)
def test_customers_own_doing_is_paid_repair_quoted_first(cause: Cause, rule_id: str) -> None:
    decision = decide(cause, day=30)
    assert decision.rule_id == rule_id
    assert decision.remedies == (Remedy.REPAIR,)
    assert not decision.free
    assert decision.responsible is Payer.CUSTOMER
    assert decision.shipping_payer is Payer.CUSTOMER


def test_quality_defect_without_proof_of_purchase_is_paid_repair() -> None:
    decision = decide(day=30, proof=NO_PROOF)
    assert decision.rule_id == "no-proof-paid-repair"
    assert decision.remedies == (Remedy.REPAIR,)
    assert not decision.free
    assert decision.responsible is Payer.CUSTOMER


@pytest.mark.parametrize("cause", [Cause.DESCRIPTION_MISMATCH, Cause.CUSTOMER_PREFERENCE])
def test_return_or_exchange_without_proof_of_purchase_is_refused(cause: Cause) -> None:
    decision = decide(cause, day=2, proof=NO_PROOF)
    assert decision.rule_id == "no-proof-no-return"
    assert decision.remedies == ()


def test_a_warranty_card_is_proof_of_purchase() -> None:
    decision = decide(day=30, proof=ProofOfPurchase.WARRANTY_CARD)
    assert decision.rule_id == "quality-repair-warranty"


def test_force_majeure_leaves_nobody_responsible_and_repair_only_paid() -> None:
    decision = decide(Cause.FORCE_MAJEURE, day=30)
    assert decision.rule_id == "force-majeure-no-responsibility"
    assert decision.responsible is Payer.NOBODY
    assert decision.remedies == (Remedy.REPAIR,)
    assert not decision.free
    assert decision.shipping_payer is Payer.CUSTOMER
