package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Lettuce's log lines with a URI keep neither the password nor its length. */
class MaskedCredentialsFilterTest {

    @Test
    void passwordLengthsNeverReachTheLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger("io.lettuce.core.RedisClient");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        logger.addAppender(captured);
        try {
            RedisURI sentinel = RedisURI.builder().withHost("10.0.0.1").withPort(26379)
                    .withPassword("sentinel-pw-14".toCharArray()).build();
            assertThat(sentinel.toString()).contains("*".repeat(14));
            logger.warn("Cannot connect Redis Sentinel at {}: {}", sentinel, "refused");
            logger.warn("Cannot connect Redis Sentinel at " + sentinel);
            logger.warn("Sentinels {}", List.of(sentinel, sentinel));
            assertThat(captured.list).hasSize(3);
            for (ILoggingEvent event : captured.list) {
                assertThat(event.getFormattedMessage()).contains("[masked]@10.0.0.1:26379")
                        .doesNotContain("**").doesNotContain("sentinel-pw-14");
            }
        } finally {
            logger.detachAppender(captured);
        }
    }
}
