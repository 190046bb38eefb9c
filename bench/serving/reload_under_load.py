"""Hot reload under load: linfa-serve serves a model repository while linfa-loadgen keeps
CONCURRENCY linfa.serving.v1 Predict calls in flight; every INTERVAL seconds a new version of the
model is published (written beside, renamed into place), the version before the previous one is
removed, and the server gets SIGHUP. Prints and writes (--out) the calls by status, the versions
swapped in, and the server's RSS over the run (the issue's target: zero failed calls, RSS flat).
--no-reload runs the same load without publishing anything: the baseline of the server's RSS
under that load alone, so that growth from reloads can be told from growth from the load.
usage: reload_under_load.py --server EXE --loadgen EXE --tool EXE --out DIR
                            [--duration 60] [--interval 2] [--concurrency 1024] [--connections 64] [--no-reload]"""
import argparse, json, os, shutil, signal, subprocess, tempfile, time

args = argparse.ArgumentParser()
for name in ("--server", "--loadgen", "--tool", "--out"):
    args.add_argument(name, required=True)
args.add_argument("--duration", type=float, default=60)
args.add_argument("--interval", type=float, default=2)
args.add_argument("--concurrency", type=int, default=1024)
args.add_argument("--connections", type=int, default=64)
args.add_argument("--no-reload", action="store_true")
opts = args.parse_args()
os.makedirs(opts.out, exist_ok=True)
work = tempfile.mkdtemp(prefix="linfa-reload-")
repo = f"{work}/models"
# Two model files of different k, alternated, so that every swap changes the answers.
files = []
for i, k in enumerate((100, 64)):
    files.append(f"{work}/k{k}.linfa")
    subprocess.run([opts.tool, "train", files[-1], "--clusters", str(k), "--features", "2", "--seed", str(i + 1)],
                   check=True, stdout=subprocess.DEVNULL)


def publish(version):
    folder = f"{repo}/blobs/{version}"
    os.makedirs(folder, exist_ok=True)
    shutil.copyfile(files[version % 2], f"{folder}/model.linfa.tmp")
    os.rename(f"{folder}/model.linfa.tmp", f"{folder}/model.linfa")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


publish(1)
server = subprocess.Popen([opts.server, "--model-repository", repo, "--host", "127.0.0.1", "--port", "0"],
                          stdout=subprocess.PIPE, stderr=open(f"{opts.out}/server.log", "w"), text=True)
load = None
try:
    address = server.stdout.readline().split()[-1]
    load = subprocess.Popen([opts.loadgen, "--target", address, "--call", "linfa.Predict", "--model", "blobs",
                             "-c", str(opts.concurrency), "--connections", str(opts.connections), "--threads", "2",
                             "--duration", str(opts.duration), "--warmup", "1", "--timeout", "20",
                             "-o", f"{opts.out}/loadgen.json"], stdout=subprocess.DEVNULL)
    start, version, samples = time.time(), 1, []
    while load.poll() is None:
        time.sleep(opts.interval)
        if load.poll() is not None:
            break
        if not opts.no_reload:
            version += 1
            publish(version)
            if version > 2:
                shutil.rmtree(f"{repo}/blobs/{version - 2}")  # latest = 1: the server has moved on from it
            server.send_signal(signal.SIGHUP)
        samples.append((round(time.time() - start, 1), round(rss_mb(server.pid), 1)))
    load.wait()
finally:
    if load and load.poll() is None:
        load.kill()
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=60)
    shutil.rmtree(work, ignore_errors=True)
result = json.load(open(f"{opts.out}/loadgen.json"))
log = open(f"{opts.out}/server.log").read()
rss = [r for _, r in samples]
third = max(1, len(rss) // 3)
summary = {"calls": result["requests"], "rps": round(result["rps"]), "status": result["status"], "errors": result["errors"],
           "versions_published": version - 1, "loads_logged": log.count("event=load "), "refused": log.count("event=reload_refused"),
           "rss_mb_first_third_max": max(rss[:third]) if rss else None, "rss_mb_last_third_max": max(rss[-third:]) if rss else None,
           "rss_samples": samples, "server_exit": code, "p99_ms": result["latency_ms"]["p99"]}
json.dump(summary, open(f"{opts.out}/summary.json", "w"), indent=1)
print(json.dumps({k: v for k, v in summary.items() if k != "rss_samples"}))
assert code == 0 and result["errors"] == 0, "failed calls, or an unclean exit"
