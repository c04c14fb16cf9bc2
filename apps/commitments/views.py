"""The public register of credit commitments (/commitments/register/): anyone may read it. Thin: the selector
decides what is published."""

from django.core.paginator import Paginator
from django.shortcuts import render

from apps.commitments.models import CommitmentType
from apps.commitments.selectors import REGISTER_TYPES, commitment_public_view, commitments_public_register


def register_page(request):
    chosen = request.GET.get("type", "")
    chosen = chosen if chosen in REGISTER_TYPES else ""
    query = request.GET.get("q", "")[:100]
    page = Paginator(commitments_public_register(type=chosen, query=query), 50).get_page(request.GET.get("page"))
    context = {
        "rows": [commitment_public_view(c) for c in page],
        "page": page,
        "types": [(t, label) for t, label in CommitmentType.choices if t in REGISTER_TYPES],
        "chosen": chosen,
        "query": query,
    }
    return render(request, "commitments/register.html", context)
