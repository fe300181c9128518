"""Over HTTP: recalls. Batch and supplier traces name the affected serials and claims,
a replacement counts under its own batch, the claims list filters by batch and
supplier, and a recall list exports as CSV."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from tests.e2e.claims import report_body

pytestmark = pytest.mark.postgres

Headers = dict[Role, dict[str, str]]


def command(
    client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any
) -> int:
    response = client.post(f"/api/v1/claims/{claim_id}/{name}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    position: int = response.json()["position"]
    return position


def report(
    client: TestClient, as_role: Headers, serial_no: str, batch: str, supplier: str
) -> dict[str, Any]:
    body = report_body(serial_no)
    body["items"][0].update(batch_no=batch, supplier=supplier)
    response = client.post("/api/v1/claims", json=body, headers=as_role[Role.AGENT])
    assert response.status_code == 201, response.text
    reported: dict[str, Any] = response.json()
    return reported


class Recall:
    """Claim A: a lamp of batch OLD from SUPPLIER, exchanged for a unit of batch NEW;
    claim B: reported later about that replacement, without batch or supplier."""

    def __init__(self, client: TestClient, as_role: Headers) -> None:
        tag = uuid.uuid4().hex[:8]
        self.old, self.new, self.supplier = f"OLD-{tag}", f"NEW-{tag}", f"供应商-{tag}"
        self.faulty, self.replacement = f"RC-{tag}-1", f"RC-{tag}-2"
        first = report(client, as_role, self.faulty, self.old, self.supplier)
        self.first = first["claim_number"]
        claim_id = first["claim_id"]
        finding = {"finding": "不亮", "cause": "quality_defect", "item_no": 1}
        command(client, as_role[Role.TECHNICIAN], claim_id, "diagnose", **finding)
        command(
            client, as_role[Role.WAREHOUSE], claim_id, "ship-replacement",
            item_no=1, serial_no=self.replacement, batch_no=self.new,
        )  # fmt: skip
        second = report(client, as_role, self.replacement, "", "")
        self.second = second["claim_number"]
        self.position = second["position"]

    def get(self, client: TestClient, as_role: Headers, path: str) -> Any:
        joiner = "&" if "?" in path else "?"
        response = client.get(
            f"/api/v1{path}{joiner}min_position={self.position}", headers=as_role[Role.SUPERVISOR]
        )
        assert response.status_code == 200, response.text
        return response


@pytest.fixture
def recall(client: TestClient, as_role: Headers) -> Recall:
    return Recall(client, as_role)


def test_a_batch_trace_names_its_serials_and_claims_with_replacements_under_their_own_batch(
    client: TestClient, as_role: Headers, recall: Recall
) -> None:
    new = recall.get(client, as_role, f"/trace/batches/{recall.new}").json()
    old = recall.get(client, as_role, f"/trace/batches/{recall.old}").json()

    assert new["serials"] == [recall.replacement]
    assert new["claim_numbers"] == sorted([recall.first, recall.second])
    assert (new["replacements"], new["claims"], new["items"]) == (1, 1, 1)
    assert old["serials"] == [recall.faulty] and old["claim_numbers"] == [recall.first]
    assert old["replacements"] == 0


def test_a_supplier_trace_follows_its_items_to_their_replacements(
    client: TestClient, as_role: Headers, recall: Recall
) -> None:
    traced = recall.get(client, as_role, f"/trace/suppliers/{recall.supplier}").json()

    assert traced["serials"] == sorted([recall.faulty, recall.replacement])
    assert traced["claim_numbers"] == sorted([recall.first, recall.second])
    assert traced["claims"] == 2


def test_the_claims_list_filters_by_batch_and_supplier(
    client: TestClient, as_role: Headers, recall: Recall
) -> None:
    def numbers(query: str) -> list[str]:
        page = recall.get(client, as_role, f"/claims?{query}").json()
        return sorted(row["claim_number"] for row in page["data"])

    assert numbers(f"batch={recall.new}") == sorted([recall.first, recall.second])
    assert numbers(f"batch={recall.old}") == [recall.first]
    assert numbers(f"supplier={recall.supplier}") == sorted([recall.first, recall.second])
    assert numbers(f"batch=NONE-{uuid.uuid4().hex}") == []


def test_an_empty_batch_filter_is_refused(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/claims?batch=", headers=as_role[Role.SUPERVISOR])
    assert response.status_code == 422
    assert "batch" in response.text


def test_a_recall_list_exports_as_csv(client: TestClient, as_role: Headers, recall: Recall) -> None:
    response = recall.get(client, as_role, f"/trace/batches/{recall.new}/recall.csv")

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["serial_no"], r["claim_event"], r["batch_no"]) for r in rows] == [
        (recall.replacement, "shipped", recall.new),
        (recall.replacement, "reported", recall.new),
    ]
    assert {r["claim_number"] for r in rows} == {recall.first, recall.second}
    assert all(r["at"].endswith("+08:00") for r in rows)


def test_a_recall_list_reads_as_json_for_a_supplier(
    client: TestClient, as_role: Headers, recall: Recall
) -> None:
    units = recall.get(client, as_role, f"/trace/suppliers/{recall.supplier}/recall").json()

    assert all(u["at"].endswith("+08:00") for u in units)  # the API's one time convention
    assert [(u["serial_no"], u["belongs"], u["claim_event"]) for u in units] == [
        (recall.faulty, "item", "reported"),
        (recall.replacement, "replacement", "shipped"),
        (recall.replacement, "replacement", "reported"),
    ]


def test_recall_lists_are_for_those_who_trace(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/trace/batches/B1/recall.csv", headers=as_role[Role.AGENT])
    assert response.status_code == 403
