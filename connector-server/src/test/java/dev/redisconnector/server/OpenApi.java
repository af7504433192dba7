package dev.redisconnector.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a real HTTP response against the OpenAPI document: the status must be documented for the operation and the
 * body must match its JSON schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
final class OpenApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private OpenApi() {
    }

    static void validate(JsonNode spec, String path, String method, HttpTestClient.Response response) {
        String where = method.toUpperCase() + " " + path + " -> " + response.status() + " " + response.body();
        JsonNode operation = spec.path("paths").path(path).path(method);
        assertThat(operation.isMissingNode()).as("documented operation: " + where).isFalse();
        JsonNode responses = operation.path("responses");
        JsonNode documented = responses.path(Integer.toString(response.status()));
        if (documented.isMissingNode()) {
            documented = responses.path("default");
        }
        assertThat(documented.isMissingNode()).as("documented status: " + where).isFalse();
        documented = deref(spec, documented);
        JsonNode media = documented.path("content").path("application/json").path("schema");
        assertThat(media.isMissingNode()).as("documented JSON body: " + where).isFalse();
        // the schema with every component schema beside it, so its references resolve inside one document
        String text = JSON.writeValueAsString(media).replace("#/components/schemas/", "#/$defs/");
        ObjectNode schema = (ObjectNode) JSON.readTree(text);
        schema.set("$defs", JSON.readTree(JSON.writeValueAsString(spec.path("components").path("schemas"))
                .replace("#/components/schemas/", "#/$defs/")));
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        Schema compiled = SCHEMAS.getSchema(JSON.writeValueAsString(schema));
        List<Error> errors = compiled.validate(JSON.readTree(response.body()));
        assertThat(errors).as("the body matches the documented schema: " + where).isEmpty();
    }

    private static JsonNode deref(JsonNode spec, JsonNode node) {
        JsonNode ref = node.path("$ref");
        if (ref.isMissingNode()) {
            return node;
        }
        return spec.at(ref.asText().substring(1));
    }
}
