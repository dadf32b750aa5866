package chat.gateway;

import chat.shared.ServiceError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Adapts an asynchronous operation to a route handler: success is JSON, failure goes to {@link HttpErrors}. */
final class Handlers {

  private Handlers() {
  }

  static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<JsonObject>> operation) {
    return ctx -> {
      Future<JsonObject> result;
      try {
        result = operation.apply(ctx);
      } catch (ServiceError e) {
        ctx.fail(e);
        return;
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          Json.send(ctx, status, ar.result());
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /** A positive id from the path; anything else is "not found", as an unknown id would be. */
  static long pathId(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    if (raw == null || !raw.matches("[1-9][0-9]{0,17}")) {
      throw ServiceError.notFound("chatId".equals(name) ? "Chat" : "Participant");
    }
    return Long.parseLong(raw);
  }
}
