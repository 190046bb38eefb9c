"""Turns the JSON of run.sh into results.md (tables, the targets' ratios, the machine) and
three plots vs concurrency: throughput.png, latency.png (p50 and p99), errors.png.
usage: report.py RESULTS_DIR OUT_DIR"""
import glob, json, os, re, subprocess, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

results, out = sys.argv[1], sys.argv[2]
SCENARIOS = [("sklearn", "Python grpcio + scikit-learn"), ("linfa-python", "Python grpcio + linfa (Python)"),
             ("linfa-serve", "linfa-serve (C++)")]

runs = {}
for path in glob.glob(os.path.join(results, "*-c*.json")):
    name, level = re.match(r"(.*)-c(\d+)\.json", os.path.basename(path)).groups()
    runs.setdefault(name, {})[int(level)] = json.load(open(path))
present = [(key, label) for key, label in SCENARIOS if key in runs]


def machine():
    info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    field = lambda name: next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith(name + ":")), "?")
    return f"{field('Model name')}, {field('CPU(s)')} CPUs ({field('Thread(s) per core')} thread(s) per core)"


def table():
    levels = sorted({c for name, _ in present for c in runs[name]})
    rows = ["| concurrency | " + " | ".join(f"{label}: req/s, p50 / p99 ms, errors" for _, label in present) + " |",
            "|---:|" + "---|" * len(present)]
    for c in levels:
        cells = []
        for name, _ in present:
            d = runs[name].get(c)
            cells.append("-" if d is None else f"{d['rps']:,.0f}, {d['latency_ms']['p50']:.2f} / {d['latency_ms']['p99']:.2f}, {d['errors']}")
        rows.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def targets(level=64):
    lines = []
    serve = runs.get("linfa-serve", {}).get(level)
    for name, label, goal in [("sklearn", "scikit-learn", 25), ("linfa-python", "linfa Python", 7)]:
        other = runs.get(name, {}).get(level)
        if not (serve and other):
            lines.append(f"- vs {label}: not measured")
            continue
        ratio = serve["rps"] / other["rps"]
        p99 = (serve["latency_ms"]["p99"], other["latency_ms"]["p99"])
        lines.append(f"- at {level} concurrent, linfa-serve / {label}: **{ratio:.1f}x** req/s (target >= {goal}x: "
                     f"{'met' if ratio >= goal else 'NOT met'}); p99 {p99[0]:.2f} ms vs {p99[1]:.2f} ms "
                     f"({'lower' if p99[0] < p99[1] else 'NOT lower'})")
    if "linfa-serve" in runs:
        errors = sum(d["errors"] for d in runs["linfa-serve"].values())
        lines.append(f"- linfa-serve errors over the whole sweep: {errors} (target: 0)")
    for scalar in ("f64", "f32"):
        path = os.path.join(results, f"batch-{scalar}.json")
        if os.path.exists(path):
            d = json.load(open(path))
            pps = d["points_per_s"]
            lines.append(f"- batch API, {scalar} rows, {d['rows_per_request']} rows/request, {d['concurrency']} concurrent: "
                         f"**{pps / 1e6:.1f} M points/s** (target >= 10 M: {'met' if pps >= 10e6 else 'NOT met'}), "
                         f"p50 {d['latency_ms']['p50']:.1f} ms, errors {d['errors']}")
    return "\n".join(lines)


def plot(filename, ylabel, series, log_y=False):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, (name, label) in enumerate(present):
        levels = sorted(runs[name])
        for suffix, get, style in series:  # one colour per scenario, one line style per series
            ax.plot(levels, [get(runs[name][c]) for c in levels], style, color=f"C{i}", marker="o", label=label + suffix)
    ax.set_xscale("log", base=2)
    if log_y:
        ax.set_yscale("log")
    else:  # a rate: from 0, and not a flat line in the middle when every value is 0
        ax.set_ylim(0, max([0.01] + [get(d) for name, _ in present for d in runs[name].values() for _, get, _ in series]) * 1.1)
    ax.set_xlabel("concurrent requests")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"unary Predict, 1 point, K-Means k=100 d=2 ({ylabel})", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out, filename), dpi=110)
    plt.close(fig)


plot("throughput.png", "requests/s", [("", lambda d: d["rps"], "-")], log_y=True)
plot("latency.png", "latency (ms)", [(" p50", lambda d: d["latency_ms"]["p50"], "-"),
                                     (" p99", lambda d: d["latency_ms"]["p99"], "--")], log_y=True)
plot("errors.png", "error rate", [("", lambda d: d["error_rate"], "-")])
any_run = next(iter(next(iter(runs.values())).values()))
load_path = os.path.join(results, "load.txt")
load = open(load_path).read().strip().replace("\n", "; ") if os.path.exists(load_path) else "not recorded"
report = f"""# Inference benchmark results

Machine: {machine()}. Same model in every scenario (K-Means, 100 centroids x 2 features);
load: linfa-loadgen, unary `ml.ClusteringService/Predict`, one point per request, 1 connection,
{any_run['duration_s']:g} s measured per level after a warm-up; client and server share the machine
(1-minute {load}).

## Against the targets

{targets()}

## Sweep

{table()}

![throughput](throughput.png) ![latency](latency.png) ![errors](errors.png)
"""
open(os.path.join(out, "results.md"), "w").write(report)
print(report)
