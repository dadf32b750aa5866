package chat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI 3.1 document of the REST API ({@code openapi/chatbus.yaml} on the classpath),
 * served as {@code /api/openapi.json} and {@code /api/openapi.yaml}. It is validated at start
 * against the OpenAPI 3.1 schema (vertx-openapi's, with every {@code $ref} resolved), so a broken
 * document stops the gateway from starting instead of being served. A test checks that it lists
 * exactly the routes the gateway mounts.
 *
 * <p>Only the schema validation of vertx-openapi is used: its {@code OpenAPIContract} also
 * refuses media types it cannot validate requests for ({@code text/html}, {@code application/yaml}),
 * which this document rightly names.
 */
final class OpenApiDocument {

  static final String RESOURCE = "openapi/chatbus.yaml";
  private static final String BASE_URI = "app://";

  private final Buffer json;
  private final Buffer yaml;

  private OpenApiDocument(JsonObject document, Buffer yaml) {
    this.json = document.toBuffer();
    this.yaml = yaml;
  }

  static Future<OpenApiDocument> load(Vertx vertx) {
    return vertx.fileSystem().readFile(RESOURCE).compose(yaml -> {
      JsonObject document = parseYaml(yaml);
      return validate(vertx, document).map(resolved -> new OpenApiDocument(document, yaml));
    });
  }

  /**
   * The document with every reference resolved, or a failure naming what is invalid. Works on a
   * copy: the schema repository marks the objects it is given.
   */
  static Future<JsonObject> validate(Vertx vertx, JsonObject original) {
    JsonObject document = original.copy();
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    return version.getRepository(vertx, BASE_URI).compose(repository ->
      version.validateContract(vertx, repository, document).compose(result -> {
        try {
          result.checkValidity();
        } catch (JsonSchemaValidationException e) {
          return Future.failedFuture(new IllegalStateException(
            RESOURCE + " is not a valid OpenAPI document: " + e.getMessage() + " at " + e.location(), e));
        }
        return version.resolve(vertx, repository, document);
      }));
  }

  static JsonObject parseYaml(Buffer yaml) {
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString());
    // Through text, so nested maps and lists become JsonObject and JsonArray.
    return new JsonObject(new JsonObject(tree).encode());
  }

  void mount(Router router) {
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-cache")
      .end(json));
    router.get("/api/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/yaml; charset=utf-8")
      .putHeader("Cache-Control", "no-cache")
      .end(yaml));
  }
}
