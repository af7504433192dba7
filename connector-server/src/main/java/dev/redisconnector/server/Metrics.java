package dev.redisconnector.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.redisconnector.core.CommandEvent;
import dev.redisconnector.core.CommandListener;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.execution.CommandExecutor;
import dev.redisconnector.registry.AuditTrail;
import dev.redisconnector.registry.Registry;
import dev.redisconnector.registry.internal.CachedLookup;
import dev.redisconnector.server.http.EventStreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server's metrics in Prometheus text at {@code /metrics}: HTTP requests by endpoint and status with latency
 * histograms, commands by name and outcome, Redis connections (shared, dedicated, subscriptions), registry cache hits
 * and load latency, the audit trail's backlog, values dropped as too large. Labels never carry a client id unless the
 * operator turns that on ({@code RC_METRICS_PER_CLIENT=true}: one series per client), and command names are capped
 * so unknown names cannot grow the series without bound. Thread-safe.
 */
public final class Metrics implements CommandListener {

    private static final int MAX_COMMAND_LABELS = 300;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final boolean perClient;
    private final Map<String, String> commandLabels = new ConcurrentHashMap<>();
    private final Map<String, Counter> commandCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer[]> httpTimers = new ConcurrentHashMap<>();

    Metrics(boolean perClient, String instanceId) {
        this.perClient = perClient;
        // every series says which instance it comes from (Prometheus also adds its own "instance" target label:
        // the scrape keeps this one as exported_instance unless honor_labels is on)
        registry.config().commonTags("instance", instanceId);
        // the process itself: heap and GC, threads, CPU, classes
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
    }

    /** Registers the gauges that read the server's parts when scraped; {@code transport}: the event loops'. */
    void bind(CommandExecutor executor, EventStreams streams, Registry store, AuditTrail audit, String transport) {
        this.executor = executor;
        Gauge.builder("rc_event_loop_transport", () -> 1).tag("transport", transport)
                .description("1, labelled with how the event loops talk to the kernel (io_uring or epoll,"
                        + " RC_TRANSPORT)").strongReference(true).register(registry);
        gauge("rc_redis_connections", "Shared Redis connections open or opening",
                () -> executor.stats().sharedConnections());
        gauge("rc_redis_dedicated_connections_in_use", "Dedicated connections held by blocking commands and"
                + " transactions", () -> executor.stats().dedicatedInUse());
        gauge("rc_redis_dedicated_connections_open", "Dedicated connections open, in use or idle",
                () -> executor.stats().dedicatedOpen());
        gauge("rc_redis_subscriptions", "Pub/sub connections open", () -> executor.stats().subscriptions());
        gauge("rc_streams_open", "Server-Sent Events streams open", streams::open);
        FunctionCounter.builder("rc_reply_values_dropped", executor, ignored -> executor.stats().droppedValues())
                .description("Values over RC_MAX_REPLY_BYTES dropped as they arrived").register(registry);
        cache("service", store, r -> r.services().cacheStats());
        cache("credentials", store, r -> r.credentials().cacheStats());
        cache("session", store, r -> r.sessions().cacheStats());
        if (store.changeListenerConnected() != null) {
            gauge("rc_registry_listener_connected", "1 while this instance hears other instances' registry changes"
                    + " (PostgreSQL LISTEN), 0 while it reconnects", () -> Boolean.TRUE.equals(
                    store.changeListenerConnected()) ? 1 : 0);
            FunctionCounter.builder("rc_registry_changes_applied", store, Registry::changesApplied)
                    .description("Registry changes (any instance's) applied to this instance's caches")
                    .register(registry);
            FunctionCounter.builder("rc_registry_listener_reconnects", store, Registry::changeListenerReconnects)
                    .description("Times the registry change listener lost its connection and caught up again")
                    .register(registry);
        }
        if (audit != null) {
            FunctionCounter.builder("rc_audit_written", audit, AuditTrail::written)
                    .description("Audit rows written").register(registry);
            FunctionCounter.builder("rc_audit_dropped", audit, AuditTrail::dropped)
                    .description("Audit events dropped because the database could not keep up").register(registry);
            FunctionCounter.builder("rc_audit_counted", audit, AuditTrail::counted)
                    .description("Read-only commands the audit trail accounted in per-minute counts (RC_AUDIT_LEVEL"
                            + "=writes) rather than an entry each").register(registry);
        }
        if (store.dataSource() instanceof HikariDataSource hikari) {
            try {
                hikari.setMetricRegistry(registry);
            } catch (RuntimeException e) {
                // a pool that already reports elsewhere keeps doing so
            }
        }
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        // a Supplier made here is only held by the gauge: hold it strongly
        Gauge.builder(name, value).description(description).strongReference(true).register(registry);
    }

    /**
     * Counters read from {@code store} when scraped. Micrometer holds the state object weakly: it must be one the
     * server keeps (the registry), never a lambda made here.
     */
    private void cache(String lookup, Registry store, Function<Registry, CachedLookup.Stats> stats) {
        FunctionCounter.builder("rc_registry_cache_hits", store, r -> stats.apply(r).hits()).tag("lookup", lookup)
                .description("Registry lookups answered from memory").register(registry);
        FunctionCounter.builder("rc_registry_cache_misses", store, r -> stats.apply(r).misses()).tag("lookup", lookup)
                .description("Registry lookups that waited for the database").register(registry);
        FunctionCounter.builder("rc_registry_loads", store, r -> stats.apply(r).loads()).tag("lookup", lookup)
                .description("Registry database reads (misses and background refreshes)").register(registry);
        FunctionCounter.builder("rc_registry_load_failures", store, r -> stats.apply(r).loadFailures())
                .tag("lookup", lookup).description("Registry database reads that failed").register(registry);
        FunctionCounter.builder("rc_registry_load_seconds", store, r -> stats.apply(r).loadNanos() / 1e9)
                .tag("lookup", lookup).description("Time spent in registry database reads").register(registry);
    }

