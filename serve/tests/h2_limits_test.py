"""linfa-serve's limits and deadlines seen on the wire, with a raw HTTP/2 client (Debian's
python3-h2 parts: hyperframe for frames, hpack for headers) that does what grpc clients never
do: hold answers back (a stream window of 0, so no DATA can come), open more streams than
the server allows, send an already-expired grpc-timeout, lie about a message's length.

  1. max_concurrent_streams: the server advertises it in SETTINGS; with N calls open (answers
     held back) stream N+1 is refused (grpc 1.51 ends the connection with GOAWAY), while a
     server without the limit takes the same N+1 streams; the server serves on.
  2. max_inflight_calls: with the cap's worth of calls whose answers are held back, any other
     call (another connection, Python grpcio) gets RESOURCE_EXHAUSTED "server busy"; once that
     connection closes, calls are served again.
  3. grpc-timeout 0n, 0m, 0S (a deadline already passed when the call arrives): DEADLINE_EXCEEDED,
     and the next call on the same connection is answered.
  4. A gRPC message shorter than its length prefix: INVALID_ARGUMENT "no complete message";
     a compressed-flag message with no grpc-encoding gets an answer (grpc 1.51 reads it as
     identity); the connection is still usable.

usage: h2_limits_test.py --server EXE --tool EXE --stubs DIR --work DIR
"""
import argparse, signal, socket, subprocess, sys, time


try:
    from hyperframe.frame import (DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame, RstStreamFrame,
                                  SettingsFrame)
    import hpack
except ImportError as e:  # ctest reports exit code 77 as skipped
    print(f"SKIPPED: {e} (Debian: apt-get install python3-h2, see scripts/install-deps.sh)")
    sys.exit(77)

args = argparse.ArgumentParser()
for name in ("--server", "--tool", "--stubs", "--work"):
    args.add_argument(name, required=True)
opts = args.parse_args()
sys.path.insert(0, opts.stubs)
import grpc
import centroids_pb2 as pb, centroids_pb2_grpc as pbg

PREDICT = "/ml.ClusteringService/Predict"
VALID = pb.PredictRequest(features=[1.0, 2.0]).SerializeToString()


class RawConnection:
    """One HTTP/2 connection, frames by hand. `window` is our SETTINGS_INITIAL_WINDOW_SIZE:
    0 means the server may send headers but no DATA, so a successful call cannot finish."""

    def __init__(self, port, window=65535):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.encoder, self.decoder = hpack.Encoder(), hpack.Decoder()
        self.buffer = b""
        self.next_stream = 1
        self.server_settings = None
        self.headers = {}      # stream id -> list of decoded header lists
        self.data = {}         # stream id -> bytes
        self.reset = {}        # stream id -> RST_STREAM error code
        self.goaway = None     # (last stream id, error code, debug data)
        self.closed = False
        self.sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        self.send(SettingsFrame(0, settings={SettingsFrame.INITIAL_WINDOW_SIZE: window}))
        deadline = time.monotonic() + 5
        while self.server_settings is None and time.monotonic() < deadline:
            self.pump(0.2)
        assert self.server_settings is not None, "no SETTINGS from the server"
        self.pump(0.2)  # let the server see our ACK before any stream opens

    def send(self, frame):
        self.sock.sendall(frame.serialize())

    def call(self, path, message, extra_headers=(), compressed_flag=0, declared_length=None):
        stream = self.next_stream
        self.next_stream += 2
        headers = HeadersFrame(stream)
        headers.data = self.encoder.encode([(":method", "POST"), (":scheme", "http"), (":path", path),
                                            (":authority", "127.0.0.1"), ("content-type", "application/grpc"),
                                            ("te", "trailers"), *extra_headers])
        headers.flags.add("END_HEADERS")
        body = DataFrame(stream)
        length = len(message) if declared_length is None else declared_length
        body.data = bytes([compressed_flag]) + length.to_bytes(4, "big") + message
        body.flags.add("END_STREAM")
        self.sock.sendall(headers.serialize() + body.serialize())
        return stream

    def pump(self, seconds):
        """Reads and handles frames for `seconds` (or until the server closes)."""
        end = time.monotonic() + seconds
        while not self.closed:
            left = end - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed = True
                return
            self.buffer += chunk
            while len(self.buffer) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(self.buffer[:9]))
                if len(self.buffer) < 9 + length:
                    break
                frame.parse_body(memoryview(self.buffer[9:9 + length]))
                self.buffer = self.buffer[9 + length:]
                self.handle(frame)

    def handle(self, frame):
        if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
            self.server_settings = dict(frame.settings)
            ack = SettingsFrame(0)
            ack.flags.add("ACK")
            self.send(ack)
        elif isinstance(frame, PingFrame) and "ACK" not in frame.flags:
            pong = PingFrame(0, opaque_data=frame.opaque_data)
            pong.flags.add("ACK")
            self.send(pong)
        elif isinstance(frame, HeadersFrame):  # every header block is decoded: HPACK state
            self.headers.setdefault(frame.stream_id, []).append(
                {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
                 for k, v in self.decoder.decode(frame.data)})
        elif isinstance(frame, DataFrame):
            self.data[frame.stream_id] = self.data.get(frame.stream_id, b"") + frame.data
        elif isinstance(frame, RstStreamFrame):
            self.reset[frame.stream_id] = frame.error_code
        elif isinstance(frame, GoAwayFrame):
            self.goaway = (frame.last_stream_id, frame.error_code, frame.additional_data)

    def status(self, stream):
        """(grpc-status, grpc-message) once the stream's trailers came, else None."""
        for block in self.headers.get(stream, []):
            if "grpc-status" in block:
                return int(block["grpc-status"]), block.get("grpc-message", "")
        return None

    def wait_status(self, stream, seconds=5):
        end = time.monotonic() + seconds
        while self.status(stream) is None and not self.closed and time.monotonic() < end:
            self.pump(0.05)
        return self.status(stream)

    def close(self):
        self.sock.close()


