"""One soak sample: the 10-second wrk chunk, the connector's metrics and Redis's client count; prints a JSON line
with the pacing delay for the next chunk (re-aimed at the target rate)."""
import json
import re
import sys

chunk = json.load(open(sys.argv[1]))
metrics = open(sys.argv[2]).read()
index, clients, target, delay = int(sys.argv[3]), int(sys.argv[4] or 0), float(sys.argv[5]), float(sys.argv[6])


def total(name, labels=""):
    value = 0.0
    for line in metrics.splitlines():
        if line.startswith(name) and labels in line and not line.startswith("#"):
            value += float(line.rsplit(" ", 1)[1])
    return value


heap = total("jvm_memory_used_bytes", 'area="heap"')
old_gen = total("jvm_memory_used_bytes", 'id="G1 Old Gen"')
connections = total("rc_redis_connections ")
errors = sum(chunk["errors"].values())
# aim: the per-connection cycle is (response time + delay); scale it by achieved/target
cycle = 64 * 1000 / max(chunk["rps"], 1.0)
next_delay = max(0.0, cycle * chunk["rps"] / target - (cycle - delay))
print(json.dumps({"t_s": index * 10, "rps": chunk["rps"], "p50_ms": chunk["p50_ms"], "p99_ms": chunk["p99_ms"],
                  "errors": errors, "heap_mib": round(heap / 1048576, 1),
                  "old_gen_mib": round(old_gen / 1048576, 1), "redis_connections": connections,
                  "redis_clients": clients, "delay_ms": round(delay, 3), "next_delay_ms": round(next_delay, 3)}))
