"""The decisions API renders every body through its Output serializer: the keys and JSON types stay what they were
when the bodies were dicts (a number for the fine, null where nothing is known, ISO dates, a UTC moment)."""

from tests.decisions.test_two_documents import register


def test_decision_import_and_coverage_bodies(api, users, run_on_commit):
    decision = register(api, users["officer"], run_on_commit, fine_amount="123.45")
    assert set(decision) == {
        "id", "kind", "kind_label", "decision_no", "decision_date", "department", "subject", "severity",
        "penalty_types", "fine_amount", "record", "notice_required", "notice", "bundle_url",
        "has_uploaded_document", "delivery", "import_job",
    }  # fmt: skip
    assert decision["fine_amount"] == 123.45 and decision["decision_date"] == "2026-05-10"
    assert set(decision["subject"]) == {"uscc", "name", "type"} and set(decision["department"]) == {"code", "name"}
    assert set(decision["notice"]) == {"letter", "status", "verification_code", "verify_url", "pdf_url", "error"}
    assert decision["delivery"] == {"method": "", "delivered_on": None, "receipt": "", "notice_delivered": None}
    assert decision["import_job"] is None and decision["bundle_url"] == f"/api/v1/decisions/{decision['id']}/bundle.pdf"

    officer = api(users["officer"])
    job = officer.post("/api/v1/decisions", [{"kind": "administrative_penalty"}], format="json")
    assert job.status_code == 201
    body = officer.get(f"/api/v1/decisions/imports/{job.json()['id']}").json()
    assert body == job.json()
    assert set(body) == {
        "id", "source", "filename", "total_rows", "created", "duplicates", "errors", "error_rows",
        "duplicate_rows", "letter_batch", "letter_batch_url", "created_at",
    }  # fmt: skip
    assert (body["errors"], body["letter_batch"], body["letter_batch_url"]) == (1, None, None)
    assert body["created_at"].endswith("Z") and {"line", "field", "code", "message"} == set(body["error_rows"][0])

    officer.post(
        f"/api/v1/decisions/{decision['id']}/delivery",
        {"method": "direct", "delivered_on": "2026-05-20", "notice_delivered": False},
        format="json",
    )
    coverage = api(users["monitor"]).get("/api/v1/decisions/coverage?month=2026-05").json()
    assert {key: coverage[key] for key in ("month", "numerator", "denominator", "ratio")} == {
        "month": "2026-05",
        "numerator": 0,
        "denominator": 1,
        "ratio": 0.0,
    }
    assert set(coverage["missing"][0]) == {
        "id", "kind", "decision_no", "decision_date", "department", "subject", "delivered_on", "delivery_method",
        "notice_status",
    }  # fmt: skip
    listed = api(users["monitor"]).get("/api/v1/decisions/without-notice").json()["results"]
    assert listed == coverage["missing"]
    assert api(users["monitor"]).get("/api/v1/decisions/coverage?month=2026-06").json()["ratio"] is None
