package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redisconnector.testing.RedisServerExtension;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * {@code /docs} in a real browser: Swagger UI from the jar over {@code /openapi.json}, the session token entered in
 * its Authorize dialog, {@code PING} run through "Try it out"; no console error, nothing loaded from another origin,
 * and the document has an example request and response for every operation.
 */
class DocsBrowserIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.builder().build();

    @RegisterExtension
    static final ConnectorServerExtension SERVER = ConnectorServerExtension.builder().client("docs", REDIS).build();

    @Test
    void tryItOutRunsPingWithTheTokenFromTheAuthorizeDialog() {
        String token = SERVER.token("docs");
        String origin = "http://127.0.0.1:" + SERVER.server.port();
        try (Browser browser = new Browser(1280, 900)) {
            browser.driver.get(origin + "/docs");
            browser.waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".swagger-ui .info .title"), "redis-connector"));
            browser.screenshot("docs-overview");

            browser.driver.findElement(By.cssSelector(".swagger-ui .auth-wrapper .authorize")).click();
            WebElement sessionScheme = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath("//div[contains(@class,'auth-container')][.//h4[contains(.,'session')]]")));
            sessionScheme.findElement(By.cssSelector("input[type=text], input[type=password]")).sendKeys(token);
            sessionScheme.findElement(By.cssSelector("button.authorize")).click();
            browser.driver.findElement(By.cssSelector(".dialog-ux .close-modal")).click();

            String operation = "//div[contains(@class,'opblock-post')][.//span[@data-path='/v1/redis/execute']]";
            WebElement execute = browser.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath(operation)));
            execute.findElement(By.cssSelector(".opblock-summary")).click();
            // the operation opens asynchronously: wait for each control by locator, not by a found element
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(
                    By.xpath(operation + "//button[contains(@class,'try-out__btn')]"))).click();
            WebElement body = browser.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath(operation + "//textarea[contains(@class,'body-param__text')]")));
            body.clear();
            body.sendKeys("{\"inputs\": {\"command\": \"PING\"}}");
            browser.waitUpTo(10).until(ExpectedConditions.elementToBeClickable(
                    By.xpath(operation + "//button[contains(@class,'execute')]"))).click();
            browser.waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.xpath(
                    "//div[contains(@class,'opblock-post')][.//span[@data-path='/v1/redis/execute']]"
                            + "//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,'response-col_status')]"),
                    "200"));
            String responseBody = execute.findElement(By.cssSelector(
                    ".live-responses-table .response-col_description pre.microlight")).getText();
            assertThat(responseBody).contains("\"output1\"").contains("PONG");
            browser.driver.executeScript("arguments[0].scrollIntoView({block: 'center'});",
                    execute.findElement(By.cssSelector(".live-responses-table")));
            browser.screenshot("docs-try-it-out");

            assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
            assertThat(browser.loadedUrls()).as("everything comes from the server itself")
                    .allSatisfy(url -> assertThat(url).startsWith(origin + "/"));
        }
    }

    @Test
    void everyOperationHasAnExampleRequestAndResponse() throws Exception {
        HttpTestClient.Response document = SERVER.http.send("GET", "/openapi.json", null, (String) null);
        JsonNode spec = new ObjectMapper().readTree(document.body());
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!List.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode request = op.getValue().path("requestBody").path("content");
                if (!request.isMissingNode()) {
                    assertThat(request.findValue("example")).as(name + ": an example request").isNotNull();
                }
                boolean responseExample = false;
                for (Iterator<Map.Entry<String, JsonNode>> responses = op.getValue().get("responses").fields();
                     responses.hasNext(); ) {
                    Map.Entry<String, JsonNode> response = responses.next();
                    responseExample |= response.getKey().startsWith("2")
                            && response.getValue().path("content").findValue("example") != null;
                }
                assertThat(responseExample).as(name + ": an example success response").isTrue();
            }
        }
        assertThat(spec.at("/components/responses/Error/content/application~1json/example/error/code").asText())
                .isNotEmpty();
    }

    @Test
    void theDocsPagesAreLockedDown() {
        HttpTestClient.Response page = SERVER.http.send("GET", "/docs/", null, (String) null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-security-policy").orElse(""))
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        for (String hostile : List.of("/docs/%2e%2e/pom.xml", "/docs/.hidden",
                "/docs/META-INF/MANIFEST.MF", "/docs/nothing-here.js")) {
            HttpTestClient.Response refused = SERVER.http.send("GET", hostile, null, (String) null);
            assertThat(refused.status()).as(hostile).isIn(400, 404);
            assertThat(refused.body()).as(hostile).doesNotContain("Manifest-Version");
        }
    }
}
