"""Generates a large, realistic ledger quickly, through the domain model.

Claims are built as real ``Claim`` aggregates (every command checked) and
saved many at a time, so a million events take minutes, not hours. Models,
regions and causes are skewed on purpose (one LED bulb model fails often, one
region returns more) so the statistics have something to find.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.personal_data import seal_for_claim
from domain.policy import evaluate
from domain.values import Actor, Customer, Item, Purchase, RepairWork
from domain.vocabulary import (
    Cause,
    Channel,
    ClaimKind,
    Priority,
    ProblemCategory,
    Remedy,
    RepairMode,
    RepairOutcome,
    Role,
    Team,
)
from tests.support.business_day import business_today

AGENT = Actor("bench-agent", Role.AGENT)
TECH = Actor("bench-tech", Role.TECHNICIAN)
MODELS = [("LED-9W", "lighting")] + [(f"XD-{n}", "lighting") for n in range(20)]
REGIONS = ["广东", "浙江", "江苏", "四川", "北京", "上海", "湖南", "山东"]
EVENTS_PER_CLAIM = 10


def build_claim(ledger: ClaimsLedger, n: int, at: datetime, rng: random.Random) -> Claim:
    """One claim with ten events: report → triage → diagnose → repair → survey → close."""
    model, category = MODELS[0] if rng.random() < 0.2 else rng.choice(MODELS[1:])
    bought = at.date() - timedelta(days=rng.randint(20, 300))
    number = f"BENCH-{at:%Y%m%d}-{n:08d}-{rng.randrange(16**6):06x}"
    customer = Customer(name="客户", phone=f"138{n:08d}", region=rng.choice(REGIONS))
    claim = Claim.report(
        claim_number=number,
        actor=AGENT,
        occurred_at=at,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=seal_for_claim(ledger.customer_keys, customer, Claim.create_id(number), number),
        items=(
            Item(
                model=model,
                category=category,
                serial_no=f"SN{n:09d}",
                batch_no=f"B{n % 50}",
                supplier=f"S{n % 7}",
                price=Decimal("99.00"),
            ),
        ),
        purchase=Purchase(purchased_on=bought, delivered_on=bought),
        requested_remedy=Remedy.REPAIR,
        description="不亮",
    )
    claim.classify(AGENT, at + timedelta(hours=1), ProblemCategory.PRODUCT_FAULT, Priority.NORMAL)
    claim.assign(AGENT, at + timedelta(hours=1), Team.TECHNICAL_SUPPORT, f"tech-{n % 9}")
    claim.acknowledge(AGENT, at + timedelta(hours=2), "已收到", None)
    cause = Cause.QUALITY_DEFECT
    query = claim.policy_query(1, cause)
    decision = evaluate(ledger.policies.in_force(query.reported_on), query)
    claim.diagnose(TECH, at + timedelta(hours=5), "故障", cause, 1, decision, Remedy.REPAIR)
    claim.start_repair(TECH, at + timedelta(days=1), 1, RepairMode.MAIL_IN)
    claim.record_repair(TECH, at + timedelta(days=2), 1, RepairOutcome.FIXED, RepairWork())
    claim.confirm(AGENT, at + timedelta(days=2, hours=2))
    claim.survey(AGENT, at + timedelta(days=2, hours=3), rng.randint(3, 5))
    claim.close(AGENT, at + timedelta(days=2, hours=4), "done")
    return claim


def generate(ledger: ClaimsLedger, claims: int, chunk: int = 50, seed: int = 7) -> Iterator[int]:
    """Saves ``claims`` claims (10 events each) in chunks; yields events saved so far.

    Chunks stay at 500 events: the library writes a save in one psycopg pipeline,
    and over a Unix socket (the embedded PostgreSQL) a pipeline of about 1,000
    events was seen to deadlock, client and server each waiting to read.
    """
    rng = random.Random(seed)
    # Reports spread over 24 days ending 5 days ago, so no event lies in the future.
    start = datetime.combine(
        business_today() - timedelta(days=29), datetime.min.time()
    ).astimezone()
    spacing = timedelta(days=24) / max(claims, 1)
    saved = 0
    for first in range(0, claims, chunk):
        numbers = range(first, min(first + chunk, claims))
        batch = [build_claim(ledger, n, start + spacing * n, rng) for n in numbers]
        ledger.save(*batch)
        saved += len(batch) * EVENTS_PER_CLAIM
        yield saved
