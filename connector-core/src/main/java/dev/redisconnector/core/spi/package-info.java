/**
 * The seams of the pipeline: implement these to plug the connector into a platform's own session store or service
 * registry. The JDBC module provides implementations backed by H2 or PostgreSQL.
 */
package dev.redisconnector.core.spi;
