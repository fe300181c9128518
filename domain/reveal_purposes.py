"""Why someone asks to see a customer's personal data in clear: a closed list of purposes.

A reveal names one purpose, stored with it in the access log. The purposes are
a list rather than free text: an auditor can count reveals by purpose, the log
never receives personal data typed into a reason, and every purpose has a name
in both languages (the console's catalogs; ``LABELS_ZH`` for problem answers
and the command line). PIPL's "minimum necessary" reading: each purpose is a
step of after-sales service that needs the customer's contact details.
"""

from __future__ import annotations

from enum import Enum

from domain.errors import PurposeRequiredError


class RevealPurpose(Enum):
    """What the revealed contact details are needed for."""

    CONTACT_CUSTOMER = "contact_customer"
    ARRANGE_SERVICE = "arrange_service"
    SHIP_GOODS = "ship_goods"
    PROCESS_REFUND = "process_refund"
    VERIFY_IDENTITY = "verify_identity"
    HANDLE_COMPLAINT = "handle_complaint"
    LEGAL_REQUEST = "legal_request"


LABELS_ZH = {
    RevealPurpose.CONTACT_CUSTOMER: "联系客户",
    RevealPurpose.ARRANGE_SERVICE: "安排上门或维修",
    RevealPurpose.SHIP_GOODS: "寄送换货或退回商品",
    RevealPurpose.PROCESS_REFUND: "办理退款",
    RevealPurpose.VERIFY_IDENTITY: "核实客户身份",
    RevealPurpose.HANDLE_COMPLAINT: "处理投诉",
    RevealPurpose.LEGAL_REQUEST: "配合监管或司法机关依法调取",
}
CODES = tuple(p.value for p in RevealPurpose)


def reveal_purpose(given: str | None) -> RevealPurpose:
    """The purpose a reveal names; PurposeRequiredError for none or an unknown one."""
    if not given:
        raise PurposeRequiredError(CODES, _named_zh())
    try:
        return RevealPurpose(given)
    except ValueError:
        raise PurposeRequiredError(CODES, _named_zh(), unknown=True) from None


def _named_zh() -> str:
    return "、".join(f"{p.value}（{LABELS_ZH[p]}）" for p in RevealPurpose)
