package dev.redisconnector.registry.crypto;

import dev.redisconnector.core.ConnectorException;
import dev.redisconnector.core.ErrorCode;
import dev.redisconnector.core.Step;

/**
 * A stored secret could not be decrypted (unknown key id, tampered value, or bound to another client):
 * {@code NO_CREDENTIALS}, since the credentials cannot be used. The message names the reason, never the value.
 */
public final class SecretDecryptionException extends ConnectorException {

    public SecretDecryptionException(String reason) {
        super(ErrorCode.NO_CREDENTIALS, Step.CREDENTIALS, reason, null, null);
    }
}
