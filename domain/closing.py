"""The closing rule: some kinds of claim close only after the customer confirms.

Which kinds is the policy's setting (``domain.policy.closing``; complaints by
default). Without the confirmation, only a supervisor may close such a claim,
and only by naming a reason (``override_reason``); the ``Closed`` event records
whether the customer had confirmed and the override's reason. An override where
none is needed is refused, so a recorded override always overrode something.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import ConfirmationRequiredError, InvalidInputError, OverrideNotPermittedError
from domain.values import Actor
from domain.vocabulary import Role

if TYPE_CHECKING:
    from domain.claim import Claim
    from domain.policy import PolicyDocument


def check_closing(claim: Claim, actor: Actor, override_reason: str, policy: PolicyDocument) -> None:
    """Refuses closing without the confirmation the policy asks for, unless overridden."""
    needed = policy.closing.needs_confirmation(claim.kind) and not claim.confirmed
    if not override_reason:
        if needed:
            raise ConfirmationRequiredError(claim.kind.value, policy.version)
        return
    if not override_reason.strip():
        raise InvalidInputError("override_reason", "must not be blank")
    if actor.role is not Role.SUPERVISOR:
        raise OverrideNotPermittedError(actor.role.value)
    if not needed:
        why = "the customer confirmed" if claim.confirmed else f"a {claim.kind.value} needs none"
        raise InvalidInputError("override_reason", f"nothing to override: {why}")
