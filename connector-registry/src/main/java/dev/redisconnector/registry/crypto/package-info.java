/**
 * Encryption of stored secrets: AES-256-GCM with a random 96-bit nonce per value, the key id stored with each
 * ciphertext, and the client id plus field name bound as associated data.
 */
package dev.redisconnector.registry.crypto;
