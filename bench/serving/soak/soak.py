"""Soak test of linfa-serve: the server on 127.0.0.1, linfa-soak (serve/loadgen/soak.cpp) keeping
CONCURRENCY calls in flight over CONNECTIONS connections for DURATION seconds with a mix of valid
calls (answers checked against linfa's), invalid ones and client cancellations; the server's
resident memory (VmRSS) and CPU time sampled every second from /proc; then SIGTERM.

The run fails (exit code 1) when
  - any call ends with a status its kind does not allow (valid: OK with linfa's labels; invalid:
    INVALID_ARGUMENT; cancelled: CANCELLED, DEADLINE_EXCEEDED or OK), or the client fails;
  - the server dies during the run, or does not exit 0 within 30 s of SIGTERM;
  - the server's RSS at the end exceeds its RSS after the warm-up by more than
    max(RSS_GROWTH_MIB, RSS_GROWTH_PCT % of it), each the median of one window of samples.

Writes soak.json, results.md and (with matplotlib) p99.png and rss.png into --out.
usage: soak.py --server EXE --soak EXE --tool EXE --out DIR [--duration 600] [--connections 1024]
               [--concurrency 1024] [--warmup S] [--window 10] [--rss-growth-mib 16] [--rss-growth-pct 10]
"""
import argparse, datetime, json, os, platform, resource, shutil, signal, statistics, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--server", required=True)
p.add_argument("--soak", required=True)
p.add_argument("--tool", required=True)
p.add_argument("--out", required=True)
p.add_argument("--duration", type=float, default=600)
p.add_argument("--connections", type=int, default=1024)
p.add_argument("--concurrency", type=int, default=1024)
p.add_argument("--threads", type=int, default=2, help="client threads")
p.add_argument("--window", type=float, default=10)
p.add_argument("--warmup", type=float, default=None, help="seconds before the RSS baseline (default: 20%% of the run, at most 60)")
p.add_argument("--invalid-fraction", type=float, default=0.10)
p.add_argument("--cancel-fraction", type=float, default=0.05)
p.add_argument("--rss-growth-mib", type=float, default=16)
p.add_argument("--rss-growth-pct", type=float, default=10)
p.add_argument("--server-args", default="", help="extra linfa-serve flags, space-separated")
p.add_argument("--no-plots", action="store_true")
opts = p.parse_args()
warmup = opts.warmup if opts.warmup is not None else min(60.0, 0.2 * opts.duration)
os.makedirs(opts.out, exist_ok=True)

# 1024 connections need ~1024 descriptors on each side: raise the soft limit to the hard one.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
wanted = min(hard, max(soft, 4 * opts.connections + 1024)) if hard != resource.RLIM_INFINITY else max(soft, 4 * opts.connections + 1024)
resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

failures = []
work = tempfile.mkdtemp(prefix="linfa-soak-")
model = os.path.join(work, "model.linfa")
subprocess.run([opts.tool, "train", model, "--clusters", "100", "--features", "2", "--seed", "42"], check=True,
               stdout=subprocess.DEVNULL)


def machine():
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    grpc_version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libgrpc++-dev"], capture_output=True, text=True).stdout
    mem_kib = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1), "kernel": platform.release(),
            "grpc": grpc_version, "load_average_before": open("/proc/loadavg").read().split()[:3]}


def proc_sample(pid, t0):
    """(seconds since t0, VmRSS MiB, cpu seconds, threads) of the server, or None once it is gone."""
    try:
        status = open(f"/proc/{pid}/status").read()
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    rss_kib = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS:"))
    threads = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("Threads:"))
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(stat[11]) + int(stat[12])) / ticks  # utime, stime
    return {"t_s": round(time.monotonic() - t0, 2), "rss_mib": round(rss_kib / 1024, 2), "cpu_s": round(cpu, 2), "threads": threads}


info = machine()
server_cmd = [opts.server, "--model", model, "--host", "127.0.0.1", "--port", "0", "--drain-seconds", "10",
              *opts.server_args.split()]