class Server:
    def __init__(self, model, *extra):
        self.process = subprocess.Popen([opts.server, "--model", model, "--host", "127.0.0.1", "--port", "0", *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), f"unexpected first line: {line!r}"
        self.address = line.split()[-1]
        self.port = int(self.address.rsplit(":", 1)[1])
        self.channel = grpc.insecure_channel(self.address)
        self.stub = pbg.ClusteringServiceStub(self.channel)

    def predict(self):
        """grpc status code of one valid Predict through Python grpcio."""
        try:
            self.stub.Predict(pb.PredictRequest(features=[1.0, 2.0]), timeout=10)
            return grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            return e.code(), e.details()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.channel.close()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        assert code == 0, f"linfa-serve exited with {code}"


checks = 0


def check(condition, what):
    global checks
    assert condition, what
    checks += 1


model = f"{opts.work}/h2_limits_model.linfa"
subprocess.run([opts.tool, "train", model, "--clusters", "100", "--features", "2"], check=True, stdout=subprocess.DEVNULL)

# ---- 1. max_concurrent_streams ----
N = 4
with Server(model, "--max-concurrent-streams", str(N)) as server:
    raw = RawConnection(server.port, window=0)
    check(raw.server_settings.get(SettingsFrame.MAX_CONCURRENT_STREAMS) == N,
          f"SETTINGS_MAX_CONCURRENT_STREAMS is {raw.server_settings.get(SettingsFrame.MAX_CONCURRENT_STREAMS)}, not {N}")
    held = [raw.call(PREDICT, VALID) for _ in range(N)]
    raw.pump(0.5)
    check(not raw.closed and raw.goaway is None and not raw.reset, "N held calls must be accepted")
    check(all(raw.status(s) is None for s in held), "held calls cannot finish with a window of 0")
    extra = raw.call(PREDICT, VALID)
    end = time.monotonic() + 5
    while not raw.closed and raw.goaway is None and extra not in raw.reset and time.monotonic() < end:
        raw.pump(0.1)
    refused = raw.goaway is not None or extra in raw.reset or raw.closed
    check(refused, f"stream {N + 1} over the limit was not refused")
    check(raw.status(extra) is None or raw.status(extra)[0] != 0, "the stream over the limit was answered")
    how = (f"GOAWAY(last_stream_id={raw.goaway[0]}, error={raw.goaway[1]}, {raw.goaway[2]!r})" if raw.goaway
           else f"RST_STREAM({raw.reset.get(extra)})" if extra in raw.reset else "connection closed")
    raw.close()
    check(server.predict()[0] == grpc.StatusCode.OK, "the server must serve on after refusing the stream")
    print(f"max_concurrent_streams={N}: advertised; {N} held calls open; stream {N + 1} refused: {how}")

with Server(model) as server:  # the same against a server without the limit: accepted
    raw = RawConnection(server.port, window=0)
    check(SettingsFrame.MAX_CONCURRENT_STREAMS not in raw.server_settings or
          raw.server_settings[SettingsFrame.MAX_CONCURRENT_STREAMS] > N + 1, "no limit advertised by default")
    for _ in range(N + 1):
        raw.call(PREDICT, VALID)
    raw.pump(1.0)
    check(not raw.closed and raw.goaway is None and not raw.reset, "without the limit N+1 held calls are accepted")
    raw.close()
    print(f"no limit: {N + 1} held calls accepted on one connection")

# ---- 2. max_inflight_calls ----
CAP = 3
with Server(model, "--max-inflight-calls", str(CAP)) as server:
    check(server.predict()[0] == grpc.StatusCode.OK, "served under the cap")
    raw = RawConnection(server.port, window=0)
    held = [raw.call(PREDICT, VALID) for _ in range(CAP)]
    raw.pump(0.5)
    check(all(raw.status(s) is None for s in held), "the held calls are in flight")
    code, details = server.predict()
    check(code == grpc.StatusCode.RESOURCE_EXHAUSTED and "server busy" in details, f"over the cap: {code} {details}")
    over = raw.call(PREDICT, VALID)
    status = raw.wait_status(over)
    check(status is not None and status[0] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0],
          f"over the cap on the raw connection: {status}")
    raw.close()  # the server cancels the held calls and frees their slots
    end = time.monotonic() + 10
    while server.predict()[0] != grpc.StatusCode.OK and time.monotonic() < end:
        time.sleep(0.1)
    check(server.predict()[0] == grpc.StatusCode.OK, "slots must be freed when the held calls go away")
    print(f"max_inflight_calls={CAP}: {CAP} held calls -> another call gets RESOURCE_EXHAUSTED ({details!r}); "
          "served again once they are gone")

