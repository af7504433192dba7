package dev.redisconnector.core.execution;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which addresses the connector may open a Redis connection to (SSRF protection). Checked on the address each
 * connection actually uses, after name resolution, on every path that connects: commands, connection tests,
 * reconnects, Sentinel-reported masters, Cluster-reported nodes and redirects.
 *
 * <p>Always refused: link-local addresses (169.254.0.0/16, fe80::/10, including the cloud metadata address
 * 169.254.169.254), the cloud metadata addresses outside that range (100.100.100.200, 168.63.129.16, fd00:ec2::254),
 * "this network" (0.0.0.0/8, ::), multicast and broadcast, and IPv4-mapped or -translated spellings of any of them.
 * Refused unless allowed: loopback (127.0.0.0/8, ::1) and the connector's own listening address; private networks
 * (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are allowed unless the operator turns them off. Extra networks
 * can be denied by CIDR. Immutable and thread-safe.
 */
public final class HostPolicy {

    /** The default: loopback refused, private networks allowed. */
    public static final HostPolicy DEFAULT = new HostPolicy(false, true, List.of(), -1);

    /** For tests and the local demo: loopback allowed too. */
    public static final HostPolicy ALLOW_LOOPBACK = new HostPolicy(true, true, List.of(), -1);

    private static final List<Cidr> ALWAYS_DENIED = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"), Cidr.parse("100.100.100.200/32"), Cidr.parse("168.63.129.16/32"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("::/128"), Cidr.parse("fe80::/10"), Cidr.parse("ff00::/8"),
            Cidr.parse("fd00:ec2::254/128"));
    private static final List<Cidr> PRIVATE = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("100.64.0.0/10"), Cidr.parse("fc00::/7"));

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final List<Cidr> denied;
    private final int ownPort;

    private HostPolicy(boolean allowLoopback, boolean allowPrivate, List<Cidr> denied, int ownPort) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.denied = List.copyOf(denied);
        this.ownPort = ownPort;
    }

    /**
     * A policy.
     *
     * @param allowLoopback   whether 127.0.0.0/8 and ::1 may be reached (the connector's own port never)
     * @param allowPrivate    whether private networks may be reached
     * @param deniedNetworks  extra CIDRs to refuse, e.g. {@code 10.1.0.0/16}
     */
    public static HostPolicy of(boolean allowLoopback, boolean allowPrivate, List<String> deniedNetworks) {
        List<Cidr> denied = new ArrayList<>();
        for (String cidr : deniedNetworks) {
            denied.add(Cidr.parse(cidr.strip()));
        }
        return new HostPolicy(allowLoopback, allowPrivate, denied, -1);
    }

    /** The same policy, also refusing every local address on {@code port} (the connector's own listener). */
    public HostPolicy withOwnPort(int port) {
        return new HostPolicy(allowLoopback, allowPrivate, denied, port);
    }

    /**
     * Whether {@code host} is an IP literal that every host policy refuses (link-local, cloud metadata, unspecified,
     * multicast), whatever the settings. Names are not resolved: {@code false} for anything but a literal.
     */
    public static boolean alwaysRefusesLiteral(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
        HostPolicy everythingElseAllowed = new HostPolicy(true, true, List.of(), -1);
        return !everythingElseAllowed.allows(new InetSocketAddress(ip, 6379));
    }

    /** Whether a connection to {@code address} may be opened. */
    public boolean allows(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            return false;
        }
        InetAddress ip = canonical(address.getAddress());
        for (Cidr cidr : ALWAYS_DENIED) {
            if (cidr.contains(ip)) {
                return false;
            }
        }
        for (Cidr cidr : denied) {
            if (cidr.contains(ip)) {
                return false;
            }
        }
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress() || ip.isLinkLocalAddress()) {
            return false;
        }
        if (ownPort > 0 && address.getPort() == ownPort && isLocal(ip)) {
            return false;
        }
        if (ip.isLoopbackAddress()) {
            return allowLoopback;
        }
        if (!allowPrivate) {
            for (Cidr cidr : PRIVATE) {
                if (cidr.contains(ip)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isLocal(InetAddress ip) {
        if (ip.isLoopbackAddress() || ip.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * The IPv4 address inside IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}), NAT64
     * ({@code 64:ff9b::a.b.c.d}) and 6to4 ({@code 2002:aabb:ccdd::}) IPv6 spellings, so they are judged as the
     * IPv4 address they reach.
     */
    static InetAddress canonical(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) {
            return ip;
        }
        byte[] b = ip.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        byte[] v4 = null;
        if (zeroPrefix && (b[10] == (byte) 0xff && b[11] == (byte) 0xff || b[10] == 0 && b[11] == 0
                && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)))) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (v4 == null) {
            return ip;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    @Override
    public String toString() {
        return "HostPolicy[allowLoopback=" + allowLoopback + ", allowPrivate=" + allowPrivate + ", denied=" + denied
                + (ownPort > 0 ? ", ownPort=" + ownPort : "") + "]";
    }

    /** A network in CIDR notation. */
    record Cidr(byte[] network, int prefix, String text) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("not a CIDR network (address/prefix): " + text);
            }
            String host = text.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not a CIDR network (address/prefix): " + text);
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not a CIDR network (address/prefix): " + text);
            }
            int prefix;
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR network (address/prefix): " + text);
            }
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("prefix out of range in " + text);
            }
            return new Cidr(address, prefix, text.toLowerCase(Locale.ROOT));
        }

        boolean contains(InetAddress ip) {
            byte[] candidate = ip.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
