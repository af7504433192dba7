/** Implementation details of the registry; may change without notice. */
package dev.redisconnector.registry.internal;
