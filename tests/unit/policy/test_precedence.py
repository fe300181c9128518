"""Precedence: the first matching rule of the ordered table decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.vocabulary import Cause, Payer, ProofOfPurchase, Remedy

from .builders import POLICY, decide, repair

NO_PROOF = ProofOfPurchase.NONE


def test_rules_are_tried_in_the_documented_order() -> None:
    assert [rule.rule_id for rule in POLICY.rules] == [
        "force-majeure-no-responsibility",
        "transport-damage-seller-liable",
        "service-failure-complaint",
        "no-fault-found",
        "misuse-not-covered",
        "unauthorised-repair-not-covered",
        "wear-not-covered",
        "no-proof-paid-repair",
        "no-proof-no-return",
        "quality-return-7d",
        "quality-repeat-failure",
        "quality-exchange-15d",
        "quality-repair-warranty",
        "quality-warranty-expired",
        "mismatch-return-7d",
        "mismatch-exchange-15d",
        "mismatch-late-not-covered",
        "preference-used-discount",
        "preference-return-7d",
        "preference-late-not-covered",
    ]


def test_force_majeure_decides_even_within_7_days_and_without_proof() -> None:
    decision = decide(Cause.FORCE_MAJEURE, day=2, proof=NO_PROOF)
    assert decision.responsible is Payer.NOBODY


def test_transport_damage_is_the_sellers_even_without_proof_after_the_warranty() -> None:
    decision = decide(Cause.TRANSPORT_DAMAGE, day=800, proof=NO_PROOF)
    assert decision.rule_id == "transport-damage-seller-liable"


def test_misuse_is_not_covered_even_within_7_days() -> None:
    assert decide(Cause.MISUSE, day=1).rule_id == "misuse-not-covered"


def test_missing_proof_outranks_the_7_day_window() -> None:
    assert decide(day=1, proof=NO_PROOF).rule_id == "no-proof-paid-repair"


def test_7_day_full_return_outranks_repeated_failed_repairs() -> None:
    repairs = (repair(date(2026, 3, 3), 1), repair(date(2026, 3, 5), 1))
    decision = decide(day=7, repairs=repairs)
    assert decision.rule_id == "quality-return-7d"
    assert decision.deduction == Decimal("0")


def test_repeated_failed_repairs_outrank_the_15_day_exchange() -> None:
    repairs = (repair(date(2026, 3, 3), 1), repair(date(2026, 3, 5), 1))
    decision = decide(day=10, repairs=repairs)
    assert decision.rule_id == "quality-repeat-failure"
    assert Remedy.RETURN in decision.remedies
