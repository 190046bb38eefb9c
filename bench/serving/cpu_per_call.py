"""CPU per call: how many microseconds of CPU linfa-serve and its client spend on one call,
for each protocol, one row per call at CONCURRENCY in flight. The server's CPU is read from
/proc/PID/stat around each run, the client's from getrusage of its process, and both are
divided by the calls answered. On a 2-core machine shared by client and server, the sum of the
two bounds the requests per second: 2 s of CPU per second / (server + client) per call.
usage: cpu_per_call.py --server EXE --loadgen EXE --tool EXE [--duration 5] [--repeats 3]
                       [--concurrency 64] [--calls Predict,linfa.Predict,ModelInfer,REST] [--out FILE]"""
import argparse, json, os, resource, re, signal, statistics, subprocess, tempfile, time

args = argparse.ArgumentParser()
for name in ("--server", "--loadgen", "--tool"):
    args.add_argument(name, required=True)
args.add_argument("--duration", type=float, default=5)
args.add_argument("--repeats", type=int, default=3)
args.add_argument("--concurrency", type=int, default=64)
args.add_argument("--calls", default="Predict,linfa.Predict,ModelInfer,REST")
args.add_argument("--server-args", default="", help="extra linfa-serve flags, space separated")
args.add_argument("--out")
opts = args.parse_args()
work = tempfile.mkdtemp(prefix="linfa-cpu-")
model = f"{work}/model.linfa"
subprocess.run([opts.tool, "train", model, "--clusters", "100", "--features", "2"], check=True, stdout=subprocess.DEVNULL)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def client_run(call, grpc_address, http_address, duration):
    """Runs the client once; returns (calls answered, client CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if call == "REST":
        lua = f"{work}/post.lua"
        with open(lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    'wrk.body = \'{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "FP64", "data": [[0.5, -1.25]]}]}\'\n')
        text = subprocess.run(["wrk", "-t2", f"-c{opts.concurrency}", f"-d{int(duration)}s", "-s", lua,
                               f"http://{http_address}/v2/models/model/infer"], check=True, capture_output=True, text=True).stdout
        if "Non-2xx" in text:
            raise SystemExit("REST calls failed:\n" + text)
        calls = int(re.search(r"(\d+) requests in", text).group(1))
    else:
        out = subprocess.run([opts.loadgen, "--target", grpc_address, "--call", call, "-c", str(opts.concurrency),
                              "--duration", str(duration), "--warmup", "0"], check=True, capture_output=True, text=True).stdout
        result = json.loads(out)
        if result["errors"]:
            raise SystemExit(f"{call}: {result['errors']} failed calls")
        calls = result["requests"]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return calls, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


server = subprocess.Popen([opts.server, "--model", model, "--port", "0", "--http-port", "0", *opts.server_args.split()],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
http_address = server.stdout.readline().split()[-1]
grpc_address = server.stdout.readline().split()[-1]
calls = opts.calls.split(",")
runs = {call: [] for call in calls}
try:
    for call in calls:
        client_run(call, grpc_address, http_address, 1)  # warm-up: connections, threads, caches
    for _ in range(opts.repeats):
        for call in calls:
            start_cpu, start = cpu_seconds(server.pid), time.monotonic()
            answered, client_cpu = client_run(call, grpc_address, http_address, opts.duration)
            server_cpu, wall = cpu_seconds(server.pid) - start_cpu, time.monotonic() - start
            runs[call].append({"calls": answered, "rps": answered / wall, "server_us": 1e6 * server_cpu / answered,
                               "client_us": 1e6 * client_cpu / answered})
finally:
    server.send_signal(signal.SIGTERM)
    server.wait()
summary = {}
print(f"{'call':14} {'req/s':>8} {'server us/call':>15} {'client us/call':>15}   (medians of {opts.repeats}, {opts.concurrency} in flight)")
for call, rs in runs.items():
    summary[call] = {key: statistics.median(r[key] for r in rs) for key in ("rps", "server_us", "client_us")}
    s = summary[call]
    print(f"{call:14} {s['rps']:8.0f} {s['server_us']:15.1f} {s['client_us']:15.1f}")
print(f"load average {os.getloadavg()[0]:.2f}")
if opts.out:
    json.dump({"concurrency": opts.concurrency, "server_args": opts.server_args, "runs": runs, "median": summary},
              open(opts.out, "w"), indent=1)
