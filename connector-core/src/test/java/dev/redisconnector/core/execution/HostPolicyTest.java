package dev.redisconnector.core.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every spelling of a metadata, link-local or loopback address is judged by the address it reaches. */
class HostPolicyTest {

    private static InetSocketAddress at(String literal) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), 6379);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1", "::169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16",
            "169.254.0.1", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "ff02::1"})
    void metadataLinkLocalAndUnroutableAreAlwaysRefused(String literal) throws Exception {
        assertThat(HostPolicy.DEFAULT.allows(at(literal))).as(literal).isFalse();
        assertThat(HostPolicy.ALLOW_LOOPBACK.allows(at(literal))).as(literal).isFalse();
        assertThat(HostPolicy.of(true, true, List.of()).allows(at(literal))).as(literal).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"})
    void loopbackOnlyWhenAllowed(String literal) throws Exception {
        assertThat(HostPolicy.DEFAULT.allows(at(literal))).as(literal).isFalse();
        assertThat(HostPolicy.ALLOW_LOOPBACK.allows(at(literal))).as(literal).isTrue();
    }

    @Test
    void privateNetworksAllowedUnlessTurnedOff() throws Exception {
        for (String literal : new String[] {"10.1.2.3", "172.16.0.5", "192.168.1.10", "fd12:3456::1"}) {
            assertThat(HostPolicy.DEFAULT.allows(at(literal))).as(literal).isTrue();
            assertThat(HostPolicy.of(false, false, List.of()).allows(at(literal))).as(literal).isFalse();
        }
        assertThat(HostPolicy.DEFAULT.allows(at("8.8.8.8"))).isTrue();
        assertThat(HostPolicy.of(false, false, List.of()).allows(at("8.8.8.8"))).isTrue();
    }

    @Test
    void operatorDeniedNetworks() throws Exception {
        HostPolicy policy = HostPolicy.of(false, true, List.of("10.1.0.0/16", "2001:db8::/32"));
        assertThat(policy.allows(at("10.1.200.3"))).isFalse();
        assertThat(policy.allows(at("10.2.0.1"))).isTrue();
        assertThat(policy.allows(at("2001:db8::5"))).isFalse();
        assertThatThrownBy(() -> HostPolicy.of(false, true, List.of("10.0.0.0"))).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> HostPolicy.of(false, true, List.of("example.com/8"))).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> HostPolicy.of(false, true, List.of("10.0.0.0/40"))).hasMessageContaining("prefix");
    }

    @Test
    void theConnectorsOwnPortIsRefusedEvenWithLoopbackAllowed() throws Exception {
        HostPolicy policy = HostPolicy.ALLOW_LOOPBACK.withOwnPort(8080);
        assertThat(policy.allows(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080))).isFalse();
        assertThat(policy.allows(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6379))).isTrue();
        assertThat(policy.allows(InetSocketAddress.createUnresolved("redis.internal", 6379))).isFalse();
    }
}
