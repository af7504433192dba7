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
