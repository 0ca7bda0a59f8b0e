"""The pulse's API shapes. An answer comes back with no identifying field at all."""

from typing import Any

from rest_framework import serializers

from pulse.statements import COMMENT_MAX_LENGTH, KEYS, SCALE


class PulseAnswersSerializer(serializers.Serializer[Any]):
    speak_up = serializers.IntegerField(min_value=SCALE[0], max_value=SCALE[-1])
    not_working_safe = serializers.IntegerField(min_value=SCALE[0], max_value=SCALE[-1])
    heard = serializers.IntegerField(min_value=SCALE[0], max_value=SCALE[-1])

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(KEYS))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Not one of the pulse's statements."] for name in unknown}
                )
        return super().to_internal_value(data)


class PulseAnswerInputSerializer(serializers.Serializer[Any]):
    answers = PulseAnswersSerializer()
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, default=""
    )


class PulseAnsweredSerializer(serializers.Serializer[Any]):
    """What answering returns: the period answered, and nothing about the person."""

    period_start = serializers.DateField()
    period_end = serializers.DateField()
    answered = serializers.BooleanField()


class PulseScoresSerializer(serializers.Serializer[Any]):
    speak_up = serializers.FloatField()
    not_working_safe = serializers.FloatField()
    heard = serializers.FloatField()


class PulseDistributionSerializer(serializers.Serializer[Any]):
    """For each statement, how many people chose each point of the scale ("1" to "5")."""

    speak_up = serializers.DictField(child=serializers.IntegerField())
    not_working_safe = serializers.DictField(child=serializers.IntegerField())
    heard = serializers.DictField(child=serializers.IntegerField())


class PulseResultSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    responses = serializers.IntegerField()
    scores = PulseScoresSerializer(allow_null=True)
    distribution = PulseDistributionSerializer(allow_null=True)
    comments = serializers.ListField(child=serializers.CharField(), allow_null=True)
