"""The A/B table of bench/run --compare: medians of alternating runs, spread, and each vs webdis."""
import json
import statistics
import sys


def main():
    runs_file, a_words, b_words = sys.argv[1:4]
    runs = [json.loads(line) for line in open(runs_file) if line.strip()]
    by = {}
    for run in runs:
        by.setdefault((run["system"], run["op"]), []).append(run)
    lines = ["# A/B comparison (c=64, medians of alternating runs)", "",
             f"- A: `{a_words}`", f"- B: `{b_words}`", "",
             "| system | op | runs | req/s median | spread | p99 ms median | p99.9 ms median | vs webdis |",
             "|---|---|---:|---:|---|---:|---:|---:|"]
    medians = {}
    for (system, op), group in sorted(by.items()):
        rps = [r["rps"] for r in group]
        medians[(system, op)] = statistics.median(rps)
    for (system, op), group in sorted(by.items()):
        rps = [r["rps"] for r in group]
        p99 = [r["p99_ms"] for r in group if r.get("p99_ms") is not None]
        p999 = [r["p999_ms"] for r in group if r.get("p999_ms") is not None]
        webdis = medians.get(("webdis", op))
        lines.append(f"| {system} | {op} | {len(group)} | {statistics.median(rps):.0f} | {min(rps):.0f}-{max(rps):.0f} | "
                     f"{statistics.median(p99):.2f} | {statistics.median(p999) if p999 else float('nan'):.2f} | "
                     f"{medians[(system, op)] / webdis:.2f} |" if webdis else "")
    for op in ("get", "set"):
        if ("a", op) in medians and ("b", op) in medians:
            lines.append("")
            lines.append(f"- {op.upper()}: B / A = {medians[('b', op)] / medians[('a', op)]:.2f}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
