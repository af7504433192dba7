/**
 * Step 5: running a verified command on the client's Redis service. {@link
 * dev.redisconnector.core.execution.LettuceCommandExecutor} keeps one multiplexed connection per service and
 * credentials version and maps every failure to a connector error code.
 */
package dev.redisconnector.core.execution;
