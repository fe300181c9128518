"""Today in the business's time zone (China time): the day the ledger dates a report,
a purchase's age and a policy's validity by. The machine's own date (UTC here) differs
from it eight hours a day, so tests dating things from the machine's date failed then."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.claim import business_date


def business_today() -> date:
    return business_date(datetime.now(UTC))
