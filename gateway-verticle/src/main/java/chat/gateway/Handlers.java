package chat.gateway;

import chat.shared.ServiceError;
import chat.shared.validation.Ids;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.OptionalLong;
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

  /** Like {@link #json} for an operation whose success has no body (204 No Content). */
  static Handler<RoutingContext> noContent(Function<RoutingContext, Future<?>> operation) {
    return ctx -> {
      Future<?> result;
      try {
        result = operation.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /** A positive id from the path; anything else is "not found", as an unknown id would be. */
  static long pathId(RoutingContext ctx, String name) {
    return pathId(ctx, name, "chatId".equals(name) ? "Chat" : "Participant");
  }

  /** The same, naming {@code what} was not found. */
  static long pathId(RoutingContext ctx, String name, String what) {
    OptionalLong id = Ids.parse(ctx.pathParam(name));
    if (id.isEmpty()) {
      throw ServiceError.notFound(what);
    }
    return id.getAsLong();
  }
}
