from dataclasses import replace
from decimal import Decimal

import pytest

from domain.claim import ClaimStatus
from domain.errors import (
    InvalidInputError,
    LifecycleError,
    QuoteRequiredError,
    RemedyNotAllowedError,
)
from domain.item_track import ItemStage
from domain.values import Actor, Deduction, QuoteLine, RepairWork
from domain.vocabulary import (
    Cause,
    InspectionResult,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
)

from .factories import TECH, at, decision, diagnosed, quoted, repaired, reported


def test_diagnosis_records_decision_and_chosen_remedy_per_item() -> None:
    claim = diagnosed(Remedy.EXCHANGE)
    item = claim.item(1)
    assert item.stage is ItemStage.DIAGNOSED
    assert item.remedy is Remedy.EXCHANGE
    assert item.decision is not None and item.decision.rule_id == "test-rule"


def test_remedy_outside_the_decision_is_refused() -> None:
    claim = reported()
    with pytest.raises(RemedyNotAllowedError):
        claim.diagnose(
            TECH, at(1), "f", Cause.QUALITY_DEFECT, 1, decision(Remedy.REPAIR), Remedy.RETURN
        )
    assert claim.item(1).stage is ItemStage.PENDING


def test_decision_without_remedies_settles_the_item() -> None:
    claim = reported()
    claim.diagnose(TECH, at(1), "nothing wrong", Cause.NO_FAULT_FOUND, 1, decision(), None)
    assert claim.item(1).stage is ItemStage.NO_REMEDY
    assert claim.status is ClaimStatus.RESOLVED


def test_free_repair_fixed_resolves_the_claim() -> None:
    claim = repaired()
    assert claim.item(1).stage is ItemStage.REPAIRED
    assert claim.status is ClaimStatus.RESOLVED
    assert claim.item(1).repairs[0].outcome is RepairOutcome.FIXED


def test_failed_repair_is_kept_in_repair_history_and_can_be_repaired_again() -> None:
    claim = repaired(RepairOutcome.STILL_FAILING)
    assert claim.item(1).stage is ItemStage.REPAIR_FAILED
    assert claim.status is ClaimStatus.IN_PROGRESS
    claim.start_repair(TECH, at(5), 1, RepairMode.MAIL_IN)
    claim.record_repair(TECH, at(30), 1, RepairOutcome.STILL_FAILING, RepairWork())
    assert [r.outcome for r in claim.item(1).repairs] == [RepairOutcome.STILL_FAILING] * 2


def test_paid_repair_cannot_start_before_the_quote_is_accepted() -> None:
    claim = diagnosed(free=False)
    with pytest.raises(QuoteRequiredError):
        claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    claim = quoted()
    with pytest.raises(QuoteRequiredError):
        claim.schedule_repair(TECH, at(4), 1, RepairMode.ON_SITE, at(30))


def test_quote_awaits_the_customer_then_accepted_quote_allows_the_repair() -> None:
    claim = quoted()
    assert claim.status is ClaimStatus.AWAITING_CUSTOMER
    assert claim.item(1).quoted_amount == Decimal("80")
    claim.accept_quote(TECH, at(4), 1)
    claim.schedule_repair(TECH, at(5), 1, RepairMode.ON_SITE, at(30))
    claim.start_repair(TECH, at(30), 1, RepairMode.ON_SITE)
    assert claim.item(1).stage is ItemStage.IN_REPAIR


def test_declined_quote_settles_the_item_and_may_be_quoted_again() -> None:
    claim = quoted()
    claim.decline_quote(TECH, at(4), 1, "too expensive")
    assert claim.status is ClaimStatus.RESOLVED
    claim.quote(TECH, at(5), 1, (QuoteLine("cheaper", Decimal("50")),))
    assert claim.item(1).stage is ItemStage.QUOTED


def test_free_work_cannot_be_quoted() -> None:
    with pytest.raises(LifecycleError, match="free under rule test-rule"):
        diagnosed().quote(TECH, at(3), 1, (QuoteLine("x", Decimal("1")),))


def test_quote_without_lines_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        diagnosed(free=False).quote(TECH, at(3), 1, ())


def test_accepting_without_a_quote_is_refused() -> None:
    with pytest.raises(LifecycleError):
        diagnosed(free=False).accept_quote(TECH, at(3), 1)


def test_exchange_keeps_the_faulty_serial_and_gains_the_replacement() -> None:
    claim = diagnosed(Remedy.EXCHANGE)
    claim.ship_replacement(TECH, at(3), 1, "SN-NEW")
    item = claim.item(1)
    assert (item.item.serial_no, item.replacement_serial_no) == ("SN-1", "SN-NEW")
    assert item.exchanged_on == at(3).date()
    assert claim.status is ClaimStatus.RESOLVED


