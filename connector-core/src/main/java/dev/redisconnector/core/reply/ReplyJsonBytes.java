package dev.redisconnector.core.reply;

import dev.redisconnector.core.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Writes the same JSON as {@link ReplyJson}, straight to UTF-8 bytes: strings that are already valid UTF-8 are copied
 * as they are (escaping only what JSON requires), skipping the decode to {@code String} and the encode back. The
 * output is byte-for-byte what {@code ReplyJson.toJson(...).getBytes(UTF_8)} gives (a property test checks it).
 * Stateless and thread-safe.
 */
public final class ReplyJsonBytes {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private ReplyJsonBytes() {
    }

    /** Scratch space per thread (event loops encode one reply at a time): only the result is allocated. */
    private static final ThreadLocal<Sink> SCRATCH = ThreadLocal.withInitial(() -> new Sink(Sink.KEPT));

    /** {@code prefix}, the reply's JSON, then {@code suffix}, as UTF-8. */
    public static byte[] encode(Reply reply, Encoding encoding, byte[] prefix, byte[] suffix) {
        // a virtual thread would make (and drop) its own scratch: a small sink instead
        Sink out = Thread.currentThread().isVirtual() ? new Sink(prefix.length + suffix.length + 64) : SCRATCH.get();
        out.length = 0;
        out.raw(prefix);
        write(reply, encoding, out);
        out.raw(suffix);
        byte[] json = out.toArray();
        if (out.buffer.length > Sink.KEPT) {
            // a large reply grew the scratch: do not keep it
            out.buffer = new byte[Sink.KEPT];
        }
        return json;
    }

    private static void write(Reply reply, Encoding encoding, Sink out) {
        switch (reply) {
            case Reply.StringReply s -> writeBytes(s.bytes(), encoding, out);
            case Reply.IntegerReply i -> out.ascii(Long.toString(i.value()));
            case Reply.NullReply ignored -> out.ascii("null");
            case Reply.ArrayReply a -> writeList(a.elements(), encoding, out);
            case Reply.SetReply s -> writeList(s.elements(), encoding, out);
            default -> {
                // rarer types: reuse the text writer so both stay identical
                StringBuilder text = new StringBuilder();
                ReplyJson.write(reply, encoding, text);
                out.raw(text.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void writeList(List<Reply> elements, Encoding encoding, Sink out) {
        out.put((byte) '[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.put((byte) ',');
            }
            write(elements.get(i), encoding, out);
        }
        out.put((byte) ']');
    }

    private static void writeBytes(byte[] bytes, Encoding encoding, Sink out) {
        if (encoding == Encoding.BASE64) {
            out.put((byte) '"');
            out.raw(Base64.getEncoder().encode(bytes));
            out.put((byte) '"');
            return;
        }
        if (!simpleUtf8(bytes)) {
            StringBuilder text = new StringBuilder(bytes.length + 8);
            ReplyJson.writeString(new String(bytes, StandardCharsets.UTF_8), text);
            out.raw(text.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        out.put((byte) '"');
        out.ensure(bytes.length * 6);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\') {
                out.put((byte) '\\');
                out.put(b);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n' -> out.ascii("\\n");
                    case '\r' -> out.ascii("\\r");
                    case '\t' -> out.ascii("\\t");
                    case '\b' -> out.ascii("\\b");
                    case '\f' -> out.ascii("\\f");
                    default -> {
                        out.ascii("\\u00");
                        out.put(HEX[c >> 4]);
                        out.put(HEX[c & 0xF]);
                    }
                }
            } else {
                out.put(b);
            }
        }
        out.put((byte) '"');
    }

    /** Valid UTF-8 without U+2028/U+2029 (which the text writer escapes): safe to copy byte for byte. */
    private static boolean simpleUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= n) {
                return false;
            }
            int code = b & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int next = bytes[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return false;
                }
                code = code << 6 | next & 0x3F;
            }
            if (code < min || code > 0x10FFFF || code >= 0xD800 && code <= 0xDFFF || code == 0x2028
                    || code == 0x2029) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    /** A growable byte array. */
    private static final class Sink {
        /** Scratch kept per thread between replies: {@value} bytes. */
        static final int KEPT = 16 * 1024;
        private byte[] buffer;
        private int length;

        Sink(int capacity) {
            buffer = new byte[capacity];
        }

        void ensure(int extra) {
            if (length + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
            }
        }

        void put(byte b) {
            ensure(1);
            buffer[length++] = b;
        }

        void raw(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        void ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                buffer[length++] = (byte) text.charAt(i);
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buffer, length);
        }
    }
}
