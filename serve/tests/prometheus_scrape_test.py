"""linfa-serve's /metrics, read by python3-prometheus-client's text-format parser and scraped by
a real Prometheus (Debian's prometheus package) on 127.0.0.1: after gRPC and REST calls, the
parser reads every family with the values the calls imply, and Prometheus scrapes the target
(up == 1) and answers a query over linfa_serve_requests_total. Exit code 77 (skipped) when
prometheus or the parser is missing.
usage: prometheus_scrape_test.py --server EXE --tool EXE --stubs DIR --work DIR"""
import argparse, json, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

args = argparse.ArgumentParser()
for name in ("--server", "--tool", "--stubs", "--work"):
    args.add_argument(name, required=True)
opts = args.parse_args()
sys.path.insert(0, opts.stubs)
try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("python3-prometheus-client is missing: skipped")
    sys.exit(77)
prometheus = shutil.which("prometheus")
if not prometheus:
    print("prometheus is missing: skipped")
    sys.exit(77)
import grpc
import linfa_serving_pb2 as lpb, linfa_serving_pb2_grpc as lpbg


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


model = f"{opts.work}/prometheus_model.linfa"
subprocess.run([opts.tool, "train", model, "--clusters", "4", "--features", "2"], check=True)
server = subprocess.Popen([opts.server, "--model", model, "--host", "127.0.0.1", "--port", "0", "--http-port", "0"],
                          stdout=subprocess.PIPE, text=True)
scraper = None
work = tempfile.mkdtemp(prefix="linfa-prometheus-")
try:
    http_line, grpc_line = server.stdout.readline(), server.stdout.readline()
    assert http_line.startswith("http listening on ") and grpc_line.startswith("listening on "), (http_line, grpc_line)
    http_address, grpc_address = http_line.split()[-1], grpc_line.split()[-1]
    stub = lpbg.ModelServiceStub(grpc.insecure_channel(grpc_address))
    for _ in range(5):
        stub.Predict(lpb.PredictRequest(n_rows=2, f64=[1.0, 2.0, 3.0, 4.0]), timeout=10)
    try:
        stub.Predict(lpb.PredictRequest(n_rows=1, f64=[float("nan"), 1.0]), timeout=10)
        raise AssertionError("NaN accepted")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.INVALID_ARGUMENT
    body = json.dumps({"inputs": [{"name": "input", "shape": [3, 2], "datatype": "FP64", "data": [[0, 0], [1, 1], [2, 2]]}]})
    request = urllib.request.Request(f"http://{http_address}/v2/models/model/infer", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert len(json.load(r)["outputs"][0]["data"]) == 3

    # The text format, through prometheus_client's parser.
    families = {f.name: f for f in text_string_to_metric_families(http_get(f"http://{http_address}/metrics"))}
    for name in ("linfa_serve_requests", "linfa_serve_request_duration_seconds", "linfa_serve_rows_predicted",
                 "linfa_serve_inflight_calls", "linfa_serve_model_version_served", "linfa_serve_model_loads",
                 "linfa_serve_model_load_seconds"):
        assert name in families, f"{name} missing from /metrics: {sorted(families)}"
    def value(family, suffix="", **labels):
        for s in families[family].samples:
            if s.name == family + suffix and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
        raise AssertionError(f"no sample {family}{suffix} {labels} in {families[family].samples}")
    predict = "/linfa.serving.v1.ModelService/Predict"
    assert value("linfa_serve_requests", "_total", method=predict, status="OK", model="model", version="1") == 5
    assert value("linfa_serve_requests", "_total", method=predict, status="INVALID_ARGUMENT", model="model") == 1
    assert value("linfa_serve_requests", "_total", protocol="rest", status="OK", model="model") == 1
    assert value("linfa_serve_rows_predicted", "_total", model="model", version="1") == 13
    # The histogram counts every call that reached the model, the refused NaN one too.
    assert value("linfa_serve_request_duration_seconds", "_count", method=predict, model="model", version="1") == 6
    assert value("linfa_serve_request_duration_seconds", "_bucket", method=predict, model="model", le="+Inf") == 6
    assert value("linfa_serve_model_version_served", model="model", version="1") == 1
    assert value("linfa_serve_model_loads", "_total", model="model", result="loaded") == 1

    # A real Prometheus scraping it every second.
    port = free_port()
    with open(f"{work}/prometheus.yml", "w") as f:
        f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: linfa-serve\n"
                f"    static_configs:\n      - targets: ['{http_address}']\n")
    scraper = subprocess.Popen([prometheus, f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                                f"--web.listen-address=127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/prometheus.log", "w"))
    query = urllib.parse.quote(f'sum(linfa_serve_requests_total{{job="linfa-serve",model="model",status="OK"}})')
    deadline, result = time.time() + 90, None
    while time.time() < deadline:
        try:
            up = json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/query?query=up"))["data"]["result"]
            answer = json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/query?query={query}"))["data"]["result"]
            if up and up[0]["value"][1] == "1" and answer:
                result = float(answer[0]["value"][1])
                break
        except (OSError, ValueError, KeyError):
            pass  # Prometheus is still starting, or has not scraped yet
        time.sleep(0.5)
    if result is None:
        print(open(f"{work}/prometheus.log").read()[-3000:])
    assert result == 6, f"Prometheus did not scrape linfa-serve's calls (result {result})"
finally:
    if scraper:
        scraper.send_signal(signal.SIGTERM)
        scraper.wait(timeout=30)
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
assert code == 0, f"linfa-serve exited with {code}"
print("prometheus: the parser reads every family with the expected values; Prometheus scraped linfa-serve (up == 1) and "
      "counted its 6 successful calls")
