"""Plots of the serving figures in bench/serving/README.md, from the JSON the scripts write:
  protocols.png    requests/s by protocol on one server (cpu_per_call.json) and the Python REST
                   peer (rest.json), with the server's and the client's CPU per call
  reload_rss.png   linfa-serve's RSS under 1024 calls in flight, with a new version every 2 s
                   (reload/summary.json) and without reloads (noreload/summary.json), 60 s;
                   and with a new version every 2 s for 600 s (reload_600/summary.json)
usage: plot_serving.py RESULTS_DIR   (writes the PNGs beside bench/serving/README.md)"""
import json, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

results = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))

cpu = json.load(open(f"{results}/cpu_per_call.json"))["median"]
rest = json.load(open(f"{results}/rest.json"))
names = list(cpu) + ["Python REST\n(aiohttp + sklearn)"]
rps = [cpu[c]["rps"] for c in cpu] + [rest["python"]["median_rps"]]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.bar(range(len(names)), rps, color=["C0"] * len(cpu) + ["C3"])
left.set_xticks(range(len(names)), [n.replace("linfa.Predict", "linfa.v1\nPredict").replace("Predict", "Predict") for n in names], fontsize=8)
left.set_ylabel("requests/s (one row per call, 64 in flight)")
left.set_title("linfa-serve by protocol, and a Python REST server")
server_us = [cpu[c]["server_us"] for c in cpu]
client_us = [cpu[c]["client_us"] for c in cpu]
right.bar(range(len(cpu)), server_us, label="linfa-serve")
right.bar(range(len(cpu)), client_us, bottom=server_us, label="client (linfa-loadgen; wrk for REST)")
right.set_xticks(range(len(cpu)), list(cpu), fontsize=8)
right.set_ylabel("CPU microseconds per call")
right.set_title("CPU per call, server and client")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(f"{here}/protocols.png", dpi=90)

fig, (short, long) = plt.subplots(1, 2, figsize=(11, 3.5))
for ax, runs, title in ((short, (("reload", "a new version every 2 s"), ("noreload", "no reload (the load alone)")), "60 s"),
                        (long, (("reload_600", "a new version every 2 s"),), "600 s")):
    for name, label in runs:
        path = f"{results}/{name}/summary.json"
        if os.path.exists(path):
            samples = json.load(open(path))["rss_samples"]
            ax.plot([t for t, _ in samples], [r for _, r in samples], marker="." if title == "60 s" else None, label=label)
    ax.set_xlabel("seconds")
    ax.set_ylabel("linfa-serve RSS, MiB")
    ax.set_ylim(bottom=0)
    ax.set_title(f"RSS under 1024 calls in flight, {title}")
    ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(f"{here}/reload_rss.png", dpi=90)
