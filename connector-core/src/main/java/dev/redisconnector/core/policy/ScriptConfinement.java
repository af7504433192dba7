package dev.redisconnector.core.policy;

/**
 * Whether the service's Redis user was verified to confine scripts to the service's policy (its ACL refuses, inside a
 * script, every command, key, channel and database the policy refuses). Immutable.
 *
 * @param confined whether the verification passed
 * @param problem  when not confined, what the Redis user still permits or why nothing could be verified (a sentence
 *                 fit for the operator and the user: command names and rules, never a secret); {@code null} otherwise
 */
public record ScriptConfinement(boolean confined, String problem) {

    /** Nothing was verified (the policy does not allow scripting, or no verifier ran). */
    public static final ScriptConfinement NOT_VERIFIED = new ScriptConfinement(false,
            "the connector has not verified that the service's Redis user confines scripts");

    /** The verification passed. */
    public static final ScriptConfinement CONFINED = new ScriptConfinement(true, null);

    /** A failed verification with its reason. */
    public static ScriptConfinement notConfined(String problem) {
        return new ScriptConfinement(false, problem);
    }
}