# ---- 3. an already-expired deadline, and 4. broken gRPC framing ----
with Server(model) as server:
    raw = RawConnection(server.port)
    for timeout in ("0n", "0m", "0S"):  # (1n would be rounded up to grpc's 1 ms and may be in time)
        stream = raw.call(PREDICT, VALID, extra_headers=[("grpc-timeout", timeout)])
        status = raw.wait_status(stream)
        check(status is not None and status[0] == grpc.StatusCode.DEADLINE_EXCEEDED.value[0],
              f"grpc-timeout {timeout}: {status}")
        print(f"grpc-timeout {timeout}: DEADLINE_EXCEEDED {status[1]!r}")
    short = raw.call(PREDICT, VALID, declared_length=len(VALID) + 10)
    status = raw.wait_status(short)
    check(status is not None and status[0] != 0, f"a message shorter than its prefix was accepted: {status}")
    print(f"message shorter than its length prefix: status {status[0]} {status[1]!r}")
    check(status[0] == grpc.StatusCode.INVALID_ARGUMENT.value[0] and "no complete message" in status[1],
          f"a message shorter than its prefix: {status}")
    flagged = raw.call(PREDICT, VALID, compressed_flag=1)
    status = raw.wait_status(flagged)  # grpc 1.51 reads it as identity-encoded: answered
    check(status is not None, "a compressed flag without grpc-encoding got no answer")
    print(f"compressed flag without grpc-encoding: status {status[0]} {status[1]!r} (grpc reads it as identity)")
    raw.pump(0.2)
    if not raw.closed and raw.goaway is None:
        ok = raw.call(PREDICT, VALID)
        status = raw.wait_status(ok)
        check(status == (0, "") or (status is not None and status[0] == 0), f"the next call on the connection: {status}")
        check(len(raw.data.get(ok, b"")) > 5, "the answer carries a message")
    raw.close()
    check(server.predict()[0] == grpc.StatusCode.OK, "the server serves on")

print(f"h2 limits test: {checks} checks passed")
