package dev.redisconnector.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The token hash the session table is keyed by: the same digits however the token is spelled or how long it is. */
class TokenHashTest {

    private static String reference(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void isTheHexSha256OfTheTokensUtf8Bytes() throws Exception {
        for (String token : new String[] {"", "rcs_abc", "rcs_" + "x".repeat(124), "rcs_" + "y".repeat(400),
                "tökén-ü", "rcs_😀"}) {
            assertThat(JdbcSessionStore.hash(token)).as(token).isEqualTo(reference(token));
        }
    }

    @Test
    void aLongTokenDoesNotLeaveBytesForTheNextShortOne() throws Exception {
        JdbcSessionStore.hash("rcs_" + "z".repeat(120));
        assertThat(JdbcSessionStore.hash("rcs_short")).isEqualTo(reference("rcs_short"));
    }
}