server_log = open(os.path.join(work, "server.err"), "w+")
server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, stderr=server_log, text=True)
line = server.stdout.readline()
if not line.startswith("listening on "):
    server.kill()
    server_log.seek(0)
    sys.exit(f"linfa-serve did not start: {line!r} {server_log.read()}")
address = line.split()[-1]
client_json = os.path.join(work, "client.json")
client_cmd = [opts.soak, "--target", address, "--model", model, "--connections", str(opts.connections),
              "-c", str(opts.concurrency), "--threads", str(opts.threads), "--duration", str(opts.duration),
              "--window", str(opts.window), "--invalid-fraction", str(opts.invalid_fraction),
              "--cancel-fraction", str(opts.cancel_fraction), "-o", client_json]
print(f"soak: {' '.join(server_cmd)}\n      {' '.join(client_cmd)}", flush=True)
t0 = time.monotonic()
samples = [proc_sample(server.pid, t0)]
client = subprocess.Popen(client_cmd, stdout=subprocess.DEVNULL)
next_sample = time.monotonic() + 1
next_report = time.monotonic() + 60
while client.poll() is None:
    time.sleep(max(0.0, next_sample - time.monotonic()))
    next_sample += 1
    if server.poll() is not None:
        failures.append(f"linfa-serve died during the run (exit code {server.returncode})")
        client.kill()
        break
    s = proc_sample(server.pid, t0)
    if s:
        samples.append(s)
    if time.monotonic() >= next_report:
        next_report += 60
        print(f"  t={s['t_s']:6.0f} s  server RSS {s['rss_mib']:7.1f} MiB  cpu {s['cpu_s']:7.1f} s", flush=True)
client.wait()
if client.returncode != 0:
    failures.append(f"linfa-soak exited with {client.returncode}")
end_sample = proc_sample(server.pid, t0)
if end_sample:
    samples.append(end_sample)

# SIGTERM: in-flight calls drain, the process must exit 0.
exit_code = None
if server.poll() is None:
    server.send_signal(signal.SIGTERM)
    try:
        exit_code = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        exit_code = server.wait()
        failures.append("linfa-serve did not exit within 30 s of SIGTERM")
else:
    exit_code = server.returncode
if exit_code != 0:
    failures.append(f"linfa-serve exit code {exit_code} after SIGTERM (expected 0)")
server_log.seek(0)
server_lines = server_log.readlines()
server_errors = [l.strip() for l in server_lines if "level=error" in l or "level=critical" in l][:20]
with open(os.path.join(opts.out, "server.log"), "w") as f:  # its start and stop lines, and any error
    f.writelines(server_lines[:200])
info["load_average_after"] = open("/proc/loadavg").read().split()[:3]

result = json.load(open(client_json)) if os.path.exists(client_json) else {}
if not result:
    failures.append("linfa-soak wrote no result")
if result.get("unexpected", 0):
    failures.append(f"{result['unexpected']} calls ended with a status their kind does not allow "
                    f"({result.get('wrong_answers', 0)} wrong answers): {result.get('unexpected_samples')}")

# RSS: median of one window after the warm-up vs median of the last window.
def median_rss(lo, hi):
    values = [s["rss_mib"] for s in samples if lo <= s["t_s"] < hi]
    return statistics.median(values) if values else None

run_end = samples[-1]["t_s"] if samples else 0
rss_start = median_rss(warmup, warmup + opts.window)
rss_end = median_rss(run_end - opts.window, run_end + 1)
rss_peak = max((s["rss_mib"] for s in samples), default=None)
threshold = None
if rss_start is not None and rss_end is not None:
    threshold = max(opts.rss_growth_mib, rss_start * opts.rss_growth_pct / 100)
    if rss_end - rss_start > threshold:
        failures.append(f"server RSS grew from {rss_start:.1f} MiB after the warm-up to {rss_end:.1f} MiB at the end "
                        f"(+{rss_end - rss_start:.1f} MiB, allowed +{threshold:.1f} MiB)")
