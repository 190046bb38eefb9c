"""Asks a server (ml.ClusteringService at ADDRESS) for the labels of 200 fixed points and
writes them to OUT, so run.sh can check that every scenario serves the same model.
usage: agree.py ADDRESS OUT   (the ml stubs must be on PYTHONPATH)"""
import random, sys
import grpc
import centroids_pb2 as pb, centroids_pb2_grpc as pbg

rng = random.Random(11)
stub = pbg.ClusteringServiceStub(grpc.insecure_channel(sys.argv[1]))
labels = [stub.Predict(pb.PredictRequest(features=[rng.uniform(-50, 50), rng.uniform(-50, 50)]), timeout=30).cluster_index
          for _ in range(200)]
open(sys.argv[2], "w").write("\n".join(map(str, labels)) + "\n")
