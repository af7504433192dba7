/**
 * Step 2b: per-service command policies, decided from the server's own command table
 * ({@link dev.redisconnector.core.command.CommandCatalog}): read-only, read-write (default) or custom allow/deny
 * rules, default denial of {@code @admin} and {@code @dangerous}, and key namespaces.
 */
package dev.redisconnector.core.policy;
