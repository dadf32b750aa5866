package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The served OpenAPI document is valid OpenAPI 3.1 and names exactly the routes the gateway mounts. */
@ExtendWith(VertxExtension.class)
class OpenApiDocumentTest {

  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  static GatewayVerticle gateway;
  static WebClient client;

  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(new JsonObject().put("CHAT_HTTP_PORT", port)))
      .await(20, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @Test
  void servedJsonIsAValidOpenApi31Document(Vertx vertx) throws Exception {
    HttpResponse<Buffer> r = client.get("/api/openapi.json").send().await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
    JsonObject document = r.bodyAsJsonObject();
    assertEquals("3.1.0", document.getString("openapi"));
    // Valid against the OpenAPI 3.1 schema, and every $ref resolves.
    JsonObject resolved = OpenApiDocument.validate(vertx, document).await(20, TimeUnit.SECONDS);
    assertTrue(resolved.getJsonObject("paths").size() > 20);
    assertEquals(document, OpenApiDocument.parseYaml(
      client.get("/api/openapi.yaml").send().await(10, TimeUnit.SECONDS).body()));
  }

  @Test
  void yamlIsServedToo() throws Exception {
    HttpResponse<Buffer> r = client.get("/api/openapi.yaml").send().await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertTrue(r.bodyAsString().startsWith("openapi: 3.1.0"));
  }

  @Test
  void everyMountedRouteIsDocumentedAndEveryDocumentedRouteIsMounted() throws Exception {
    Set<String> mounted = new TreeSet<>();
    for (Route route : gateway.router().getRoutes()) {
      // Routes without methods are middleware and catch-alls (body, session, CSRF, the bridge
      // mount, static files, the 404 of /api/*); they are not operations.
      if (route.methods() == null || route.methods().isEmpty() || route.getPath() == null) {
        continue;
      }
      assertTrue(route.isExactPath(), "wildcard route with a method: " + route.getPath());
      for (HttpMethod method : route.methods()) {
        mounted.add(method.name() + " " + route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
      }
    }
    JsonObject paths = client.get("/api/openapi.json").send().await(10, TimeUnit.SECONDS)
      .bodyAsJsonObject().getJsonObject("paths");
    Set<String> documented = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (OPERATIONS.contains(key)) {
          documented.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    assertEquals(mounted, documented);
  }
}
