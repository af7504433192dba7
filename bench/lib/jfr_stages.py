"""Folds a JFR recording of a load run into where a request's bytes and CPU go.

Usage: jfr_stages.py RECORDING.jfr REQUESTS [--top N]
Reads jdk.ObjectAllocationSample (weight = bytes the sample stands for) and jdk.ExecutionSample through `jfr print
--json`, gives each sample to the first frame on its stack (innermost first) that belongs to a stage, and prints
bytes per request by stage, the top allocation sites by frame and by class, and CPU samples by stage.
"""
import collections
import json
import os
import subprocess
import sys

# innermost frame first: the first prefix that matches names the stage
STAGES = [
    ("access log, request id", ("dev.redisconnector.server.http.AccessLog", "dev.redisconnector.server.http.RequestIds")),
    ("metrics", ("dev.redisconnector.server.Metrics", "dev.redisconnector.core.metrics", "io.micrometer")),
    ("audit trail", ("dev.redisconnector.registry.AuditTrail", "dev.redisconnector.registry.internal.Audit")),
    ("reply JSON", ("dev.redisconnector.server.http.ReplyJson", "dev.redisconnector.core.reply")),
    ("request body parse", ("dev.redisconnector.server.http.ExecuteBody", "dev.redisconnector.server.http.RequestBody",
                            "com.fasterxml.jackson")),
    ("session check", ("dev.redisconnector.core.session", "dev.redisconnector.server.session")),
    ("verify + policy", ("dev.redisconnector.core.policy", "dev.redisconnector.core.command")),
    ("Redis write/read", ("io.lettuce", "dev.redisconnector.core.internal", "dev.redisconnector.core.execution")),
    ("steps 3-4 and pipeline glue", ("dev.redisconnector.core", "com.github.benmanes.caffeine")),
    ("HTTP (Vert.x, Netty codec, execute handler)", ("dev.redisconnector.server.http", "io.vertx", "io.netty.handler.codec")),
]


def stage_of(frames):
    for frame in frames:
        for stage, prefixes in STAGES:
            if frame.startswith(prefixes):
                return stage
    return "other (JDK, Netty buffers, GC)"


def frames_of(event):
    stack = event["values"].get("stackTrace") or {}
    out = []
    for f in stack.get("frames") or []:
        method = f["method"]
        out.append(method["type"]["name"].replace("/", ".") + "." + method["name"] + ":" + str(f.get("lineNumber", "")))
    return out


def parse_ms(duration):
    """JFR's JSON durations look like PT0.004512S."""
    return float(duration.removeprefix("PT").removesuffix("S")) * 1000


def events(recording, name):
    jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr") if os.environ.get("JAVA_HOME") else "jfr"
    text = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", name, recording],
                          check=True, capture_output=True, text=True).stdout
    return json.loads(text)["recording"]["events"]


def main():
    recording, requests = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    by_stage, by_site, by_class = collections.Counter(), collections.Counter(), collections.Counter()
    site_stage = {}
    for event in events(recording, "jdk.ObjectAllocationSample"):
        weight = event["values"]["weight"]
        frames = frames_of(event)
        stage = stage_of(frames)
        by_stage[stage] += weight
        # the site, with the two frames that called it
        first = next((i for i, f in enumerate(frames) if not f.startswith(("java.", "jdk.", "sun."))), 0)
        site = " < ".join(frames[first:first + 3]) if frames else "?"
        by_site[site] += weight
        site_stage[site] = stage
        by_class[event["values"]["objectClass"]["name"].replace("/", ".")] += weight
    cpu = collections.Counter(stage_of(frames_of(e)) for e in events(recording, "jdk.ExecutionSample"))
    total = sum(by_stage.values())
    # exact bytes: each thread's allocation counter at the recording's start and end
    counters = collections.defaultdict(list)
    for event in events(recording, "jdk.ThreadAllocationStatistics"):
        counters[event["values"]["thread"]["javaThreadId"]].append(event["values"]["allocated"])
    exact = sum(max(v) - min(v) for v in counters.values())
    pauses = sorted(e["values"]["sumOfPauses"] for e in events(recording, "jdk.GarbageCollection"))
    print(f"requests: {requests:,}; allocated: {exact / requests:,.0f} bytes per request (all threads, exact); "
          f"{total / requests:,.0f} in the allocation samples (the table's basis)")
    if pauses:
        ms = [parse_ms(p) for p in pauses]
        ms.sort()
        print(f"GC pauses: {len(ms)}, median {ms[len(ms) // 2]:.1f} ms, max {ms[-1]:.1f} ms\n")
    print("| stage | bytes allocated per request | share | CPU samples |\n|---|---:|---:|---:|")
    for stage, _ in STAGES[::-1] + [("other (JDK, Netty buffers, GC)", ())]:
        b = by_stage.get(stage, 0)
        print(f"| {stage} | {b / requests:,.0f} | {100 * b / max(total, 1):.0f}% | {cpu.get(stage, 0)} |")
    print(f"| **total** | **{total / requests:,.0f}** | | {sum(cpu.values())} samples |\n")
    print(f"Top {top} allocation sites (first frame outside the JDK):\n")
    for site, b in by_site.most_common(top):
        print(f"  {b / requests:8,.0f} B  {site}  [{site_stage[site]}]")
    print(f"\nTop {top} allocated classes:\n")
    for cls, b in by_class.most_common(top):
        print(f"  {b / requests:8,.0f} B  {cls}")


if __name__ == "__main__":
    main()
