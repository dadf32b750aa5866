package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Addresses;
import chat.shared.ErrorCode;
import chat.shared.ServiceError;
import chat.shared.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An upload claimed by a send on this instance and attached meanwhile by another writer (on
 * PostgreSQL: the same upload sent at once through another chat instance; here the other writer
 * is a plain connection to the store) fails that send with 400, not its whole batch with 500:
 * the other sends of the batch are stored.
 */
class AttachedMeanwhileTest extends ChatTestBase {

  /** Long enough that the other writer attaches the upload before the batch commits. */
  private static final int COMMIT_WINDOW_MS = 1_500;

  @Override
  JsonObject config() {
    return super.config().put(Settings.COMMIT_WINDOW_MS, COMMIT_WINDOW_MS);
  }

  @Test
  void aSendWhoseUploadWasAttachedMeanwhileIsRefusedAndTheRestOfItsBatchIsStored() throws Exception {
    long chatId = createChat(ALICE, "files", BOB).getLong("id");
    long earlier = send(ALICE, chatId, "an earlier message").getLong("id");
    long upload;
    try (Connection c = database(); PreparedStatement insert = c.prepareStatement("INSERT INTO attachments"
      + " (chat_id, uploader_id, message_id, filename, content_type, size, sha256, created_at)"
      + " VALUES (?, ?, NULL, 'a.txt', 'text/plain; charset=utf-8', 1, ?, ?)")) {
      insert.setLong(1, chatId);
      insert.setLong(2, ALICE);
      insert.setString(3, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
      insert.setLong(4, System.currentTimeMillis());
      insert.executeUpdate();
      upload = queryLong("SELECT MAX(id) FROM attachments");
    }

    Future<JsonObject> carrying = bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(ALICE, chatId, "with the file")
      .put("attachment_ids", new JsonArray().add(upload)));
    Future<JsonObject> plain = bus.request(Addresses.CHAT_MESSAGE_SEND, sendRequest(BOB, chatId, "plain"));
    // The sends were accepted (the upload checked and claimed) and wait for their batch; another
    // writer attaches the upload now.
    Thread.sleep(300);
    try (Connection c = database(); PreparedStatement link = c.prepareStatement(
      "UPDATE attachments SET message_id = ? WHERE id = ?")) {
      link.setLong(1, earlier);
      link.setLong(2, upload);
      assertEquals(1, link.executeUpdate());
    }

    ServiceError refused = assertThrows(ServiceError.class, () -> await(carrying));
    assertEquals(ErrorCode.VALIDATION, refused.code(), String.valueOf(refused));
    assertTrue(refused.getMessage().contains("attached to another message") || String.valueOf(refused.fields())
      .contains("attached to another message"), "refused by the batch, not when accepted: " + refused);
    assertEquals("plain", await(plain).getString("content"));
    List<JsonObject> stored = allMessages(BOB, chatId);
    assertEquals(List.of("an earlier message", "plain"), stored.stream().map(m -> m.getString("content")).toList());
    // The seq stays gapless: the rolled-back batch took none.
    assertEquals(stored.get(0).getLong("seq") + 1, stored.get(1).getLong("seq"));
  }
}