    @Override
    public void onCommand(CommandEvent event) {
        if (perClient) {
            String client = event.clientId() == null ? "" : event.clientId();
            String command = commandLabel(event.command());
            String outcome = event.outcomeName();
            commandCounters.computeIfAbsent(command + '\u0000' + outcome + '\u0000' + client, ignored -> Counter
                    .builder("rc_commands").description("Commands by name and outcome").tag("command", command)
                    .tag("outcome", outcome).tag("client", client).register(registry)).increment();
            return;
        }
        // the hot path: one map lookup by command name, then an array slot per outcome (no string building)
        Counter[] byOutcome = countersByCommand.get(event.command());
        if (byOutcome == null) {
            String command = commandLabel(event.command());
            byOutcome = countersByCommand.computeIfAbsent(command.equals("other") ? "other" : event.command(),
                    ignored -> new Counter[ErrorCode.values().length + 1]);
        }
        int slot = event.outcome() == null ? 0 : event.outcome().ordinal() + 1;
        Counter counter = byOutcome[slot];
        if (counter == null) {
            String command = commandLabel(event.command());
            counter = Counter.builder("rc_commands").description("Commands by name and outcome")
                    .tag("command", command).tag("outcome", event.outcomeName()).register(registry);
            byOutcome[slot] = counter;
        }
        counter.increment();
    }

    private final Map<String, Counter[]> countersByCommand = new ConcurrentHashMap<>();

    /** A known-looking name as its own label, up to a cap; everything else shares one. */
    private String commandLabel(String name) {
        String known = commandLabels.get(name);
        if (known != null) {
            return known;
        }
        if (commandLabels.size() >= MAX_COMMAND_LABELS || name.length() > 32 || name.equals("?")) {
            return "other";
        }
        return commandLabels.computeIfAbsent(name, n -> n);
    }

    /** One HTTP request answered. */
    void http(String endpoint, int status, long nanos) {
        Timer[] byStatus = httpTimers.computeIfAbsent(endpoint, ignored -> new Timer[600]);
        int slot = status >= 100 && status < 600 ? status : 599;
        Timer timer = byStatus[slot];
        if (timer == null) {
            timer = Timer.builder("rc_http_requests")
                    .description("HTTP requests by endpoint and status, with latency")
                    .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
            byStatus[slot] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The endpoint label of a path: a fixed set, never the raw path. */
    static String endpoint(String path, String upstashBase) {
        if (path.startsWith("/v1/redis/")) {
            return switch (path) {
                case "/v1/redis/execute" -> "execute";
                case "/v1/redis/pipeline" -> "pipeline";
                case "/v1/redis/transaction" -> "transaction";
                case "/v1/redis/subscribe" -> "subscribe";
                default -> "other";
            };
        }
        if (upstashBase != null && (path.equals(upstashBase) || path.startsWith(upstashBase + "/"))) {
            return "upstash";
        }
        if (path.startsWith("/v1/admin/")) {
            return "admin";
        }
        if (path.startsWith("/health/")) {
            return "health";
        }
        return switch (path) {
            case "/metrics" -> "metrics";
            case "/openapi.json" -> "openapi";
            default -> "other";
        };
    }

    private CommandExecutor executor;
    private MultiGauge clientShared;
    private MultiGauge clientDedicatedInUse;
    private MultiGauge clientDedicatedOpen;

    /** The Prometheus text exposition. */
    String scrape() {
        if (perClient && executor != null) {
            refreshPerClient();
        }
        return registry.scrape();
    }

    /** Per-client connection gauges (only with RC_METRICS_PER_CLIENT=true): one row per client with connections. */
    private synchronized void refreshPerClient() {
        if (clientShared == null) {
            clientShared = MultiGauge.builder("rc_redis_client_connections")
                    .description("Shared Redis connections of each client").register(registry);
            clientDedicatedInUse = MultiGauge
                    .builder("rc_redis_client_dedicated_in_use")
                    .description("Dedicated connections in use by each client").register(registry);
            clientDedicatedOpen = MultiGauge.builder("rc_redis_client_dedicated_open")
                    .description("Dedicated connections open for each client").register(registry);
        }
        Map<String, int[]> usage = executor.connectionsByClient();
        List<MultiGauge.Row<?>> shared = new ArrayList<>();
        List<MultiGauge.Row<?>> inUse = new ArrayList<>();
        List<MultiGauge.Row<?>> open = new ArrayList<>();
        usage.forEach((client, counts) -> {
            Tags tags = Tags.of("client", client);
            shared.add(MultiGauge.Row.of(tags, counts[0]));
            inUse.add(MultiGauge.Row.of(tags, counts[1]));
            open.add(MultiGauge.Row.of(tags, counts[2]));
        });
        clientShared.register(shared, true);
        clientDedicatedInUse.register(inUse, true);
        clientDedicatedOpen.register(open, true);
    }
}
