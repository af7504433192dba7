/**
 * Operator actions (services, credentials, sessions, connection tests) as JSON in, JSON out: the same
 * {@link dev.redisconnector.server.admin.AdminService} serves the HTTP admin API and the CLI's direct mode.
 */
package dev.redisconnector.server.admin;
