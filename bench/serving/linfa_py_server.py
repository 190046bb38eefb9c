"""Scenario 2 of the seed's inference benchmark: Python grpcio + linfa's Python package
(`from linfa import KMeans`) behind ml.ClusteringService, serving the same model file as the
other scenarios (KMeans.load reads the C++ file format).
usage: linfa_py_server.py PORT MODEL.linfa
       PORT 0 picks a free one, printed as "listening on HOST:PORT" (linfa and the ml stubs must be on PYTHONPATH)"""
import signal, sys
from concurrent import futures
import grpc, numpy as np
from linfa import KMeans
import centroids_pb2 as pb, centroids_pb2_grpc as pbg


class Servicer(pbg.ClusteringServiceServicer):
    def __init__(self, model):
        self.model = model
    def Predict(self, request, context):
        x = np.array(request.features, dtype=np.float64).reshape(1, -1)
        return pb.PredictResponse(cluster_index=int(self.model.predict(x)[0]))
    def PredictBatch(self, request, context):
        x = np.array([list(o.features) for o in request.observations], dtype=np.float64)
        return pb.PredictBatchResponse(cluster_indexes=[int(v) for v in self.model.predict(x)])


server = grpc.server(futures.ThreadPoolExecutor(max_workers=None))  # same server setup as scenario 1
pbg.add_ClusteringServiceServicer_to_server(Servicer(KMeans.load(sys.argv[2])), server)
port = server.add_insecure_port(f"127.0.0.1:{sys.argv[1]}")  # PORT 0: a free port
signal.signal(signal.SIGTERM, lambda *_: server.stop(5))  # drain, then wait_for_termination returns
server.start(); print(f"listening on 127.0.0.1:{port}", flush=True); server.wait_for_termination()
