"""Over HTTP: each unit (serial number) has one history across claims.

The bug this guards against: a first claim spent 10 days in repair on serial X;
a second claim for X reported on day 370 of a 12-month warranty was decided
"warranty expired, paid", although the policy given the earlier repair decides
"covered, warranty extended". Business times may be back-dated 30 days at most,
so the first claim's repair is dated 25 to 16 days ago and the purchase 370 days ago.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.claim import BUSINESS_TZ
from domain.policy.periods import add_months
from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]
TODAY = datetime.now(BUSINESS_TZ).date()
BOUGHT = TODAY - timedelta(days=370)
LAST_DAY = add_months(BOUGHT, 12) - timedelta(days=1)  # the 12-month warranty's last day


def ago(days: int, hours: int = 0) -> str:
    """09:00 China time ``days`` days ago, plus ``hours``: the same business day at any hour
    the tests run (counting from now, a late-evening run's hours crossed midnight)."""
    morning = datetime.combine(TODAY - timedelta(days=days), time(9), tzinfo=BUSINESS_TZ)
    return (morning + timedelta(hours=hours)).isoformat()


def serial() -> str:
    return f"UH-{uuid.uuid4().hex[:10]}"


def report(client: TestClient, as_role: Headers, serial_no: str, **changes: Any) -> str:
    body = report_body(serial_no)
    body["kind"], body["requested_remedy"] = "repair", None
    body["purchase"] = {"purchased_on": BOUGHT.isoformat(), **changes.pop("purchase", {})}
    body.update(changes)
    reported = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert reported.status_code == 201, reported.text
    claim_id: str = reported.json()["claim_id"]
    return claim_id


def command(client: TestClient, as_role: Headers, claim_id: str, name: str, **body: Any) -> None:
    role = Role.WAREHOUSE if name == "ship-replacement" else Role.TECHNICIAN
    response = client.post(f"/api/v1/claims/{claim_id}/{name}", json=body, headers=as_role[role])
    assert response.status_code == 200, response.text


def diagnosis(client: TestClient, as_role: Headers, claim_id: str, **at: Any) -> dict[str, Any]:
    finding = {"finding": "驱动板故障", "cause": "quality_defect", "item_no": 1}
    command(client, as_role, claim_id, "diagnose", **finding, **at)
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=as_role[Role.SUPERVISOR])
    decision: dict[str, Any] = claim.json()["items"][0]["decision"]
    return decision


def repaired_ten_days(client: TestClient, as_role: Headers, serial_no: str, fixed: bool) -> str:
    """A first claim for the serial, reported 25 days ago, 10 days in repair (days 25..16 ago)."""
    first = report(client, as_role, serial_no, occurred_at=ago(25))
    diagnosis(client, as_role, first, occurred_at=ago(25, hours=1))
    command(
        client, as_role, first, "start-repair", item_no=1, mode="mail_in", occurred_at=ago(25, 2)
    )
    outcome = "fixed" if fixed else "still_failing"
    command(
        client, as_role, first, "record-repair", item_no=1, outcome=outcome, occurred_at=ago(16)
    )
    return first


