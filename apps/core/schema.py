"""The OpenAPI schema class (drf-spectacular) the API uses. Its own module: drf-spectacular imports DRF's settings,
which import apps.core.api, so this cannot live there."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


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
