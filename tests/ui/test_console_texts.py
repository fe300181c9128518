"""The console's own wording of recorded data, in both languages (no database needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.ui.decision_texts import decision_explanation, quote_line_text
from api.ui.event_summaries import event_summary
from api.ui.i18n import Translator
from api.ui.presenters import time_left
from api.ui.routes.reports import flagged_from
from api.ui.validation_texts import field_text, reason_text
from domain.policy.book import default_policy_book
from domain.values import CoverageDecision
from domain.vocabulary import Payer, Remedy
from projections.reports.statistics import OutlierRules

ZH, EN = Translator("zh"), Translator("en")
RECORDED = (
    "Within the warranty, repairs that still failed twice (两次修理仍不能正常使用): free "
    "exchange, or return less depreciation; the seller pays shipping both ways. Reported on "
    "day 90 after receipt; warranty covers until 2027-09-01. A return is refunded less "
    "depreciation (折旧) of 10.76 per unit: 29.90 × 0.004 × 90 days."
)
DECISION = CoverageDecision(
    rule_id="quality-repeat-failure",
    policy_version="2026.1",
    remedies=(Remedy.EXCHANGE, Remedy.RETURN),
    free=True,
    responsible=Payer.SELLER,
    shipping_payer=Payer.SELLER,
    explanation=RECORDED,
    deduction=Decimal("10.76"),
    deduction_basis="29.90 × 0.004 × 90 days",
    warranty_ends_on=date(2027, 9, 1),
)


def test_every_rule_of_the_shipped_policy_explains_itself_in_chinese() -> None:
    book = default_policy_book()
    missing = [
        rule.rule_id
        for version in book.versions()
        for rule in book.get(version).rules
        if not rule.explanation_zh
    ]
    assert missing == []


def test_a_decision_is_explained_in_chinese_from_the_policy_and_its_figures() -> None:
    text = decision_explanation(ZH, DECISION)
    assert text.startswith("三包有效期内两次修理仍不能正常使用")
    assert "签收后第 90 天报修；三包有效期至 2027年9月1日。" in text
    assert "29.90 × 0.004 × 90 天" in text
    assert "7 日内按原支付途径退回" in text


def test_the_english_reader_gets_the_recorded_explanation() -> None:
    assert decision_explanation(EN, DECISION) == RECORDED


def test_a_rule_the_policy_does_not_know_keeps_its_recorded_text() -> None:
    unknown = CoverageDecision(**{**vars(DECISION), "rule_id": "retired-rule"})
    assert decision_explanation(ZH, unknown) == RECORDED


def test_the_ledgers_quote_lines_in_chinese() -> None:
    line = quote_line_text(ZH, "exchange at 80%: 320.00 × 0.8 × 1 unit")
    assert line == "按售价的 80% 换货：320.00 × 0.8 × 1 件"
    assert quote_line_text(ZH, "新灯罩") == "新灯罩"  # a person's words stay as written


@pytest.mark.parametrize(
    ("field", "reason", "zh"),
    [
        ("labour_hours", "Input should be a valid decimal", "请输入数字，例如 1.5"),
        ("text", "Field required", "必填"),
        ("status", "Input should be 'closed' or 'rejected'", "请从以下选择：已结案、已驳回"),
        ("body", "some reason nobody words", "some reason nobody words"),
    ],
)
def test_field_errors_in_chinese(field: str, reason: str, zh: str) -> None:
    assert reason_text(ZH, field, reason) == zh


def test_a_field_in_a_line_is_named_with_its_line() -> None:
    assert field_text(ZH, "lines.0.amount") == "金额（第 1 行）"


def test_a_trace_event_is_summarised_from_its_data() -> None:
    payload = {
        "item_no": 1,
        "cause": "quality_defect",
        "remedy": "repair",
        "decision": {"free": True, "policy_version": "2026.1"},
    }
    summary = event_summary(ZH, "Diagnosed", payload)
    assert summary == "第 1 件诊断：质量问题 → 包修，免费（政策版本 2026.1）"
    assert event_summary(ZH, "SomethingNew", {"x": 1}) == "SomethingNew"


def test_the_board_counts_whole_hours_overdue_or_left() -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert time_left(datetime(2026, 12, 6, 17, 0, tzinfo=UTC), None, now) == ("overdue", 19)
    assert time_left(datetime(2026, 12, 7, 14, 30, tzinfo=UTC), None, now) == ("remaining", 3)


def test_the_threshold_column_agrees_with_the_rule() -> None:
    rules = OutlierRules()
    assert flagged_from(rules, 2.2) == 3  # "≥ 3", as the rule says, not 2.2
    assert flagged_from(rules, 4.5) == 5
    assert flagged_from(rules, None) == 3
