"""Scenario 1 of the seed's inference benchmark: Python grpcio + scikit-learn behind
ml.ClusteringService. Adapted from shared/peers/grpc/sk_server.py: instead of fitting its own
model it serves the same centroids as the other scenarios, read from a linfa model file in
its JSON encoding (a scikit-learn KMeans whose cluster_centers_ are exactly those centroids).
usage: sk_server.py PORT MODEL.json
       PORT 0 picks a free one, printed as "listening on HOST:PORT" (the ml stubs must be on PYTHONPATH)"""
import signal, sys
from concurrent import futures
import grpc, numpy as np
import centroids_pb2 as pb, centroids_pb2_grpc as pbg
from sk_server_model import kmeans_with_centroids


class Servicer(pbg.ClusteringServiceServicer):
    def __init__(self, model):
        self.model = model
    def Predict(self, request, context):
        x = np.array(request.features).reshape(1, -1)
        return pb.PredictResponse(cluster_index=int(self.model.predict(x)[0]))
    def PredictBatch(self, request, context):
        x = np.array([list(o.features) for o in request.observations])
        return pb.PredictBatchResponse(cluster_indexes=[int(v) for v in self.model.predict(x)])


server = grpc.server(futures.ThreadPoolExecutor(max_workers=None))  # as in the seed's baseline
pbg.add_ClusteringServiceServicer_to_server(Servicer(kmeans_with_centroids(sys.argv[2])), server)
port = server.add_insecure_port(f"127.0.0.1:{sys.argv[1]}")  # PORT 0: a free port
signal.signal(signal.SIGTERM, lambda *_: server.stop(5))  # drain, then wait_for_termination returns
server.start(); print(f"listening on 127.0.0.1:{port}", flush=True); server.wait_for_termination()
