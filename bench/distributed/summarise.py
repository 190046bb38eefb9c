"""Reads kmeans_scaling's JSON lines (one per run, with a "label") from stdin and prints the
median of each configuration's runs as a table (bench/distributed/run.sh)."""
import json
import statistics
import sys

runs = {}
for line in sys.stdin:
    if line.startswith("{"):
        record = json.loads(line)
        runs.setdefault(record["label"], []).append(record)

print(f"{'configuration':22} {'s/iter':>8} {'CPU s/iter':>10} {'collectives':>11} {'bytes/iter':>11}")
for label, records in runs.items():
    def median(key):
        return statistics.median(r[key] for r in records)
    print(f"{label:22} {median('seconds_per_iteration'):8.4f} {median('cpu_seconds_per_iteration'):10.4f} "
          f"{int(median('collectives_per_iteration')):11d} {int(median('bytes_received_per_iteration')):11d}")
