/** The {@code redis-connector} command line: serve, operate the registry, run a command through a server. */
package dev.redisconnector.server.cli;
