"""API inputs every module's actions share."""

from rest_framework import serializers


class ReasonInputSerializer(serializers.Serializer):
    """The reason a refusal, a return or a cancellation needs."""

    reason = serializers.CharField(max_length=4000)
