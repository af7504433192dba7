"""Writes SOAK.md and soak.json from the soak samples: the table over time and the trend of heap and connections."""
import json
import os
import sys
import time

samples = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
peak, target, minutes, out = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if not samples:
    sys.exit("no samples")
half = len(samples) // 2 or 1
first, second = samples[:half], samples[half:] or samples[:half]


def mean(rows, key):
    return sum(row[key] for row in rows) / len(rows)


summary = {
    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "minutes": minutes, "peak_rps": peak,
    "target_rps": target, "mean_rps": round(mean(samples, "rps"), 1),
    "errors": sum(row["errors"] for row in samples),
    "heap_mib_first_half": round(mean(first, "heap_mib"), 1), "heap_mib_second_half": round(mean(second, "heap_mib"), 1),
    "old_gen_mib_first_half": round(mean(first, "old_gen_mib"), 1),
    "old_gen_mib_second_half": round(mean(second, "old_gen_mib"), 1),
    "redis_connections_min": min(row["redis_connections"] for row in samples),
    "redis_connections_max": max(row["redis_connections"] for row in samples),
    "redis_clients_min": min(row["redis_clients"] for row in samples),
    "redis_clients_max": max(row["redis_clients"] for row in samples),
    "p99_ms_first_half": round(mean(first, "p99_ms"), 2), "p99_ms_second_half": round(mean(second, "p99_ms"), 2),
    "samples": samples,
}
json.dump(summary, open(os.path.join(out, "soak.json"), "w"), indent=1)
with open(os.path.join(out, "SOAK.md"), "w") as f:
    f.write(f"# Soak ({summary['when']})\n\n")
    f.write(f"`bench/soak`: GET through the full pipeline at {target:.0f} req/s ({target / peak:.0%} of the "
            f"measured peak of {peak:.0f} req/s at 64 connections) for {minutes} minutes; one connector "
            f"(-Xmx512m), one Redis, wrk on the same 2 cores. A sample every 10 s.\n\n")
    f.write("| | value |\n|---|---:|\n")
    f.write(f"| mean throughput | {summary['mean_rps']:.0f} req/s |\n")
    f.write(f"| errors (connect, read, write, status, timeout) | {summary['errors']} |\n")
    f.write(f"| heap after each chunk, mean of first / second half | {summary['heap_mib_first_half']} / "
            f"{summary['heap_mib_second_half']} MiB |\n")
    f.write(f"| G1 old generation (what survives collections), mean of first / second half | "
            f"{summary['old_gen_mib_first_half']} / {summary['old_gen_mib_second_half']} MiB |\n")
    f.write(f"| connector's Redis connections, min / max | {summary['redis_connections_min']:.0f} / "
            f"{summary['redis_connections_max']:.0f} |\n")
    f.write(f"| Redis connected clients, min / max | {summary['redis_clients_min']} / "
            f"{summary['redis_clients_max']} |\n")
    f.write(f"| p99 latency, mean of first / second half | {summary['p99_ms_first_half']} / "
            f"{summary['p99_ms_second_half']} ms |\n\n")
    f.write("| t (s) | req/s | p50 ms | p99 ms | errors | heap MiB | old gen MiB | Redis conns | Redis clients |\n")
    f.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for row in samples:
        f.write(f"| {row['t_s']} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} | "
                f"{row['heap_mib']} | {row['old_gen_mib']} | {row['redis_connections']:.0f} | {row['redis_clients']} |\n")
