"""API fields of the subjects app that other apps' APIs reuse."""

from rest_framework import serializers

from apps.subjects.uscc import validate_uscc


class UsccField(serializers.CharField):
    """A unified social credit code; its errors name the position and the expected check character. The value is
    the normalised code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        result = validate_uscc(value)
        if not result.valid:
            raise serializers.ValidationError([e.message for e in result.errors])
        return result.code
