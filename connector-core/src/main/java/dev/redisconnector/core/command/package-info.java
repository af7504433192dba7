/**
 * Step 2: {@link dev.redisconnector.core.command.CommandVerifier} checks {@code inputs} and turns them into a
 * {@link dev.redisconnector.core.command.VerifiedCommand}; {@link dev.redisconnector.core.command.ConnectionSafety}
 * refuses the commands that would change or take over a shared connection.
 */
package dev.redisconnector.core.command;
