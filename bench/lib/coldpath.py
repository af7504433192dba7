"""Times the first request of fresh clients (registry lookup, decrypt, connect) against a second, warm one."""
import http.client
import json
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import admin  # noqa: E402


def timed_get(host, port, token):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.connect()
    body = json.dumps({"inputs": {"command": "GET", "args": ["bench:key"]}})
    started = time.perf_counter()
    connection.request("POST", "/v1/redis/execute", body, {"Authorization": "Bearer " + token,
                                                           "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise SystemExit(f"request failed with {response.status}")
    return elapsed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


if __name__ == "__main__":
    base, admin_token, count, redis_port, out = sys.argv[1:6]
    host, port = base.split("//")[1].split(":")
    cold, warm = [], []
    for i in range(int(count)):
        token = admin.register(base, admin_token, f"cold{i}", int(redis_port), 0)
        cold.append(timed_get(host, int(port), token))
        warm.append(timed_get(host, int(port), token))
    result = {"clients": int(count),
              "cold_p50_ms": round(statistics.median(cold), 3), "cold_p99_ms": round(percentile(cold, 99), 3),
              "warm_p50_ms": round(statistics.median(warm), 3), "warm_p99_ms": round(percentile(warm, 99), 3)}
    with open(out, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))
