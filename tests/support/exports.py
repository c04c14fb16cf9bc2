"""Reading back a list exported as a file (`?format=csv|xlsx`) to compare it with the JSON list."""

import csv
import io

from openpyxl import load_workbook


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [["" if value is None else value for value in row] for row in book.active.iter_rows(values_only=True)]


def both(client, url: str) -> tuple[list[list], list[list]]:
    joiner = "&" if "?" in url else "?"
    return read_csv(client.get(f"{url}{joiner}format=csv")), read_xlsx(client.get(f"{url}{joiner}format=xlsx"))


def json_rows(client, url: str) -> list[dict]:
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=200")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def assert_same_rows(client, url: str, *, key: str, column: int, header: list[str]):
    """The file's rows, in order, are the JSON list's (compared by `key` of the JSON row, `column` of the file)."""
    expected = [str(row[key]) for row in json_rows(client, url)]
    assert expected, url
    for table in both(client, url):
        assert table[0][: len(header)] == header
        assert [str(line[column]) for line in table[1:]] == expected