else:
    failures.append("too few RSS samples to compare (run longer than warm-up + 2 windows)")

windows = result.get("windows", [])
full = [w for w in windows if w["t_end_s"] - w["t_start_s"] >= 0.5 * opts.window]
summary = {
    "command": " ".join([sys.argv[0]] + sys.argv[1:]),
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": info,
    "settings": {"duration_s": opts.duration, "connections": opts.connections, "concurrency": opts.concurrency,
                 "client_threads": opts.threads, "window_s": opts.window, "warmup_s": warmup,
                 "invalid_fraction": opts.invalid_fraction, "cancel_fraction": opts.cancel_fraction,
                 "server_args": opts.server_args, "rss_growth_allowed_mib": threshold},
    "requests": result.get("requests"), "rps": result.get("rps"), "status": result.get("status"),
    "status_by_kind": result.get("status_by_kind"), "unexpected": result.get("unexpected"),
    "wrong_answers": result.get("wrong_answers"), "valid_latency_ms": result.get("valid_latency_ms"),
    "p99_first_window_ms": full[0]["p99_ms"] if full else None, "p99_last_window_ms": full[-1]["p99_ms"] if full else None,
    "rss_mib": {"at_start": samples[0]["rss_mib"] if samples else None, "after_warmup": rss_start, "end": rss_end,
                "peak": rss_peak},
    "server_cpu_s": samples[-1]["cpu_s"] if samples else None,
    "server_exit_code": exit_code, "server_error_lines": server_errors,
    "passed": not failures, "failures": failures,
    "windows": windows, "server_samples": samples,
}
with open(os.path.join(opts.out, "soak.json"), "w") as f:
    json.dump(summary, f, indent=1)
shutil.rmtree(work, ignore_errors=True)

# ---- plots ----
plots = []
if not opts.no_plots:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(8, 4))
        mid = [(w["t_start_s"] + w["t_end_s"]) / 2 for w in full]
        ax.plot(mid, [w["p99_ms"] for w in full], marker="o", label="p99")
        ax.plot(mid, [w["p50_ms"] for w in full], marker=".", linestyle="--", label="p50")
        ax.set_xlabel("time (s)")
        ax.set_ylabel(f"latency of valid calls per {opts.window:g} s window (ms)")
        ax.set_ylim(bottom=0)
        ax.set_title(f"linfa-serve soak: {opts.concurrency} calls in flight over {opts.connections} connections")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(opts.out, "p99.png"), dpi=100)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.plot([s["t_s"] for s in samples], [s["rss_mib"] for s in samples], label="VmRSS")
        ax.axvline(warmup, color="grey", linestyle=":", label="end of warm-up")
        if rss_start is not None and threshold is not None:
            ax.axhline(rss_start + threshold, color="red", linestyle="--", label="allowed growth")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("linfa-serve resident memory (MiB)")
        ax.set_ylim(bottom=0)
        ax.set_title("linfa-serve resident memory during the soak")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(opts.out, "rss.png"), dpi=100)
        plt.close(fig)
        plots = ["p99.png", "rss.png"]
    except ImportError as e:
        print(f"(no plots: {e})")

# ---- results.md ----
def fmt(v, spec=",.0f"):
    return "-" if v is None else format(v, spec)

status_rows = []
for kind, counts in (result.get("status_by_kind") or {}).items():
    for code, n in sorted(counts.items()):
        status_rows.append(f"| {kind} | {code} | {n:,} |")
