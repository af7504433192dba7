package dev.redisconnector.core;

/** How string arguments and string replies are carried in JSON. */
public enum Encoding {
    /** Arguments and replies are UTF-8 text (invalid UTF-8 in replies becomes U+FFFD). */
    UTF8,
    /** Arguments are base64 and every string reply is base64: binary-safe. */
    BASE64
}
