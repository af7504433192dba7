package dev.redisconnector.core;

import dev.redisconnector.core.command.ClassifiedCommand;
import dev.redisconnector.core.reply.Reply;
import java.util.List;

/**
 * What happened to one command: who ran it, what it was (name and key count, never argument values), its outcome,
 * how long it took and how large its reply was. Immutable except for the lazily computed key count.
 *
 * @param epochMillis when the command arrived
 * @param userId      the session's user, or {@code null} when the session was not valid
 * @param clientId    the session's client, or {@code null}
 * @param command     the command name (upper case; {@code ?} when none could be read)
 * @param outcome     {@code null} when the command ran, else the error code
 * @param durationNanos time from arrival to outcome
 * @param replyBytes  approximate size of the reply ({@code 0} on failure)
 * @param classified  the command as the pipeline classified it, or {@code null} when it never got that far
 */
public record CommandEvent(long epochMillis, String userId, String clientId, String command, ErrorCode outcome,
                           long durationNanos, long replyBytes, ClassifiedCommand classified) {

    /** The outcome as text: {@code OK} or the error code. */
    public String outcomeName() {
        return outcome == null ? "OK" : outcome.name();
    }

    /**
     * How many keys the command named, from the server's command table ({@code -1} when unknown: no table, or the
     * command never got that far). Computed on demand, off the request's path.
     */
    public int keyCount() {
        return classified == null ? -1 : classified.keyCount();
    }

    /** The approximate size of a reply in bytes (payloads plus a few bytes per element). */
    public static long sizeOf(Reply reply) {
        return switch (reply) {
            case null -> 0;
            case Reply.StringReply string -> string.bytes().length;
            case Reply.ArrayReply array -> sum(array.elements());
            case Reply.SetReply set -> sum(set.elements());
            case Reply.MapReply map -> {
                long total = 0;
                for (Reply.MapReply.Entry entry : map.entries()) {
                    total += sizeOf(entry.key()) + sizeOf(entry.value()) + 2;
                }
                yield total;
            }
            case Reply.ErrorReply error -> error.message().length();
            case Reply.BigNumberReply big -> big.value().length();
            default -> 8;
        };
    }

    private static long sum(List<Reply> elements) {
        long total = 0;
        for (Reply element : elements) {
            total += sizeOf(element) + 1;
        }
        return total;
    }
}