def test_days_in_repair_on_an_earlier_claim_extend_the_warranty_of_a_later_claim(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    repaired_ten_days(client, as_role, serial_no, fixed=True)

    second = report(client, as_role, serial_no)  # day 370: past the warranty's 12 months
    decision = diagnosis(client, as_role, second)

    assert decision["free"] is True, decision
    assert decision["warranty_ends_on"] == (LAST_DAY + timedelta(days=10)).isoformat()
    assert "Unit history" in decision["explanation"]


def test_the_same_dates_for_another_serial_are_out_of_warranty(
    client: TestClient, as_role: Headers
) -> None:
    repaired_ten_days(client, as_role, serial(), fixed=True)

    other = report(client, as_role, serial())
    decision = diagnosis(client, as_role, other)

    assert decision["free"] is False
    assert decision["warranty_ends_on"] == LAST_DAY.isoformat()


def test_failed_repairs_on_two_claims_open_an_exchange(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    half_a_year = {"purchased_on": (TODAY - timedelta(days=200)).isoformat()}
    first = report(client, as_role, serial_no, occurred_at=ago(20), purchase=half_a_year)
    diagnosis(client, as_role, first, occurred_at=ago(20, 1))
    for start, end in ((20, 19), (15, 14)):
        command(
            client,
            as_role,
            first,
            "start-repair",
            item_no=1,
            mode="mail_in",
            occurred_at=ago(start, 2),
        )
        command(
            client,
            as_role,
            first,
            "record-repair",
            item_no=1,
            outcome="still_failing",
            occurred_at=ago(end),
        )
        if start == 20:
            diagnosis(client, as_role, first, occurred_at=ago(18))
    # The lamp (in warranty) failing again, on a second claim.
    second = report(client, as_role, serial_no, purchase=half_a_year)
    decision = diagnosis(client, as_role, second)
    assert decision["rule_id"] == "quality-repeat-failure", decision
    assert "exchange" in decision["remedies"]


def test_a_unit_shows_its_warranty_end_with_the_rule_its_claims_and_remedies(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    first = repaired_ten_days(client, as_role, serial_no, fixed=True)

    response = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.TECHNICIAN])

    assert response.status_code == 200, response.text
    unit = response.json()
    assert unit["chain"] == [serial_no]
    assert [c["claim_id"] for c in unit["claims"]] == [first]
    assert unit["claims"][0]["repairs"][0]["days_in_repair"] == 10
    warranty = unit["warranty"]
    assert warranty["ends_on"] == (LAST_DAY + timedelta(days=10)).isoformat()
    assert (warranty["start_basis"], warranty["days_in_repair"]) == ("purchase", 10)
    assert "12 months" in warranty["rule"] and "10 day(s) in repair" in warranty["rule"]


def test_a_replacement_continues_the_unit_and_restarts_its_warranty(
    client: TestClient, as_role: Headers
) -> None:
    faulty, replacement = serial(), serial()
    body = {"purchase": {"purchased_on": (TODAY - timedelta(days=3)).isoformat()}}
    claim_id = report(client, as_role, faulty, **body, requested_remedy="exchange")
    decision = diagnosis(client, as_role, claim_id)
    assert "exchange" in decision["remedies"]
    command(client, as_role, claim_id, "diagnose", finding="换新", cause="quality_defect",
            item_no=1, remedy="exchange")  # fmt: skip
    command(
        client, as_role, claim_id, "ship-replacement", item_no=1, serial_no=replacement,
        batch_no="B2026-11",
    )  # fmt: skip

    unit = client.get(f"/api/v1/units/{replacement}", headers=as_role[Role.AGENT]).json()

    assert unit["chain"] == [faulty, replacement]
    assert unit["exchanges"][0]["batch_no"] == "B2026-11"
    assert unit["warranty"]["start_basis"] == "exchange"
    assert unit["warranty"]["starts_on"] == TODAY.isoformat()


def test_a_registration_stands_in_for_a_missing_proof_of_purchase(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    registration = {
        "serial_no": serial_no,
        "model": "XD-450",
        "purchased_on": (TODAY - timedelta(days=100)).isoformat(),
        "channel": "天猫旗舰店",
        "category": "lighting",
    }
    created = client.post("/api/v1/units", json=registration, headers=as_role[Role.AGENT])
    assert created.status_code == 201, created.text
    again = client.post("/api/v1/units", json=registration, headers=as_role[Role.AGENT])
    assert (again.status_code, again.json()["created"]) == (200, False)

    claim_id = report(client, as_role, serial_no, purchase={"proof": "none"})
    decision = diagnosis(client, as_role, claim_id)

    assert decision["free"] is True, decision
    assert "registration" in decision["explanation"]
    unit = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AGENT]).json()
    assert unit["registration"]["channel"] == "天猫旗舰店"


def test_without_a_registration_a_claim_without_proof_is_not_covered(
    client: TestClient, as_role: Headers
) -> None:
    claim_id = report(
        client,
        as_role,
        serial(),
        purchase={"purchased_on": (TODAY - timedelta(days=100)).isoformat(), "proof": "none"},
    )
    assert diagnosis(client, as_role, claim_id)["free"] is False


def test_a_registered_unit_without_claims_shows_its_warranty(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    bought = date(TODAY.year - 1, 6, 1)
    body = {"serial_no": serial_no, "model": "XD-450", "purchased_on": bought.isoformat(),
            "channel": "门店", "category": "lighting"}  # fmt: skip
    assert (
        client.post("/api/v1/units", json=body, headers=as_role[Role.SPECIALIST]).status_code == 201
    )

    unit = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AUDITOR]).json()

    assert unit["claims"] == [] and unit["warranty"]["start_basis"] == "registration"
    assert unit["warranty"]["ends_on"] == (add_months(bought, 12) - timedelta(days=1)).isoformat()