sample_every = max(1, len(samples) // 12)
lines = [
    "# linfa-serve soak run",
    "",
    f"{summary['date']}: **{'PASSED' if not failures else 'FAILED'}**",
    "",
    f"- command: `{summary['command']}`",
    f"- machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, Linux {info['kernel']}, grpc {info['grpc']}; "
    f"load average before {' '.join(info['load_average_before'])}, after {' '.join(info['load_average_after'])} "
    "(client and server share the machine)",
    f"- load: {opts.concurrency} calls in flight over {opts.connections} connections ({opts.threads} client threads), "
    f"{opts.duration:g} s; {opts.invalid_fraction:.0%} invalid (wrong feature count, NaN, non-protobuf bytes), "
    f"{opts.cancel_fraction:.0%} cancelled by the client (TryCancel after 0-2 ms, or a 0-1 ms deadline)",
    "",
    "| | |",
    "|---|---:|",
    f"| calls | {fmt(result.get('requests'))} ({fmt(result.get('rps'))}/s) |",
    f"| unexpected statuses | {fmt(result.get('unexpected'))} |",
    f"| wrong answers (valid calls vs linfa) | {fmt(result.get('wrong_answers'))} |",
    f"| valid calls p50 / p99 / max (ms) | {fmt((result.get('valid_latency_ms') or {}).get('p50'), '.1f')} / "
    f"{fmt((result.get('valid_latency_ms') or {}).get('p99'), '.1f')} / {fmt((result.get('valid_latency_ms') or {}).get('max'), '.1f')} |",
    f"| p99, first / last {opts.window:g} s window (ms) | {fmt(summary['p99_first_window_ms'], '.1f')} / {fmt(summary['p99_last_window_ms'], '.1f')} |",
    f"| server RSS at start / after {warmup:g} s warm-up / end / peak (MiB) | {fmt(summary['rss_mib']['at_start'], '.1f')} / "
    f"{fmt(rss_start, '.1f')} / {fmt(rss_end, '.1f')} / {fmt(rss_peak, '.1f')} |",
    f"| RSS growth after warm-up (allowed) | {fmt(None if rss_end is None or rss_start is None else rss_end - rss_start, '+.1f')} MiB "
    f"({fmt(threshold, '.1f')} MiB) |",
    f"| server CPU time | {fmt(summary['server_cpu_s'], '.0f')} s |",
    f"| server exit code after SIGTERM | {exit_code} |",
    "",
    "| kind | status | calls |",
    "|---|---|---:|",
    *status_rows,
    "",
    "Failures: " + ("none" if not failures else "; ".join(failures)),
    "",
    f"| window (s) | calls/s | p50 ms | p99 ms | max ms | unexpected |",
    "|---|---:|---:|---:|---:|---:|",
    *[f"| {w['t_start_s']:.0f}-{w['t_end_s']:.0f} | {w['calls_per_s']:,.0f} | {w['p50_ms']:.1f} | {w['p99_ms']:.1f} | "
      f"{w['max_ms']:.1f} | {w['unexpected']} |" for w in windows],
    "",
    "| t (s) | server RSS (MiB) | CPU (s) | threads |",
    "|---:|---:|---:|---:|",
    *[f"| {s['t_s']:.0f} | {s['rss_mib']:.1f} | {s['cpu_s']:.1f} | {s['threads']} |" for s in samples[::sample_every] + samples[-1:]],
    "",
    *[f"![{name}]({name})" for name in plots],
    "",
]
with open(os.path.join(opts.out, "results.md"), "w") as f:
    f.write("\n".join(lines))

print(f"soak: {fmt(result.get('requests'))} calls ({fmt(result.get('rps'))}/s), status {result.get('status')}, "
      f"unexpected {result.get('unexpected')}, wrong answers {result.get('wrong_answers')}")
print(f"      p99 first/last window {fmt(summary['p99_first_window_ms'], '.1f')}/{fmt(summary['p99_last_window_ms'], '.1f')} ms; "
      f"RSS start {fmt(summary['rss_mib']['at_start'], '.1f')}, after warm-up {fmt(rss_start, '.1f')}, end {fmt(rss_end, '.1f')}, "
      f"peak {fmt(rss_peak, '.1f')} MiB (allowed +{fmt(threshold, '.1f')}); exit code {exit_code}")
print(f"      results in {opts.out}")
if failures:
    print("SOAK FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("soak passed")
