"""The Python peer of the REST benchmark: aiohttp (Debian's python3-aiohttp) + scikit-learn
answering the Open Inference Protocol's REST infer call (POST /v2/models/{name}/infer, the
same JSON body as linfa-serve takes; answers labels as linfa-serve does) for the same
centroids as linfa-serve serves, read from the model's JSON encoding (sk_server.py's loader).
One process, one event loop: the usual way to serve a model from Python over HTTP/1.1.
usage: sk_rest_server.py PORT MODEL.json   (PORT 0 picks a free one, printed as "listening on HOST:PORT")"""
import asyncio, signal, sys
import numpy as np
from aiohttp import web
from sk_server_model import kmeans_with_centroids


def make_app(model):
    async def infer(request):
        body = await request.json()
        tensor = body["inputs"][0]
        x = np.asarray(tensor["data"], dtype=np.float64).reshape(tensor["shape"])
        labels = model.predict(x)
        return web.json_response({"model_name": request.match_info["name"], "model_version": "1",
                                  "outputs": [{"name": "labels", "datatype": "INT32", "shape": [len(labels)],
                                               "data": labels.tolist()}]})
    app = web.Application()
    app.router.add_post("/v2/models/{name}/infer", infer)
    return app


async def main(port, model_path):
    runner = web.AppRunner(make_app(kmeans_with_centroids(model_path)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print(f"listening on 127.0.0.1:{site._server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
