package dev.redisconnector.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Kills every server process a test started when the JVM exits, even if a test forgot or crashed. */
final class ProcessCleanup {

    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PROCESSES.forEach(Process::destroyForcibly),
                "redis-test-cleanup"));
    }

    private ProcessCleanup() {
    }

    static void register(Process process) {
        PROCESSES.add(process);
        process.onExit().thenRun(() -> PROCESSES.remove(process));
    }
}
