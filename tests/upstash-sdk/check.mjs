// The official Upstash SDK against redis-connector's Upstash protocol.
// Usage: RC_URL=http://127.0.0.1:8080/upstash RC_TOKEN=rcs_... node check.mjs
// Prints one line per check; exits 1 at the first failure.
import { Redis } from "@upstash/redis";

const url = process.env.RC_URL;
const token = process.env.RC_TOKEN;
if (!url || !token) {
  console.error("set RC_URL and RC_TOKEN");
  process.exit(2);
}
const redis = new Redis({ url, token, retry: false });

function check(condition, what) {
  if (!condition) {
    console.error(`FAIL ${what}`);
    process.exit(1);
  }
  console.log(`ok ${what}`);
}

async function rejects(promise, expected, what) {
  try {
    await promise;
  } catch (error) {
    check(String(error.message).includes(expected), `${what} (${error.message})`);
    return;
  }
  check(false, `${what}: expected an error`);
}

check((await redis.set("sdk:k", "hello")) === "OK", "set");
check((await redis.get("sdk:k")) === "hello", "get");

await redis.set("sdk:json", { order: 12345, status: "delivered" });
const order = await redis.get("sdk:json");
check(order.order === 12345 && order.status === "delivered", "a JSON value round-trips");

const unusual = "naïve café 😀 \u0000 tab\t newline\n quote\" end";
await redis.set("sdk:unicode", unusual);
check((await redis.get("sdk:unicode")) === unusual, "unusual bytes round-trip through base64 encoding");

const pipeline = redis.pipeline();
pipeline.set("sdk:p", 1);
pipeline.incr("sdk:p");
pipeline.get("sdk:p");
check(JSON.stringify(await pipeline.exec()) === JSON.stringify(["OK", 2, 2]), "pipeline");

const tx = redis.multi();
tx.set("sdk:t", "a");
tx.append("sdk:t", "b");
tx.get("sdk:t");
check(JSON.stringify(await tx.exec()) === JSON.stringify(["OK", 2, "ab"]), "multi-exec");

await redis.del("sdk:h");
await redis.hset("sdk:h", { f1: "v1", f2: 2 });
const hash = await redis.hgetall("sdk:h");
check(hash.f1 === "v1" && hash.f2 === 2, "hgetall (a map, flattened as RESP2)");

await redis.zadd("sdk:z", { score: 1.5, member: "m" });
check((await redis.zscore("sdk:z", "m")) === 1.5, "zscore (a double)");

await rejects(redis.lpush("sdk:k", "x"), "WRONGTYPE", "a command error");
await rejects(redis.flushall(), "COMMAND_NOT_ALLOWED", "a command the policy refuses");

const stranger = new Redis({ url, token: "rcs_not-a-real-token", retry: false });
await rejects(stranger.get("sdk:k"), "NOT_LOGGED_IN", "an unknown token");

const received = new Promise((resolve, reject) => {
  const subscriber = redis.subscribe(["sdk:events"]);
  const timer = setTimeout(() => reject(new Error("no message within 10 s")), 10_000);
  subscriber.on("subscribe", async () => {
    await redis.publish("sdk:events", JSON.stringify({ shipped: 12345 }));
  });
  subscriber.on("message", async ({ channel, message }) => {
    clearTimeout(timer);
    await subscriber.unsubscribe();
    resolve({ channel, message });
  });
  subscriber.on("error", reject);
});
const event = await received;
check(event.channel === "sdk:events" && event.message.shipped === 12345, "subscribe receives a published message");

console.log("all checks passed");
process.exit(0);
