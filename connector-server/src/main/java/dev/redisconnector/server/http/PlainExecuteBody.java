package dev.redisconnector.server.http;

import dev.redisconnector.core.ExecuteOptions;
import dev.redisconnector.core.Inputs;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape almost every execute request has, read straight from the received bytes: {@code {"inputs": {"command":
 * "...", "args": ["...", ...]}}} with printable ASCII strings and no escapes, in any spacing and either field order.
 * Anything else (numbers, escapes, non-ASCII text, {@code options}, other fields, a malformation) is declined, and
 * {@link ExecuteBody#parse} reads it with its precise errors; what this accepts, that parser reads to the same
 * result ({@code PlainExecuteBodyTest} checks both on the same bodies). No parser objects, no copy of the body.
 * Stateless; the scratch for strings is per thread.
 */
final class PlainExecuteBody {

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

    private final ByteBuf bytes;
    private final int end;
    private int at;

    private PlainExecuteBody(ByteBuf bytes) {
        this.bytes = bytes;
        this.at = bytes.readerIndex();
        this.end = bytes.writerIndex();
    }

    /** The body read as {@link ExecuteBody#parse} would, or {@code null} when it is not of the plain shape. */
    static ExecuteBody tryParse(ByteBuf bytes) {
        return new PlainExecuteBody(bytes).body();
    }

    private ExecuteBody body() {
        if (!take('{') || !key("inputs") || !take('{')) {
            return null;
        }
        String command = null;
        List<Object> args = null;
        do {
            if (command == null && key("command")) {
                command = string();
                if (command == null) {
                    return null;
                }
            } else if (args == null && key("args")) {
                args = array();
                if (args == null) {
                    return null;
                }
            } else {
                return null;
            }
        } while (take(','));
        if (command == null || !take('}') || !take('}')) {
            return null;
        }
        skipSpace();
        return at == end ? new ExecuteBody(new Inputs(command, args == null ? List.of() : args),
                ExecuteOptions.DEFAULT) : null;
    }

    /** {@code "name":} with optional space around. */
    private boolean key(String name) {
        skipSpace();
        int start = at;
        if (at + name.length() + 2 > end || bytes.getByte(at) != '"') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (bytes.getByte(at + 1 + i) != name.charAt(i)) {
                return false;
            }
        }
        at += name.length() + 1;
        if (bytes.getByte(at) != '"') {
            at = start;
            return false;
        }
        at++;
        if (!take(':')) {
            at = start;
            return false;
        }
        return true;
    }

    private List<Object> array() {
        if (!take('[')) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        if (take(']')) {
            return out;
        }
        do {
            String value = string();
            if (value == null) {
                return null;
            }
            out.add(value);
        } while (take(','));
        return take(']') ? out : null;
    }

    /** A string of printable ASCII without escapes, or {@code null}. */
    private String string() {
        skipSpace();
        if (at >= end || bytes.getByte(at) != '"') {
            return null;
        }
        int start = ++at;
        while (at < end) {
            byte b = bytes.getByte(at);
            if (b == '"') {
                int length = at - start;
                at++;
                return text(start, length);
            }
            if (b < 0x20 || b > 0x7e || b == '\\') {
                return null;
            }
            at++;
        }
        return null;
    }

    private String text(int start, int length) {
        byte[] scratch = SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        for (int i = 0; i < length; i++) {
            scratch[i] = bytes.getByte(start + i);
        }
        // printable ASCII is Latin-1: the string is a plain copy of the bytes
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }

    private boolean take(char c) {
        skipSpace();
        if (at < end && bytes.getByte(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (at < end) {
            byte b = bytes.getByte(at);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            at++;
        }
    }
}
