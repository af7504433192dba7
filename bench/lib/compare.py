"""The A/B table of bench/run --compare: medians of alternating runs, spread, and each vs webdis."""
import json
import statistics
import sys


def main():
    runs_file, a_words, b_words = sys.argv[1:4]
    conns = sys.argv[4] if len(sys.argv) > 4 else "64"
    runs = [json.loads(line) for line in open(runs_file) if line.strip()]
    by = {}
    for run in runs:
        by.setdefault((run["system"], run["op"]), []).append(run)
    lines = [f"# A/B comparison (c={conns}, medians of alternating runs)", "",
             f"- A: `{a_words}`", f"- B: `{b_words}`", "",
             "| system | op | runs | req/s median | spread | p99 ms median | p99.9 ms median | CPU µs/req | vs webdis |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|"]
    medians = {}
    for (system, op), group in sorted(by.items()):
        rps = [r["rps"] for r in group]
        medians[(system, op)] = statistics.median(rps)
    for (system, op), group in sorted(by.items()):
        rps = [r["rps"] for r in group]
        p99 = [r["p99_ms"] for r in group if r.get("p99_ms") is not None]
        p999 = [r["p999_ms"] for r in group if r.get("p999_ms") is not None]
        webdis = medians.get(("webdis", op))
        cpu = [r["cpu_us_per_request"] for r in group if r.get("cpu_us_per_request") is not None]
        cpu_text = f"{statistics.median(cpu):.1f}" if cpu else ""
        lines.append(f"| {system} | {op} | {len(group)} | {statistics.median(rps):.0f} | {min(rps):.0f}-{max(rps):.0f} | "
                     f"{statistics.median(p99):.2f} | {statistics.median(p999) if p999 else float('nan'):.2f} | "
                     f"{cpu_text} | "
                     f"{medians[(system, op)] / webdis:.2f} |" if webdis else "")
    fields = ("cpu_user_us", "cpu_sys_us", "wrk_cpu_us", "redis_cpu_us", "other_cpu_us", "idle_us", "machine_us")
    if any(r.get("machine_us") is not None for r in runs):
        lines += ["", "Where the two cores went, CPU µs per request (medians): the system under test (user, kernel), "
                  "wrk, Redis, everything else, idle, all.", "",
                  "| system | op | user | kernel | wrk | Redis | other | idle | all |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for (system, op), group in sorted(by.items()):
            cells = []
            for field in fields:
                values = [r[field] for r in group if r.get(field) is not None]
                cells.append(f"{statistics.median(values):.1f}" if values else "")
            lines.append(f"| {system} | {op} | " + " | ".join(cells) + " |")
    for op in ("get", "set"):
        if ("a", op) in medians and ("b", op) in medians:
            lines.append("")
            p99 = {k: statistics.median([r["p99_ms"] for r in by[(k, op)]]) for k in ("a", "b")}
            lines.append(f"- {op.upper()}: B / A = {medians[('b', op)] / medians[('a', op)]:.2f} req/s, "
                         f"p99 {p99['a']:.2f} -> {p99['b']:.2f} ms")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
