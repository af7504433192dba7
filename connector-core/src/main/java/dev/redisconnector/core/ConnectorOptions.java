package dev.redisconnector.core;

import dev.redisconnector.core.execution.HostPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Connector-wide settings. Immutable; build with {@link #builder()}, every value defaults to the matching
 * {@code DEFAULT_*} constant.
 */
public final class ConnectorOptions {

    /** Command timeout when a service sets none: 5 s. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** Connect timeout when a service sets none: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Idle time after which a service's connection is closed: 5 minutes. */
    public static final Duration DEFAULT_CONNECTION_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Largest reply returned: 16 MiB; larger ones are {@code RESULT_TOO_LARGE}. */
    public static final long DEFAULT_MAX_REPLY_BYTES = 16L * 1024 * 1024;
    /** Most arguments in one command: 100,000. */
    public static final int DEFAULT_MAX_ARGUMENTS = 100_000;
    /** Largest command (name plus arguments): 64 MiB. */
    public static final long DEFAULT_MAX_COMMAND_BYTES = 64L * 1024 * 1024;

    /** Largest single argument: 512 MiB (Redis's own limit for one value). */
    public static final long DEFAULT_MAX_ARGUMENT_BYTES = 512L * 1024 * 1024;
    /** Dedicated connections per service (blocking commands and transactions): 8. */
    public static final int DEFAULT_DEDICATED_POOL_SIZE = 8;
    /** How long a caller waits for a free dedicated connection before {@code POOL_EXHAUSTED}: 1 s. */
    public static final Duration DEFAULT_DEDICATED_WAIT = Duration.ofSeconds(1);
    /** Longest block time of a blocking command (a longer or infinite one is cut to this): 30 s. */
    public static final Duration DEFAULT_MAX_BLOCK_TIME = Duration.ofSeconds(30);

    /** All defaults. */
    public static final ConnectorOptions DEFAULTS = builder().build();

    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final Duration connectionIdleTimeout;
    private final long maxReplyBytes;
    private final int maxArguments;
    private final long maxCommandBytes;
    private final double rateLimitPerSecond;
    private final int rateLimitBurst;
    private final int dedicatedPoolSize;
    private final long maxArgumentBytes;
    private final Duration dedicatedWait;
    private final Duration maxBlockTime;
    private final HostPolicy hostPolicy;

    private ConnectorOptions(Builder builder) {
        this.commandTimeout = builder.commandTimeout;
        this.connectTimeout = builder.connectTimeout;
        this.connectionIdleTimeout = builder.connectionIdleTimeout;
        this.maxReplyBytes = builder.maxReplyBytes;
        this.maxArguments = builder.maxArguments;
        this.maxCommandBytes = builder.maxCommandBytes;
        this.rateLimitPerSecond = builder.rateLimitPerSecond;
        this.rateLimitBurst = builder.rateLimitBurst;
        this.dedicatedPoolSize = builder.dedicatedPoolSize;
        this.maxArgumentBytes = builder.maxArgumentBytes;
        this.dedicatedWait = builder.dedicatedWait;
        this.maxBlockTime = builder.maxBlockTime;
        this.hostPolicy = builder.hostPolicy;
    }

    /**
     * Which addresses Redis connections may go to (SSRF protection): by default loopback and link-local/metadata
     * addresses are refused. See {@link dev.redisconnector.core.execution.HostPolicy}.
     */
    public HostPolicy hostPolicy() {
        return hostPolicy;
    }

    /** See {@link #DEFAULT_MAX_ARGUMENT_BYTES}. */
    public long maxArgumentBytes() {
        return maxArgumentBytes;
    }

    /** See {@link #DEFAULT_DEDICATED_POOL_SIZE}. */
    public int dedicatedPoolSize() {
        return dedicatedPoolSize;
    }

    /** See {@link #DEFAULT_DEDICATED_WAIT}. */
    public Duration dedicatedWait() {
        return dedicatedWait;
    }

    /** See {@link #DEFAULT_MAX_BLOCK_TIME}. */
    public Duration maxBlockTime() {
        return maxBlockTime;
    }

    /** Commands per second each client may run (pipelines count every command); {@code 0}: no limit (default). */
    public double rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    /** Commands a client may run at once above its rate; defaults to twice the rate (at least 1). */
    public int rateLimitBurst() {
        return rateLimitBurst > 0 ? rateLimitBurst : (int) Math.max(1, Math.ceil(rateLimitPerSecond * 2));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Default command timeout. See {@link #DEFAULT_COMMAND_TIMEOUT}. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Default connect timeout. See {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** See {@link #DEFAULT_CONNECTION_IDLE_TIMEOUT}. */
    public Duration connectionIdleTimeout() {
        return connectionIdleTimeout;
    }

    /** See {@link #DEFAULT_MAX_REPLY_BYTES}. */
    public long maxReplyBytes() {
        return maxReplyBytes;
    }

    /** See {@link #DEFAULT_MAX_ARGUMENTS}. */
    public int maxArguments() {
        return maxArguments;
    }

    /** See {@link #DEFAULT_MAX_COMMAND_BYTES}. */
    public long maxCommandBytes() {
        return maxCommandBytes;
    }

    @Override
    public String toString() {
        return "ConnectorOptions[commandTimeout=" + commandTimeout
                + ", connectTimeout=" + connectTimeout + ", connectionIdleTimeout=" + connectionIdleTimeout + ", maxReplyBytes=" + maxReplyBytes
                + ", maxArguments=" + maxArguments + ", maxCommandBytes=" + maxCommandBytes + ", maxArgumentBytes="
                + maxArgumentBytes + ", dedicatedPoolSize="
                + dedicatedPoolSize + ", dedicatedWait=" + dedicatedWait + ", maxBlockTime=" + maxBlockTime + ", hostPolicy="
                + hostPolicy + "]";
    }

    /** Builds {@link ConnectorOptions}; validates on {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration connectionIdleTimeout = DEFAULT_CONNECTION_IDLE_TIMEOUT;
        private long maxReplyBytes = DEFAULT_MAX_REPLY_BYTES;
        private int maxArguments = DEFAULT_MAX_ARGUMENTS;
        private long maxCommandBytes = DEFAULT_MAX_COMMAND_BYTES;
        private double rateLimitPerSecond;
        private int rateLimitBurst;
        private int dedicatedPoolSize = DEFAULT_DEDICATED_POOL_SIZE;
        private long maxArgumentBytes = DEFAULT_MAX_ARGUMENT_BYTES;
        private Duration dedicatedWait = DEFAULT_DEDICATED_WAIT;
        private Duration maxBlockTime = DEFAULT_MAX_BLOCK_TIME;
        private HostPolicy hostPolicy =
                HostPolicy.DEFAULT;

        private Builder() {
        }

        /** See {@link ConnectorOptions#hostPolicy()}. */
        public Builder hostPolicy(HostPolicy value) {
            this.hostPolicy = Objects.requireNonNull(value, "hostPolicy");
            return this;
        }

        /** See {@link ConnectorOptions#maxArgumentBytes()}. */
        public Builder maxArgumentBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxArgumentBytes must be positive");
            }
            this.maxArgumentBytes = value;
            return this;
        }

        /** See {@link ConnectorOptions#dedicatedPoolSize()}. */
        public Builder dedicatedPoolSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("dedicatedPoolSize must be positive");
            }
            this.dedicatedPoolSize = value;
            return this;
        }

        /** See {@link ConnectorOptions#dedicatedWait()}; zero means fail at once when every connection is busy. */
        public Builder dedicatedWait(Duration value) {
            Objects.requireNonNull(value, "dedicatedWait");
            if (value.isNegative()) {
                throw new IllegalArgumentException("dedicatedWait must not be negative");
            }
            this.dedicatedWait = value;
            return this;
        }

        /** See {@link ConnectorOptions#maxBlockTime()}. */
        public Builder maxBlockTime(Duration value) {
            this.maxBlockTime = positive(value, "maxBlockTime");
            return this;
        }

        /** See {@link ConnectorOptions#rateLimitPerSecond()}. */
        public Builder rateLimit(double perSecond, int burst) {
            if (perSecond < 0 || burst < 0) {
                throw new IllegalArgumentException("rate limits must not be negative");
            }
            this.rateLimitPerSecond = perSecond;
            this.rateLimitBurst = burst;
            return this;
        }

        public Builder commandTimeout(Duration value) {
            this.commandTimeout = positive(value, "commandTimeout");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        public Builder connectionIdleTimeout(Duration value) {
            this.connectionIdleTimeout = positive(value, "connectionIdleTimeout");
            return this;
        }

        public Builder maxReplyBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxReplyBytes must be positive");
            }
            this.maxReplyBytes = value;
            return this;
        }

        public Builder maxArguments(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxArguments must be positive");
            }
            this.maxArguments = value;
            return this;
        }

        public Builder maxCommandBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxCommandBytes must be positive");
            }
            this.maxCommandBytes = value;
            return this;
        }

        public ConnectorOptions build() {
            return new ConnectorOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }
    }
}
