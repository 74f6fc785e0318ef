#!/usr/bin/python3
"""Reads a Prometheus text exposition on stdin with the reference parser of the Prometheus
project's Python client (Debian: python3-prometheus-client) and prints what it understood as
JSON: {"families": {name: {"type", "help", "samples": [{"name", "labels", "value"}]}}}.
Exits 1 with the parser's message when the text does not parse."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            if family.name in families:
                raise ValueError("family %s appears twice" % family.name)
            samples = []
            for s in family.samples:
                value = s.value
                if math.isnan(value) or math.isinf(value):
                    value = str(value)
                samples.append({"name": s.name, "labels": s.labels, "value": value})
            families[family.name] = {"type": family.type, "help": family.documentation,
                                     "samples": samples}
    except Exception as e:  # the parser raises ValueError (and others) on malformed input
        print("parse error: %s" % e, file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
