"""Turns one benchmark run into results.json, RESULTS.md and throughput.svg."""
import json
import statistics
import os
import platform
import subprocess
import sys
import time


CPU_FIELDS = ("cpu_user_us", "cpu_sys_us", "wrk_cpu_us", "redis_cpu_us", "other_cpu_us", "idle_us", "machine_us")


def cpu_table(runs, concurrency):
    """Where the machine's CPU time went per request, by process, for the runs at one concurrency."""
    rows = [r for r in sorted(runs, key=lambda r: (r["system"], r["op"]))
            if r["concurrency"] == concurrency and r.get("machine_us") is not None]
    if not rows:
        return []
    fmt = lambda v: "" if v is None else f"{v:.1f}"
    lines = [f"## Where the two cores went, per request (c={concurrency})", "",
             "CPU µs per request by process over the same runs (medians of the rounds): the system under test "
             "(user and kernel time of its own process), wrk, Redis, everything else on the machine (other "
             "processes, interrupts), and what stayed idle. The columns add up to the machine's two cores divided by "
             "the request rate.", "",
             "| system | op | req/s | under test: user | kernel | wrk | Redis | other | idle | all |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['system']} | {r['op']} | {r['rps']:.0f} | {fmt(r.get('cpu_user_us'))} | "
                     f"{fmt(r.get('cpu_sys_us'))} | {fmt(r.get('wrk_cpu_us'))} | {fmt(r.get('redis_cpu_us'))} | "
                     f"{fmt(r.get('other_cpu_us'))} | {fmt(r.get('idle_us'))} | {fmt(r.get('machine_us'))} |")
    return lines + [""]


def load_runs(work):
    """The runs, one per (system, op, concurrency): medians over the repeated rounds, with the spread of req/s."""
    with open(os.path.join(work, "runs.jsonl")) as f:
        raw = [json.loads(line) for line in f if line.strip()]
    groups = {}
    for run in raw:
        groups.setdefault((run["system"], run["op"], run["concurrency"]), []).append(run)
    merged = []
    for (system, op, concurrency), group in groups.items():
        def median(field):
            values = [r[field] for r in group if r.get(field) is not None]
            return round(statistics.median(values), 3) if values else None
        errors = {}
        for run in group:
            for kind, count in (run.get("errors") or {}).items():
                errors[kind] = errors.get(kind, 0) + count
        rps = [r["rps"] for r in group]
        merged.append({"system": system, "op": op, "concurrency": concurrency, "rounds": len(group),
                       "rps": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
                       "p50_ms": median("p50_ms"), "p99_ms": median("p99_ms"), "p999_ms": median("p999_ms"),
                       "cpu_us_per_request": median("cpu_us_per_request"),
                       **{field: median(field) for field in CPU_FIELDS},
                       "errors": errors})
    return merged


def find(runs, system, op, concurrency):
    for run in runs:
        if run["system"] == system and run["op"] == op and run["concurrency"] == concurrency:
            return run
    return None


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        java = subprocess.run([os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "-version"],
                              capture_output=True, text=True).stderr.splitlines()
    except OSError:
        java = []
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "java": java[0] if java else "unknown",
            "note": "load generator (wrk, redis-benchmark) on the same cores as the systems under test"}


