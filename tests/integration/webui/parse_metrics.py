"""Parses a Prometheus text exposition with Prometheus's own Python parser (Debian
python3-prometheus-client) and prints its families as JSON: {name: {"type": T, "samples": [[sample
name, labels, value], ...]}}. A malformed exposition makes the parser raise: exit code 1."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
    families[family.name] = {
        "type": family.type,
        "samples": [[s.name, s.labels, s.value] for s in family.samples],
    }
print(json.dumps(families))
