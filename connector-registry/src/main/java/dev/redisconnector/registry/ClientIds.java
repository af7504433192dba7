package dev.redisconnector.registry;

/** Rules for client ids: 1-128 characters of letters, digits, {@code . _ - @ :}. Stateless. */
public final class ClientIds {

    private ClientIds() {
    }

    /** Throws {@link IllegalArgumentException} with a clear message when {@code clientId} is not acceptable. */
    public static String check(String clientId) {
        if (clientId == null || !clientId.matches("[A-Za-z0-9._@:\\-]{1,128}")) {
            throw new IllegalArgumentException("clientId must be 1-128 letters, digits or . _ - @ :");
        }
        return clientId;
    }
}
