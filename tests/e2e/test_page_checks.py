"""The checks the browser walk-throughs apply to every page catch what they are meant to, and only that."""

import pytest

from tests.e2e.support import wording_problems


@pytest.mark.parametrize(
    "text",
    [
        "Dashboard",
        "Inbox",
        "Queue",
        "Archive",
        "ASSIGN AND CONTINUE",
        "Task has been assigned.",
        "Owner",
        "Execute",
        "Approve",
        "Comment",
        "Outcome",
        "Reasons",
        "Action",
        "Brief",
        "有处罚：True",
        "任务已认领Task",
        "流程Process#3",
        "False",
        "None",
        "1-3 of 3",
        "申请时间 2026-12-01T10:00:00+08:00",
    ],
)
def test_english_workbench_words_and_iso_timestamps_are_found(text):
    assert wording_problems([text]), text


@pytest.mark.parametrize(
    "text",
    [
        "工作台",
        "第 1–3 条，共 3 条",
        "2026年12月1日 10:00",
        "2026-12-01",
        "XF2026000001",
        "91420502MA4XF0014M",
        "SHA-256",
        "接口文档（OpenAPI）",
        "本系统以 AGPL-3.0-or-later 许可发布。",
        "宜市监罚〔2026〕E2E01号",
        "Noto Serif CJK SC",
        "Nonetheless",
    ],
)
def test_chinese_text_dates_codes_and_words_outside_the_vocabulary_pass(text):
    assert wording_problems([text]) == [], text