def svg(runs, path):
    series = [("redis-benchmark", "get", "#888888", "Redis direct (redis-benchmark GET)"),
              ("nginx", "const", "#bbbbbb", "nginx constant body (HTTP ceiling)"),
              ("webdis", "get", "#d62728", "webdis GET"),
              ("redis-connector", "get", "#1f77b4", "redis-connector GET (full pipeline)"),
              ("redis-connector", "set", "#17becf", "redis-connector SET"),
              ("naive", "get", "#9467bd", "naive connection-per-request GET")]
    concurrencies = sorted({r["concurrency"] for r in runs if not r["system"].startswith("tenants")})
    values = [r["rps"] for r in runs if r.get("rps")]
    top = max(values) * 1.1 if values else 1
    width, height, left, bottom, right, top_pad = 760, 420, 70, 50, 250, 20
    plot_w, plot_h = width - left - right, height - bottom - top_pad

    def x(i):
        return left + (plot_w * i / max(len(concurrencies) - 1, 1))

    def y(v):
        return top_pad + plot_h - plot_h * v / top

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="14" font-size="13">Throughput (requests/s) vs concurrency</text>']
    for k in range(6):
        v = top * k / 5
        out.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v / 1000:.0f}k</text>')
    for i, c in enumerate(concurrencies):
        out.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">c={c}</text>')
    legend_y = top_pad + 10
    for system, op, color, label in series:
        points = [(x(i), y(r["rps"])) for i, c in enumerate(concurrencies)
                  for r in [find(runs, system, op, c)] if r and r.get("rps")]
        if not points:
            continue
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                   % (color, " ".join(f"{px:.1f},{py:.1f}" for px, py in points)))
        for px, py in points:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>')
        out.append(f'<rect x="{left + plot_w + 15}" y="{legend_y - 9}" width="12" height="3" fill="{color}"/>')
        out.append(f'<text x="{left + plot_w + 32}" y="{legend_y - 5}">{label}</text>')
        legend_y += 20
    out.append(f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="black"/>')
    out.append(f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="black"/>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    work, out, smoke, duration = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
    runs = load_runs(work)
    tenants = json.load(open(os.path.join(work, "tenants.json")))
    cold = json.load(open(os.path.join(work, "coldpath.json")))
    burst = json.load(open(os.path.join(work, "firstburst.json")))
    jmh = {}
    jmh_path = os.path.join(work, "jmh.json")
    if os.path.exists(jmh_path):
        for entry in json.load(open(jmh_path)):
            name = entry["benchmark"].rsplit(".", 1)[1]
            error = entry["primaryMetric"]["scoreError"]
            jmh[name] = {"score": round(entry["primaryMetric"]["score"], 3),
                         "error": round(error, 3) if isinstance(error, (int, float)) else None,
                         "unit": entry["primaryMetric"]["scoreUnit"]}
    us64 = find(runs, "redis-connector", "get", 64)
    webdis64 = find(runs, "webdis", "get", 64)
    naive64 = find(runs, "naive", "get", 64)
    redis64 = find(runs, "redis-benchmark", "get", 64)
    tenant_run = find(runs, "tenants", "get", 64)
    ns_run = find(runs, "tenants-namespaced", "get", 64)
    own_run = find(runs, "tenants-own-login", "get", 64)
    us64set = find(runs, "redis-connector", "set", 64)
    webdis64set = find(runs, "webdis", "set", 64)
    targets = [
        {"target": "GET c=64 vs webdis", "goal": ">= 1.5x", "value": ratio(us64["rps"], webdis64["rps"]),
         "met": bool(ratio(us64["rps"], webdis64["rps"]) and ratio(us64["rps"], webdis64["rps"]) >= 1.5)},
        {"target": "SET c=64 vs webdis", "goal": ">= 1.5x", "value": ratio(us64set["rps"], webdis64set["rps"]),
         "met": bool(ratio(us64set["rps"], webdis64set["rps"]) and ratio(us64set["rps"], webdis64set["rps"]) >= 1.5)},
        {"target": "GET c=64 p99 vs webdis p99", "goal": "<= 1.0x",
         "value": ratio(us64["p99_ms"], webdis64["p99_ms"]),
         "met": bool(us64["p99_ms"] <= webdis64["p99_ms"])},
        {"target": "SET c=64 p99 vs webdis p99", "goal": "<= 1.0x",
         "value": ratio(us64set["p99_ms"], webdis64set["p99_ms"]),
         "met": bool(us64set["p99_ms"] <= webdis64set["p99_ms"])},
        {"target": "GET c=64 vs naive connection-per-request", "goal": ">= 10x",
         "value": ratio(us64["rps"], naive64["rps"]),
         "met": bool(ratio(us64["rps"], naive64["rps"]) and ratio(us64["rps"], naive64["rps"]) >= 10)},
        {"target": "1,000 tenants on one login, databases 0-15, vs single tenant (GET c=64)", "goal": ">= 0.8x",
         "value": ratio(tenant_run["rps"], us64["rps"]),
         "met": bool(ratio(tenant_run["rps"], us64["rps"]) and ratio(tenant_run["rps"], us64["rps"]) >= 0.8)},
    ]
    if ns_run:
        targets.append(
        {"target": "1,000 tenants on one login, one database, a key namespace each, vs single tenant (GET c=64)",
         "goal": ">= 0.8x", "value": ratio(ns_run["rps"], us64["rps"]),
         "met": bool(ratio(ns_run["rps"], us64["rps"]) and ratio(ns_run["rps"], us64["rps"]) >= 0.8)})
    targets += [
        {"target": "cold first request p50", "goal": "< 20 ms", "value": cold["cold_p50_ms"],
         "met": cold["cold_p50_ms"] < 20},
    ]
    if "connectorExecuteBatch64" in jmh and "rawLettuceDispatchBatch64" in jmh:
        overhead = ratio(jmh["connectorExecuteBatch64"]["score"], jmh["rawLettuceDispatchBatch64"]["score"])
        single = ratio(jmh["connectorExecute"]["score"], jmh["rawLettuceDispatch"]["score"])
        targets.append({"target": "library execute vs raw Lettuce dispatch (JMH, 64 in flight)", "goal": "<= 1.15x",
                        "value": overhead, "met": bool(overhead and overhead <= 1.15)})
        targets.append({"target": "library execute vs raw Lettuce dispatch (JMH, one at a time)", "goal": "<= 1.15x",
                        "value": single, "met": bool(single and single <= 1.15)})
    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "smoke": smoke,
              "duration_seconds": duration, "machine": machine(), "runs": runs, "tenants": tenants,
              "cold_path": cold, "first_burst": burst, "jmh": jmh, "ratio_to_redis_direct_get_c64": ratio(us64["rps"], redis64["rps"]),
              "targets": targets}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(result, f, indent=2)
    svg(runs, os.path.join(out, "throughput.svg"))

    lines = [f"# Benchmark results ({result['date']}{', SMOKE RUN: numbers mean nothing' if smoke else ''})", "",
             f"Machine: {result['machine']['cpu']}, {result['machine']['cores']} cores, "
             f"{result['machine']['memory_gb']} GiB, Linux {result['machine']['kernel']}, {result['machine']['java']}. "
             f"{result['machine']['note']}. Each HTTP run: {duration} s after a warm-up.", "",
             "![throughput](throughput.svg)", "",
             "Medians of the rounds (the systems alternate within each round); spread is the lowest and highest req/s.", "",
             "CPU µs/req: CPU time of the system's own process (user + system) per request, so what one request costs "
             "whatever share of the two cores the load generator and Redis leave it.", "",
             "| system | op | concurrency | req/s | spread | rounds | p50 ms | p99 ms | p99.9 ms | errors | CPU µs/req "
             "| vs webdis | vs Redis direct |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in sorted(runs, key=lambda r: (r["concurrency"], r["system"], r["op"])):
        webdis = find(runs, "webdis", run["op"] if run["op"] in ("get", "set") else "get", run["concurrency"])
        redis = find(runs, "redis-benchmark", run["op"] if run["op"] in ("get", "set") else "get", run["concurrency"])
        errors = sum(run.get("errors", {}).values())
        fmt = lambda v: "" if v is None else f"{v:.2f}"
        fmt1 = lambda v: "" if v is None else f"{v:.1f}"
        lines.append(f"| {run['system']} | {run['op']} | {run['concurrency']} | {run['rps']:.0f} | "
                     f"{run['rps_min']:.0f}-{run['rps_max']:.0f} | {run['rounds']} | {fmt(run['p50_ms'])} | "
                     f"{fmt(run['p99_ms'])} | {fmt(run.get('p999_ms'))} | {errors} | "
                     f"{fmt1(run.get('cpu_us_per_request'))} | "
                     f"{fmt(ratio(run['rps'], webdis['rps']) if webdis else None)} | "
                     f"{fmt(ratio(run['rps'], redis['rps']) if redis else None)} |")
    lines += [""] + cpu_table(runs, 64)
    lines += ["## Targets", "", "| target | goal | measured | met |", "|---|---|---:|---|"]
    for t in targets:
        lines.append(f"| {t['target']} | {t['goal']} | {t['value']} | {'yes' if t['met'] else 'NO'} |")
    lines += ["", "## Tenants and cold path", "",
              f"- {tenants['tenants']} tenants (each its own service entry, same Redis, databases 0-15), GET at c=64: "
              f"{tenant_run['rps']:.0f} req/s ({ratio(tenant_run['rps'], us64['rps'])}x single tenant) when they "
              f"share one Redis login (16 connection identities, one per database); "
              + (f"{ns_run['rps']:.0f} req/s ({ratio(ns_run['rps'], us64['rps'])}x) on one login and one database, "
                 f"each tenant confined to its own key prefix and reading its own key (one connection identity); "
                 if ns_run else "") +
              f"{own_run['rps']:.0f} req/s ({ratio(own_run['rps'], us64['rps'])}x) when each has a login of its own "
              f"(1,000 identities, a connection each per event loop).",
              f"- Redis connections opened by the connector: {tenants['redis_connections_before']} before, "
              f"{tenants['redis_connections_after']} after; heap after full GC {tenants['heap_used_kb_before']} KiB "
              f"before, {tenants['heap_used_kb_after']} KiB after: **{tenants['heap_per_idle_tenant_kb']} KiB per idle "
              f"tenant connection** (the run with a login each: one connection per tenant per event loop; the figure includes "
              f"the tenants' cached sessions, services and credentials, spread over their connections).",
              f"- First request of a fresh client (registry lookup, decrypt, connect): p50 {cold['cold_p50_ms']} ms, "
              f"p99 {cold['cold_p99_ms']} ms; the same client warm: p50 {cold['warm_p50_ms']} ms "
              f"(each measured on a new HTTP connection, {cold['clients']} clients).",
              f"- First burst on a freshly started server: {burst['requests']} concurrent GETs for a client nobody had "
              f"used (each on its own, already open HTTP connection): p50 {burst['first']['p50_ms']} ms, "
              f"p99 {burst['first']['p99_ms']} ms, max {burst['first']['max_ms']} ms, {burst['first']['errors']} errors; "
              f"the same burst right after: p50 {burst['warm']['p50_ms']} ms, p99 {burst['warm']['p99_ms']} ms."]
    if jmh:
        lines += ["", "## JMH (library path and reply mapper)", "", "| benchmark | score | error (99.9%) | unit |",
                  "|---|---:|---:|---|"]
        for name, value in sorted(jmh.items()):
            lines.append(f"| {name} | {value['score']} | {value['error']} | {value['unit']} |")
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
