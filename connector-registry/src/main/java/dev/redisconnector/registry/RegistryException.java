package dev.redisconnector.registry;

/** The registry database could not be used. The message names the failure, never a secret or an SQL value. */
public final class RegistryException extends RuntimeException {

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
