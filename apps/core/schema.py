"""The OpenAPI schema class (drf-spectacular) the API uses. Its own module: drf-spectacular imports DRF's settings,
which import apps.core.api, so this cannot live there."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class AutoSchema(SpectacularAutoSchema):
    """Serializers nested in a view (house style: `SomeApi.InputSerializer`) are named after their view in the
    schema (`SomeInput`), so two views' InputSerializers never collide into one wrong component."""

    def get_serializer_name(self, serializer, direction) -> str:
        cls = serializer.__class__
        parts = cls.__qualname__.split(".")
        if len(parts) > 1 and "<locals>" not in parts:
            outer = parts[-2].removesuffix("Api").removesuffix("View")
            return f"{outer}{cls.__name__}"
        return cls.__name__


_paginated: dict[str, type] = {}


def paginated(name: str, item: Any) -> type:
    """The serializer of a page of apps.core.api.Pagination ({count, next, previous, results}) for the schema of a
    list view that paginates by hand. `item` is a serializer class or instance (a PolymorphicProxySerializer too)."""
    if name not in _paginated:
        results = item(many=True) if isinstance(item, type) else item
        _paginated[name] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": results,
                "__module__": __name__,
            },
        )
    return _paginated[name]


class ErrorOutput(serializers.Serializer):
    """Every 4xx of the API (apps.core.api.exception_handler); some errors add keys (e.g. `open_case`)."""

    error = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
