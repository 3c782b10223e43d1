"""Locust's parse_timespan: "20", "20s", "3m", "2h", "1h20m", "3h30m10s"... in whole seconds."""
import re
from datetime import timedelta

_SPAN = re.compile(r"((?P<hours>\d+?)h)?((?P<minutes>\d+?)m)?((?P<seconds>\d+?)s)?")
_FORMATS = "Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc."


def parse_timespan(time_str):
    if not time_str:
        raise ValueError("Invalid time span format")
    if re.match(r"^\d+$", time_str):  # a bare number is seconds
        return int(time_str)
    parts = {name: int(value) for name, value in _SPAN.match(time_str).groupdict().items() if value}
    if not parts:
        raise ValueError("Invalid time span format. " + _FORMATS)
    return int(timedelta(**parts).total_seconds())
