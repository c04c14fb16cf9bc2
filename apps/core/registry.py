"""Extension points so lower apps can show what higher apps hold without importing them.

Domain apps (repairs, objections, …) register a provider in their AppConfig.ready(); subjects calls them.
"""

from collections.abc import Callable
from typing import Any

# `user` is Any here: it is the project's User (AUTH_USER_MODEL), which core does not import, and each provider
# names it exactly.
# provider(user, subject) -> list of {"type", "id", "status", "current_step", "due_date", "url"}
SubjectCaseProvider = Callable[[Any, Any], list[dict[str, Any]]]
_subject_case_providers: list[SubjectCaseProvider] = []


def register_subject_case_provider(provider: SubjectCaseProvider) -> None:
    if provider not in _subject_case_providers:
        _subject_case_providers.append(provider)


def subject_cases(*, user: Any, subject: Any) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for provider in _subject_case_providers:
        cases.extend(provider(user, subject))
    return cases


# provider(user) -> list of {"title", "reference", "due_date" (date or None), "url"}: what waits for the applicant
# (a 补正 or a request for material), shown as a to-do banner on the portal pages.
TodoProvider = Callable[[Any], list[dict[str, Any]]]
_todo_providers: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> None:
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def todos_for(*, user: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for provider in _todo_providers:
        items.extend(provider(user))
    return sorted(items, key=lambda item: (item["due_date"] is None, item["due_date"] or "", item["reference"]))