def test_registering_a_serial_again_with_other_facts_is_refused_and_stores_nothing(
    client: TestClient, as_role: Headers
) -> None:
    serial_no = serial()
    body = {"serial_no": serial_no, "model": "XD-450", "purchased_on": "2026-01-10",
            "channel": "门店"}  # fmt: skip
    assert client.post("/api/v1/units", json=body, headers=as_role[Role.AGENT]).status_code == 201

    refused = client.post(
        "/api/v1/units", json={**body, "purchased_on": "2026-01-09"}, headers=as_role[Role.AGENT]
    )

    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:sanbao:problem:unit-already-registered"
    assert problem["errors"][0]["field"] == "purchased_on" and problem["detail_zh"]
    unit = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AGENT]).json()
    assert unit["registration"]["purchased_on"] == "2026-01-10"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model": "XD 450 lamp"}, "model"),
        ({"purchased_on": (TODAY + timedelta(days=2)).isoformat()}, "purchased_on"),
        ({"channel": ""}, "channel"),
        ({"category": "spaceships"}, "category"),
        ({"colour": "white"}, "colour"),
    ],
)
def test_a_bad_registration_is_refused_naming_the_field_and_stores_nothing(
    client: TestClient, as_role: Headers, change: dict[str, str], field: str
) -> None:
    serial_no = serial()
    body = {"serial_no": serial_no, "model": "XD-450", "purchased_on": "2026-01-10",
            "channel": "门店", **change}  # fmt: skip

    refused = client.post("/api/v1/units", json=body, headers=as_role[Role.AGENT])

    assert refused.status_code == 422, refused.text
    assert field in refused.text
    missing = client.get(f"/api/v1/units/{serial_no}", headers=as_role[Role.AGENT])
    assert missing.status_code == 404


def test_an_unknown_serial_is_not_found_in_both_languages(
    client: TestClient, as_role: Headers
) -> None:
    response = client.get(f"/api/v1/units/{serial()}", headers=as_role[Role.AGENT])
    assert response.status_code == 404
    assert response.json()["type"] == "urn:sanbao:problem:unit-not-found"
    assert response.json()["detail_zh"]


def test_only_those_who_report_claims_register_units(client: TestClient, as_role: Headers) -> None:
    body = {"serial_no": serial(), "model": "XD-450", "purchased_on": "2026-01-10",
            "channel": "门店"}  # fmt: skip
    for role in (Role.TECHNICIAN, Role.WAREHOUSE, Role.AUDITOR):
        refused = client.post("/api/v1/units", json=body, headers=as_role[role])
        assert refused.status_code == 403, role


def test_a_later_claim_for_a_replacement_is_decided_on_the_replacements_own_warranty(
    client: TestClient, as_role: Headers
) -> None:
    """Day 350: two failed repairs, then an exchange; day 370: the replacement fails. Its
    warranty runs from the exchange, and the old unit's failed repairs are not its own."""
    faulty, replacement = serial(), serial()
    first = report(client, as_role, faulty, occurred_at=ago(20))
    diagnosis(client, as_role, first, occurred_at=ago(20, 1))
    for start, end in ((20, 19), (15, 14)):
        command(
            client,
            as_role,
            first,
            "start-repair",
            item_no=1,
            mode="mail_in",
            occurred_at=ago(start, 2),
        )
        command(
            client,
            as_role,
            first,
            "record-repair",
            item_no=1,
            outcome="still_failing",
            occurred_at=ago(end),
        )
        decision = diagnosis(client, as_role, first, occurred_at=ago(end, 1))
    assert decision["rule_id"] == "quality-repeat-failure", decision
    command(client, as_role, first, "diagnose", finding="换新", cause="quality_defect", item_no=1,
            remedy="exchange", occurred_at=ago(13))  # fmt: skip
    command(client, as_role, first, "ship-replacement", item_no=1, serial_no=replacement,
            occurred_at=ago(12))  # fmt: skip

    second = report(client, as_role, replacement)
    decision = diagnosis(client, as_role, second)

    shipped_on = (TODAY - timedelta(days=12)).isoformat()
    assert decision["free"] is True and decision["rule_id"] != "quality-repeat-failure"
    assert decision["warranty_ends_on"] > TODAY.isoformat()
    assert (
        f"replacement for {faulty}" in decision["explanation"]
        and shipped_on in decision["explanation"]
    )
