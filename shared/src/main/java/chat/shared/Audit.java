package chat.shared;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;

/**
 * The audit log of administration actions. Each service records the actions it performs in its
 * own {@code audit_log} table, in the same transaction as the change; the gateway merges the
 * services' entries, newest first. An entry: {@code {id, service, actor:{id, username}, action,
 * target, details:{..}, created_at}}; ids are per service.
 */
public final class Audit {

  public static final String SERVICE_AUTH = "auth";
  public static final String SERVICE_CHAT = "chat";

  /** A user's type or active flag changed; target {@code user:{id}}. */
  public static final String USER_UPDATE = "user.update";
  /** An owner added a participant; target {@code chat:{id}}. */
  public static final String CHAT_PARTICIPANT_ADD = "chat.participant.add";
  /** An owner removed a participant; target {@code chat:{id}}. */
  public static final String CHAT_PARTICIPANT_REMOVE = "chat.participant.remove";
  /** An owner deleted a chat with its participants and messages; target {@code chat:{id}}. */
  public static final String CHAT_DELETE = "chat.delete";
  /** An owner deleted messages in bulk; target {@code messages}. */
  public static final String MESSAGES_DELETE = "messages.delete";

  /** Most entries a service returns for one listing (the gateway's merge asks page * page_size of each). */
  public static final int MAX_LIMIT = 10_000;

  /** Newest first: created_at descending (ISO text sorts as time), then service, then id descending. */
  public static final Comparator<JsonObject> NEWEST_FIRST = Comparator
    .comparing((JsonObject e) -> e.getString("created_at", ""), Comparator.reverseOrder())
    .thenComparing(e -> e.getString("service", ""))
    .thenComparing(e -> e.getLong("id", 0L), Comparator.reverseOrder());

  private Audit() {
  }

  public static String userTarget(long userId) {
    return "user:" + userId;
  }

  public static String chatTarget(long chatId) {
    return "chat:" + chatId;
  }

  /** One entry as the services reply it; {@code detailsJson} is the stored JSON text. */
  public static JsonObject entry(long id, String service, long actorId, String actorUsername, String action,
                                 String target, String detailsJson, String createdAt) {
    JsonObject details;
    try {
      details = detailsJson == null ? new JsonObject() : new JsonObject(detailsJson);
    } catch (DecodeException e) {
      details = new JsonObject().put("raw", detailsJson);
    }
    return new JsonObject()
      .put("id", id)
      .put("service", service)
      .put("actor", new Actor(actorId, actorUsername).toJson())
      .put("action", action)
      .put("target", target)
      .put("details", details)
      .put("created_at", createdAt);
  }
}
