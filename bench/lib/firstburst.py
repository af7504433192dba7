"""The first burst on a freshly started server: N concurrent requests for a client nobody has used yet (its
connection, command table and the JVM's request path all cold), then the same burst again, warm. Each request has
its own HTTP connection, opened before the burst starts, so the times are the server's."""
import http.client
import json
import statistics
import sys
import threading
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import admin  # noqa: E402
from coldpath import percentile  # noqa: E402


def burst(host, port, token, count):
    body = json.dumps({"inputs": {"command": "GET", "args": ["bench:key"]}})
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    connections = [http.client.HTTPConnection(host, port, timeout=60) for _ in range(count)]
    for connection in connections:
        connection.connect()
    start = threading.Barrier(count)
    times, errors = [], []

    def one(connection):
        start.wait()
        began = time.perf_counter()
        try:
            connection.request("POST", "/v1/redis/execute", body, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        except OSError as e:
            errors.append(type(e).__name__)
        times.append((time.perf_counter() - began) * 1000)
        connection.close()

    threads = [threading.Thread(target=one, args=(c,)) for c in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"p50_ms": round(statistics.median(times), 1), "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(max(times), 1), "errors": len(errors)}


if __name__ == "__main__":
    base, admin_token, redis_port, count, out = sys.argv[1:6]
    host, port = base.split("//")[1].split(":")
    token = admin.register(base, admin_token, "burst", int(redis_port), 0)
    result = {"requests": int(count), "first": burst(host, int(port), token, int(count)),
              "warm": burst(host, int(port), token, int(count))}
    with open(out, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))