def test_replacement_needs_its_own_serial_number() -> None:
    with pytest.raises(InvalidInputError):
        diagnosed(Remedy.EXCHANGE).ship_replacement(TECH, at(3), 1, "")


def test_replacement_is_refused_when_the_remedy_is_repair() -> None:
    with pytest.raises(LifecycleError, match="remedy is repair"):
        diagnosed(Remedy.REPAIR).ship_replacement(TECH, at(3), 1, "SN-NEW")


def test_refund_before_the_return_is_approved_is_refused() -> None:
    with pytest.raises(LifecycleError):
        reported().refund(TECH, at(3), 1, Decimal("200"), (), "alipay")
    with pytest.raises(LifecycleError, match="remedy is repair"):
        diagnosed(Remedy.REPAIR).refund(TECH, at(3), 1, Decimal("200"), (), "alipay")


def test_refund_before_the_goods_come_back_is_refused() -> None:
    with pytest.raises(LifecycleError, match="must be return received"):
        diagnosed(Remedy.RETURN).refund(TECH, at(3), 1, Decimal("200"), (), "alipay")


def test_return_then_refund_with_deduction_resolves_the_claim() -> None:
    claim = reported()
    used = replace(decision(Remedy.RETURN), deduction=Decimal("20"), deduction_basis="used")
    claim.diagnose(TECH, at(1), "f", Cause.CUSTOMER_PREFERENCE, 1, used, Remedy.RETURN)
    claim.receive_return(TECH, at(3), 1, InspectionResult.USED)
    claim.refund(
        TECH, at(4), 1, Decimal("180"), (Deduction("depreciation", Decimal("20")),), "alipay"
    )
    assert claim.item(1).refunded_amount == Decimal("180")
    assert claim.status is ClaimStatus.RESOLVED


def test_refund_above_the_price_is_refused_even_with_an_override() -> None:
    claim = diagnosed(Remedy.RETURN)
    claim.receive_return(TECH, at(3), 1, InspectionResult.AS_DESCRIBED)
    boss = Actor("boss", Role.SUPERVISOR)
    with pytest.raises(LifecycleError, match="exceed the price"):
        claim.refund(
            boss, at(4), 1, Decimal("190"), (Deduction("d", Decimal("20")),), "alipay", "goodwill"
        )


def test_refund_needs_an_amount_and_a_route() -> None:
    claim = diagnosed(Remedy.RETURN)
    claim.receive_return(TECH, at(3), 1, InspectionResult.AS_DESCRIBED)
    with pytest.raises(InvalidInputError, match="amount"):
        claim.refund(TECH, at(4), 1, Decimal("0"), (), "alipay")
    with pytest.raises(InvalidInputError, match="route"):
        claim.refund(TECH, at(4), 1, Decimal("10"), (), " ")


def test_diagnosis_during_a_repair_is_refused() -> None:
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    with pytest.raises(LifecycleError, match="under way"):
        claim.diagnose(
            TECH, at(4), "f", Cause.QUALITY_DEFECT, 1, decision(Remedy.REPAIR), Remedy.REPAIR
        )


def test_repair_cannot_finish_before_it_started() -> None:
    claim = diagnosed()
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    with pytest.raises(InvalidInputError):
        claim.record_repair(TECH, at(-48), 1, RepairOutcome.FIXED, RepairWork())


def test_recording_a_repair_that_never_started_is_refused() -> None:
    with pytest.raises(LifecycleError):
        diagnosed().record_repair(TECH, at(3), 1, RepairOutcome.FIXED, RepairWork())


def test_unknown_item_number_is_refused() -> None:
    from domain.errors import ItemNotFoundError

    with pytest.raises(ItemNotFoundError):
        diagnosed().start_repair(TECH, at(3), 2, RepairMode.ON_SITE)


def test_remedies_apply_per_item() -> None:
    from .factories import lamp

    claim = reported(items=(lamp("A"), lamp("B")))
    claim.diagnose(
        TECH, at(1), "f", Cause.QUALITY_DEFECT, 1, decision(Remedy.REPAIR), Remedy.REPAIR
    )
    claim.diagnose(
        TECH, at(1), "f", Cause.QUALITY_DEFECT, 2, decision(Remedy.EXCHANGE), Remedy.EXCHANGE
    )
    claim.ship_replacement(TECH, at(2), 2, "B-NEW")
    assert claim.status is ClaimStatus.IN_PROGRESS
    claim.start_repair(TECH, at(3), 1, RepairMode.ON_SITE)
    claim.record_repair(TECH, at(4), 1, RepairOutcome.FIXED, RepairWork())
    assert claim.status is ClaimStatus.RESOLVED
