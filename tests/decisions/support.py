import csv
import io

from tests.letters.support import new_uscc

HEADERS = [
    "决定类别",
    "决定文书号",
    "决定日期",
    "统一社会信用代码",
    "当事人名称",
    "失信程度",
    "处罚种类",
    "违法事实",
    "处罚依据",
    "罚没金额",
]


def decision_row(
    n: int, *, uscc: str | None = None, name: str | None = None, severity: str = "一般", day: str = "2026-05-10"
) -> dict:
    return {
        "决定类别": "行政处罚",
        "决定文书号": f"宜市监处罚〔2026〕{n}号",
        "决定日期": day,
        "统一社会信用代码": uscc or new_uscc(),
        "当事人名称": name or f"宜昌第{n}号商贸有限公司",
        "失信程度": severity,
        "处罚种类": "警告；罚款",
        "违法事实": f"第{n}号案件：销售不符合食品安全标准的食品。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "罚没金额": "5000",
    }


def to_csv(rows: list[dict], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
