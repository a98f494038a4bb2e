import json
import logging

import pytest

from observability.logs import JsonFormatter, mask_personal_data, request_id


@pytest.mark.parametrize(
    "text, hidden, hint",
    [
        ("case LAB-2025-000123 found", "000123", "LAB-****-***123"),
        ("case lab 2025 000123", "2025 000123", "***123"),
        ("case LAB-٢٠٢٥-٠٠٠١٢٣", "٢٠٢٥", "LAB-****-***"),
        ("cin AB123456 ok", "AB123456", "AB****56"),
        ("cin k987654", "k987654", "k****54"),
        ("call +212 6 12 34 56 78", "12 34 56", "78"),
        ("call 0612345678", "0612345678", "78"),
        ("sender wa:212612345678", "212612345678", "78"),
    ],
)
def test_personal_data_is_masked(text, hidden, hint):
    masked = mask_personal_data(text)
    assert hidden not in masked
    assert hint in masked


def test_ordinary_text_is_left_alone():
    text = "Article 231 of law 65-99: 18 days of leave in 2025, 3,423 MAD"
    assert mask_personal_data(text) == text


def test_json_line_carries_request_id_and_masks_arguments():
    record = logging.LogRecord("actions", logging.INFO, __file__, 1, "look-up %s for %s", ("LAB-2025-000123", "AB123456"), None)
    token = request_id.set("req-42")
    try:
        line = JsonFormatter("actions").format(record)
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert entry["request_id"] == "req-42" and entry["service"] == "actions"
    assert "AB123456" not in line and "000123" not in line
