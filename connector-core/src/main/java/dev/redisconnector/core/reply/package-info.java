/**
 * Redis replies as data: the sealed {@link dev.redisconnector.core.reply.Reply} type covers every RESP2 and RESP3 type;
 * {@link dev.redisconnector.core.reply.ReplyJson} turns one into the JSON of {@code output1} and
 * {@link dev.redisconnector.core.reply.ReplyValues} into plain Java values.
 */
package dev.redisconnector.core.reply;
