package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web console's workbench in a real browser (Debian's Chromium, headless): sign in with a session token, run a
 * command with redis-cli quoting, several lines as a pipeline, errors with code and step, history, copy as curl,
 * values that look like HTML shown as text (no script runs, no element is injected), sign-out forgets the token, and
 * no console error on the way. Screenshots in target/screenshots.
 */
class ConsoleBrowserIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().client("console", REDIS).build();

    static final String XSS_KEY = "<img src=x onerror=alert(1)>";
    static final String XSS_VALUE = "<script>alert(2)</script>";

    @Test
    void workbenchRunsCommandsAndShowsEverythingAsText() {
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        try (Browser browser = new Browser(1280, 900)) {
            browser.driver.get(origin + "/console");
            WebElement tokenInput = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("token")));
            browser.screenshot("console-sign-in");
            assertThat(browser.driver.findElement(By.id("tabs")).isDisplayed()).as("no pages before sign-in").isFalse();
            tokenInput.sendKeys("rcs_not-a-real-token-not-a-real-token-not-a-real");
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
            assertThat(browser.driver.findElement(By.id("sign-in-error")).getText()).contains("not valid");
            // the browser logs the deliberate 401 as a failed load: that one is expected, nothing after it is
            assertThat(browser.consoleErrors()).allSatisfy(line -> assertThat(line).contains("401"));

            tokenInput.clear();
            tokenInput.sendKeys(SERVER.token("console"));
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            WebElement command = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("command")));
            assertThat(browser.driver.executeScript("return localStorage.length === 0"
                    + " || Object.keys(localStorage).every(k => !localStorage.getItem(k).includes('rcs_'))"))
                    .as("the token is never in localStorage").isEqualTo(true);

            run(browser, command, "SET \"order:a b\" 'delivered today'");
            assertThat(latest(browser)).contains("SET \"order:a b\"").contains("\"OK\"");
            run(browser, command, "GET \"order:a b\"");
            assertThat(latest(browser)).contains("\"delivered today\"");
            assertThat(REDIS.server().call("GET", "order:a b")).isEqualTo("delivered today");

            run(browser, command, "RPUSH order:list x y z\nLRANGE order:list 0 -1\nSELECT 1");
            List<WebElement> results = browser.driver.findElements(By.cssSelector("#results > li"));
            assertThat(results.get(0).getText()).contains("SELECT 1").contains("COMMAND_NOT_ALLOWED")
                    .contains("policy");
            assertThat(results.get(1).getText()).contains("LRANGE");
            assertThat(results.get(1).findElements(By.cssSelector("table.reply-table tbody tr"))).hasSize(3);
            assertThat(results.get(2).getText()).contains("RPUSH").contains("pipeline of 3");

            run(browser, command, "SET '" + XSS_KEY + "' '" + XSS_VALUE + "'");
            run(browser, command, "GET '" + XSS_KEY + "'");
            assertThat(latest(browser)).contains(XSS_KEY).contains(XSS_VALUE);
            assertThat(browser.driver.findElements(By.cssSelector("#results img, #results script"))).isEmpty();
            try {
                browser.driver.switchTo().alert();
                throw new AssertionError("a value from Redis ran as script");
            } catch (NoAlertPresentException expected) {
                // rendered as text
            }
            browser.screenshot("console-workbench");

            // history: Alt+Up brings back the previous command, the query stays after running
            command.clear();
            command.sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
            assertThat(command.getAttribute("value")).isEqualTo("GET '" + XSS_KEY + "'");

            // several queries, each kept across a reload of the tab
            command.clear();
            command.sendKeys("GET \"order:a b\"");
            browser.driver.findElement(By.id("query-add")).click();
            WebElement second = browser.driver.findElement(By.id("command"));
            second.sendKeys("LRANGE order:list 0 -1");
            browser.driver.navigate().refresh();
            browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("command")));
            assertThat(browser.driver.findElement(By.id("command")).getAttribute("value"))
                    .isEqualTo("LRANGE order:list 0 -1");
            browser.driver.findElement(By.cssSelector("#query-tabs button[data-query='0']")).click();
            assertThat(browser.driver.findElement(By.id("command")).getAttribute("value"))
                    .isEqualTo("GET \"order:a b\"");
            command = browser.driver.findElement(By.id("command"));
            run(browser, command, "GET '" + XSS_KEY + "'");

            browser.driver.findElement(By.cssSelector("#results > li .curl")).click();
            WebElement curl = browser.waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("curl-text")));
            assertThat(curl.getAttribute("value")).contains("curl -s -X POST " + origin + "/v1/redis/execute")
                    .contains("Bearer $TOKEN").contains("\"command\":\"GET\"").doesNotContain("rcs_");
            browser.driver.findElement(By.id("curl-close")).click();

            browser.driver.findElement(By.id("sign-out")).click();
            browser.waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
            assertThat(browser.driver.executeScript("return sessionStorage.getItem('rc.console.session')")).isNull();
            assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
            assertThat(browser.loadedUrls()).allSatisfy(url -> assertThat(url).startsWith(origin + "/"));
        }
    }

    @Test
    void completionKeyBrowserAndPubSub() throws Exception {
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        var redis = REDIS.server();
        redis.call("SET", "shop:order:1", "{\"id\":1,\"state\":\"paid\"}");
        redis.call("SET", "shop:bin", "\u0001\u0002");
        redis.call("HSET", "shop:user:7", "name", "Ada", "plan", "pro");
        redis.call("RPUSH", "shop:queue", "a", "b", "c");
        redis.call("SADD", "shop:tags", "red", "blue");
        redis.call("ZADD", "shop:rank", "1.5", "ada", "3", "bob");
        redis.call("XADD", "shop:events", "1-1", "kind", "paid");
        redis.call("SET", "shop:temp", "t");
        try (Browser browser = new Browser(1280, 900)) {
            signIn(browser, origin, SERVER.token("console"));
            WebElement command = browser.driver.findElement(By.id("command"));
            // completion from the service's own command table, with argument hints
            command.clear();
            command.sendKeys("hgeta");
            WebElement suggestions = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("suggestions")));
            assertThat(suggestions.getText()).contains("HGETALL");
            command.sendKeys(Keys.TAB);
            assertThat(command.getAttribute("value")).isEqualTo("HGETALL ");
            assertThat(browser.driver.findElement(By.id("hint")).getText()).contains("HGETALL key");
            command.sendKeys("shop:user:7");
            browser.driver.findElement(By.id("run")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("results"), "Ada"));
            command.clear();
            command.sendKeys("flusha");
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("suggestions"),
                    "not allowed"));

            // key browser: scan by pattern, a tree by ':', each type's view
            browser.driver.findElement(By.cssSelector("#tabs button[data-page=keys]")).click();
            WebElement pattern = browser.driver.findElement(By.id("scan-pattern"));
            pattern.clear();
            pattern.sendKeys("shop:*");
            browser.driver.findElement(By.id("scan")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("keys-status"),
                    "8 keys"));
            assertThat(view(browser, "shop:order:1")).contains("JSON, pretty-printed");
            assertThat(browser.driver.findElement(By.id("string-value")).getAttribute("value"))
                    .contains("\"state\": \"paid\"");
            assertThat(view(browser, "shop:bin")).contains("not UTF-8").contains("01 02");
            assertThat(view(browser, "shop:user:7")).contains("type hash").contains("plan").contains("pro");
            assertThat(view(browser, "shop:queue")).contains("type list").contains("c");
            assertThat(view(browser, "shop:tags")).contains("type set").contains("blue");
            assertThat(view(browser, "shop:rank")).contains("type zset").contains("1.5").contains("bob");
            assertThat(view(browser, "shop:events")).contains("type stream").contains("1-1").contains("paid");
            browser.screenshot("console-keys");

            // edit a string keeping its TTL, set a TTL, delete a key
            view(browser, "shop:temp");
            WebElement ttl = browser.driver.findElement(By.id("ttl-seconds"));
            ttl.sendKeys("500");
            browser.driver.findElement(By.id("ttl-set")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-view"),
                    "expires in"));
            WebElement value = browser.driver.findElement(By.id("string-value"));
            value.clear();
            value.sendKeys("changed");
            browser.driver.findElement(By.id("string-save")).click();
            browser.waitUpTo(10).until(driver -> "changed".equals(redis.call("GET", "shop:temp")));
            browser.waitUpTo(10).until(ExpectedConditions.stalenessOf(value));
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(By.id("key-delete")));
            assertThat(Long.parseLong(redis.call("TTL", "shop:temp").replace(":", ""))).isPositive();
            browser.driver.findElement(By.id("key-delete")).click();
            browser.driver.switchTo().alert().accept();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-view"),
                    "Deleted"));
            assertThat(redis.call("EXISTS", "shop:temp")).isEqualTo(":0");

            // pub/sub: subscribe on the page, publish from the page, the message arrives
            browser.driver.findElement(By.cssSelector("#tabs button[data-page=pubsub]")).click();
            browser.driver.findElement(By.id("sub-channels")).sendKeys("shop:news");
            browser.driver.findElement(By.id("subscribe")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("pubsub-status"),
                    "Subscribed"));
            browser.driver.findElement(By.id("pub-channel")).sendKeys("shop:news");
            browser.driver.findElement(By.id("pub-message")).sendKeys("<b>sale</b> today");
            browser.driver.findElement(By.id("publish")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"),
                    "shop:news: <b>sale</b> today"));
            assertThat(browser.driver.findElements(By.cssSelector("#messages b"))).isEmpty();
            browser.screenshot("console-pubsub");
            browser.driver.findElement(By.id("unsubscribe")).click();
            assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
        }
    }

    @Test
    void aReadOnlySessionSeesEditingDisabledAndTheServerStillRefuses() {
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        SERVER.token("console");
        REDIS.server().call("SET", "ro:key", "v");
        String readOnly = SERVER.ok("POST", "/v1/admin/sessions", new io.vertx.core.json.JsonObject()
                .put("userId", "reader").put("clientId", "console").put("readOnly", true)).getString("token");
        try (Browser browser = new Browser(390, 844)) {
            signIn(browser, origin, readOnly);
            browser.driver.findElement(By.cssSelector("#tabs button[data-page=keys]")).click();
            WebElement pattern = browser.driver.findElement(By.id("scan-pattern"));
            pattern.clear();
            pattern.sendKeys("ro:*");
            browser.driver.findElement(By.id("scan")).click();
            assertThat(view(browser, "ro:key")).contains("Read-only");
            assertThat(browser.driver.findElement(By.id("string-save")).isEnabled()).isFalse();
            assertThat(browser.driver.findElement(By.id("key-delete")).isEnabled()).isFalse();
            assertThat(browser.driver.findElement(By.id("ttl-set")).isEnabled()).isFalse();
            browser.screenshot("console-keys-read-only-390px");
            // the page only reflects the rule: the server refuses the write whatever the page does
            browser.driver.findElement(By.cssSelector("#tabs button[data-page=workbench]")).click();
            WebElement command = browser.driver.findElement(By.id("command"));
            run(browser, command, "DEL ro:key");
            assertThat(latest(browser)).contains("COMMAND_NOT_ALLOWED");
            assertThat(REDIS.server().call("GET", "ro:key")).isEqualTo("v");

            // the session revoked (or expired) while the page is open: back to sign-in, saying why
            SERVER.ok("GET", "/v1/admin/sessions?clientId=console", null).getJsonArray("sessions").stream()
                    .map(io.vertx.core.json.JsonObject.class::cast)
                    .filter(session -> session.getString("userId").equals("reader") && session.getBoolean("live"))
                    .forEach(session -> SERVER.ok("DELETE", "/v1/admin/sessions/" + session.getString("sessionId"),
                            null));
            command = browser.driver.findElement(By.id("command"));
            command.clear();
            command.sendKeys("GET ro:key");
            browser.driver.findElement(By.id("run")).click();
            browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
            assertThat(browser.driver.findElement(By.id("sign-in-error")).getText()).contains("session ended");
            assertThat(browser.driver.executeScript("return sessionStorage.getItem('rc.console.session')")).isNull();
        }
    }

    private static void signIn(Browser browser, String origin, String token) {
        browser.driver.get(origin + "/console");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        WebElement input = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        input.sendKeys(token);
        browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("tabs")));
    }

    /** Picks a key in the tree and waits for its view. */
    private static String view(Browser browser, String key) {
        WebElement button = browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#key-tree button[data-key='" + key + "']")));
        browser.driver.executeScript("arguments[0].closest('details') && arguments[0].closest('details').querySelectorAll"
                + "('details').forEach(d => d.open = true); let d = arguments[0].parentElement;"
                + " while (d) { if (d.tagName === 'DETAILS') d.open = true; d = d.parentElement; }", button);
        button.click();
        browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#key-view h3"),
                key));
        browser.waitUpTo(10).until(driver -> driver.findElements(By.cssSelector("#key-view .meta")).size() > 0);
        return browser.driver.findElement(By.id("key-view")).getText();
    }

    @Test
    void theCommandListJudgesEachCommandForTheSession() throws Exception {
        String token = SERVER.token("console");
        String readOnly = SERVER.ok("POST", "/v1/admin/sessions", new io.vertx.core.json.JsonObject()
                .put("userId", "reader").put("clientId", "console").put("readOnly", true)).getString("token");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var all = json.readTree(SERVER.http.send("GET", "/v1/redis/commands", token, (String) null).body())
                .get("commands");
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
        all.forEach(command -> byName.put(command.get("name").asText(), command));
        assertThat(byName).containsKeys("GET", "SET", "HGETALL", "FLUSHALL", "SELECT");
        assertThat(byName.get("GET").get("allowed").asBoolean()).isTrue();
        assertThat(byName.get("GET").at("/docs/summary").asText()).isNotBlank();
        assertThat(byName.get("GET").get("firstKey").asInt()).isEqualTo(1);
        assertThat(byName.get("FLUSHALL").get("allowed").asBoolean()).isFalse();
        assertThat(byName.get("FLUSHALL").get("refusal").asText()).contains("FLUSHALL");
        assertThat(byName.get("SELECT").get("allowed").asBoolean()).isFalse();
        var forReader = json.readTree(SERVER.http.send("GET", "/v1/redis/commands", readOnly, (String) null).body())
                .get("commands");
        forReader.forEach(command -> {
            if (command.get("name").asText().equals("SET")) {
                assertThat(command.get("allowed").asBoolean()).as("SET for a read-only session").isFalse();
            }
            if (command.get("name").asText().equals("GET")) {
                assertThat(command.get("allowed").asBoolean()).isTrue();
            }
        });
        assertThat(SERVER.http.send("GET", "/v1/redis/commands", "rcs_unknown", (String) null).status())
                .isEqualTo(401);
    }

    @Test
    void theConsoleIsLockedDown() {
        HttpTestClient.Response page = SERVER.http.send("GET", "/console/", null, (String) null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-security-policy").orElse(""))
                .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    private static void run(Browser browser, WebElement command, String text) {
        int before = browser.driver.findElements(By.cssSelector("#results > li")).size();
        command.clear();
        command.sendKeys(text);
        browser.driver.findElement(By.id("run")).click();
        browser.waitUpTo(10).until(driver -> driver.findElements(By.cssSelector("#results > li")).size() > before);
    }

    private static String latest(Browser browser) {
        return browser.driver.findElement(By.cssSelector("#results > li")).getText();
    }
}
