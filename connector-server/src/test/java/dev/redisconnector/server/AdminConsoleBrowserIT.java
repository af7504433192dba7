package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redisconnector.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's operator pages in a real browser, signed in with the admin token: create a service with its policy,
 * set credentials and see the connection test fail step by step on a wrong password and pass on the right one; issue
 * a session (token shown once), see the audit trail show what it ran, revoke it; the live overview draws its charts;
 * no console error. Screenshots in target/screenshots.
 */
class AdminConsoleBrowserIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().password("right-password").build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().build();

    @Test
    void servicesCredentialsConnectionTestSessionsAuditAndOverview() {
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        try (Browser browser = new Browser(1280, 1000)) {
            browser.driver.get(origin + "/console");
            signInAsOperator(browser);
            assertThat(browser.driver.findElement(By.cssSelector("#tabs button[data-page=workbench]")).isDisplayed())
                    .as("no session token: no user pages").isFalse();

            // only the chosen mode's fields show
            assertThat(browser.driver.findElement(By.id("svc-master")).isDisplayed()).isFalse();
            new Select(browser.driver.findElement(By.id("svc-mode"))).selectByVisibleText("sentinel");
            assertThat(browser.driver.findElement(By.id("svc-master")).isDisplayed()).isTrue();
            assertThat(browser.driver.findElement(By.id("svc-host")).isDisplayed()).isFalse();
            // a service with a key namespace, previewed before it is saved
            type(browser, "svc-client", "shop");
            new Select(browser.driver.findElement(By.id("svc-mode"))).selectByVisibleText("standalone");
            type(browser, "svc-host", "127.0.0.1");
            type(browser, "svc-port", Integer.toString(REDIS.port()));
            type(browser, "pol-prefixes", "shop:");
            assertThat(browser.driver.findElement(By.id("policy-preview")).getText()).contains("shop:*");
            browser.driver.findElement(By.id("svc-save")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-status"),
                    "Saved shop"));
            browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#services-table tr[data-client=shop]")));

            // a wrong password: the test says where it failed; then the right one
            type(browser, "cred-password", "wrong-password");
            browser.driver.findElement(By.id("cred-save")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-status"),
                    "Credentials of shop set"));
            browser.driver.findElement(By.cssSelector("#services-table button.test[data-client=shop]")).click();
            browser.waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-report"),
                    "REDIS_AUTH_FAILED"));
            assertThat(browser.driver.findElement(By.id("test-report")).getText()).contains("reachable")
                    .doesNotContain("wrong-password");
            browser.screenshot("console-services-test-failed");
            type(browser, "cred-password", "right-password");
            browser.driver.findElement(By.id("cred-save")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-status"),
                    "a password"));
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#services-table button.test[data-client=shop]"))).click();
            browser.waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-report"),
                    "authenticated"));
            assertThat(browser.driver.findElement(By.id("test-report")).getText()).contains("Redis 7")
                    .contains("latency");
            assertThat(browser.driver.getPageSource()).doesNotContain("right-password");

            // a session: the token is shown once; it runs a command; the audit trail shows it; then it is revoked
            browser.driver.findElement(By.cssSelector("#tabs button[data-page=sessions]")).click();
            type(browser, "ses-user", "alice");
            type(browser, "ses-client", "shop");
            browser.driver.findElement(By.id("ses-issue")).click();
            WebElement issued = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("issued-token")));
            String token = issued.getAttribute("value");
            assertThat(token).startsWith("rcs_");
            assertThat(SERVER.http.command(token, "FLUSHALL").status()).isEqualTo(403);
            browser.screenshot("console-sessions");

            // what the workbench runs with that session shows in the audit trail
            browser.driver.findElement(By.id("sign-out")).click();
            browser.waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            WebElement command = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("command")));
            command.clear();
            command.sendKeys("SET shop:order paid");
            browser.driver.findElement(By.id("run")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("results"), "OK"));
            browser.driver.findElement(By.id("sign-out")).click();
            signInAsOperator(browser);

            browser.driver.findElement(By.cssSelector("#tabs button[data-page=audit]")).click();
            type(browser, "aud-client", "shop");
            browser.driver.findElement(By.id("aud-search")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"),
                    "FLUSHALL"));
            assertThat(browser.driver.findElement(By.id("audit-table")).getText()).contains("SET").contains("alice")
                    .contains("COMMAND_NOT_ALLOWED");
            browser.screenshot("console-audit");

            browser.driver.findElement(By.cssSelector("#tabs button[data-page=sessions]")).click();
            type(browser, "ses-client", "shop");
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#sessions-table button.revoke:not([disabled])"))).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("sessions-table"),
                    "revoked"));
            assertThat(SERVER.http.command(token, "GET", "shop:order").status()).isEqualTo(401);

            browser.driver.findElement(By.cssSelector("#tabs button[data-page=overview]")).click();
            for (int i = 0; i < 10; i++) {
                SERVER.http.command(SERVER.session("shop"), "GET", "shop:order");
            }
            browser.waitUpTo(15).until(driver -> driver.findElements(By.cssSelector("#chart-rate polyline")).size() == 1
                    && !driver.findElement(By.id("now-rate")).getText().isEmpty());
            assertThat(browser.driver.findElement(By.id("now-connections")).getText()).contains("connections");
            browser.waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("now-latency"), "p99"));
            browser.screenshot("console-overview");

            browser.driver.findElement(By.id("sign-out")).click();
            browser.waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
            assertThat(browser.driver.executeScript("return sessionStorage.getItem('rc.console.admin')")).isNull();
            assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
        }
    }

    @Test
    void aMutualTlsServiceFromUploadedCaAndClientCertificateFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.redisconnector.testing.TlsFiles tls = dev.redisconnector.testing.TlsFiles.generate(dir.resolve("pki"));
        dev.redisconnector.testing.RedisServerProcess redis = dev.redisconnector.testing.RedisServerProcess.start(
                tls.serverConfig(true), dir.resolve("mtls"), dev.redisconnector.testing.RedisServerProcess.Kind.TLS);
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), tls.caPem());
        java.nio.file.Path certificate = java.nio.file.Files.writeString(dir.resolve("client.crt"),
                tls.clientCertificatePem());
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("client.key"), tls.clientKeyPem());
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        try (Browser browser = new Browser(1280, 1000)) {
            browser.driver.get(origin + "/console");
            browser.driver.executeScript("sessionStorage.clear()");
            browser.driver.navigate().refresh();
            signInAsOperator(browser);
            type(browser, "svc-client", "mtls");
            new Select(browser.driver.findElement(By.id("svc-mode"))).selectByVisibleText("standalone");
            type(browser, "svc-host", "localhost");
            type(browser, "svc-port", Integer.toString(redis.port()));
            browser.driver.findElement(By.id("svc-tls")).click();
            browser.driver.findElement(By.id("svc-ca")).sendKeys(ca.toString());
            browser.driver.findElement(By.id("svc-save")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-status"),
                    "Saved mtls"));
            type(browser, "cred-client", "mtls");
            browser.driver.findElement(By.id("cred-cert")).sendKeys(certificate.toString());
            browser.driver.findElement(By.id("cred-key")).sendKeys(key.toString());
            browser.driver.findElement(By.id("cred-none")).click();
            browser.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-status"),
                    "Credentials of mtls set"));
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#services-table button.test[data-client=mtls]"))).click();
            browser.waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-report"),
                    "authenticated"));
            assertThat(browser.driver.findElement(By.id("test-report")).getText()).contains("TLS");
            assertThat(browser.driver.getPageSource()).doesNotContain("PRIVATE KEY");
            browser.screenshot("console-services-mtls");
            assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
        } finally {
            redis.stop();
        }
    }

    /** Signs in on the sign-in page with the admin token and waits for the services page. */
    private static void signInAsOperator(Browser browser) {
        browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")))
                .sendKeys(ConnectorServerExtension.ADMIN);
        browser.driver.findElement(By.cssSelector("#admin-sign-in-form button[type=submit]")).click();
        browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("services")));
    }

    private static void type(Browser browser, String id, String text) {
        WebElement input = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        input.clear();
        input.sendKeys(text);
    }
}
