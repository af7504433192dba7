package dev.redisconnector.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The prompt splits lines the way redis-cli does. */
class RedisCliQuotingTest {

    @Test
    void wordsQuotesAndEscapes() {
        assertThat(RedisCliQuoting.split("  SET   a  b ")).containsExactly("SET", "a", "b");
        assertThat(RedisCliQuoting.split("SET \"a b\" 'c d'")).containsExactly("SET", "a b", "c d");
        assertThat(RedisCliQuoting.split("SET k \"line\\nnext\\x41\\\"q\\\"\"")).containsExactly("SET", "k",
                "line\nnextA\"q\"");
        assertThat(RedisCliQuoting.split("SET k 'it\\'s \\n raw'")).containsExactly("SET", "k", "it's \\n raw");
        assertThat(RedisCliQuoting.split("SET k \"\"")).containsExactly("SET", "k", "");
        assertThat(RedisCliQuoting.split("   ")).isEmpty();
        assertThatThrownBy(() -> RedisCliQuoting.split("SET \"open")).hasMessageStartingWith("unbalanced quotes");
    }
}
