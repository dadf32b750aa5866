package chat.chats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attachments' metadata rows on the chat store (statements in {@link ChatSql}'s attachments
 * block). Reads run on the reader pool; writes take the caller's transaction.
 */
final class AttachmentStore {

  private final Pool reader;
  private final ChatSql sql;

  AttachmentStore(Pool reader, ChatSql sql) {
    this.reader = reader;
    this.sql = sql;
  }

  /** Inserts an upload's row; its id. */
  Future<Long> insert(SqlConnection tx, long chatId, long uploaderId, String filename, String contentType, long size,
                      String sha256, long now) {
    return tx.preparedQuery(sql.insertAttachment())
      .execute(Tuple.of(chatId, uploaderId, filename, contentType, size, sha256, now))
      .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** The attachment of that chat, or null. */
  Future<AttachmentRow> ofChat(long attachmentId, long chatId) {
    return reader.preparedQuery(sql.attachmentOfChat())
      .execute(Tuple.of(attachmentId, chatId))
      .map(rows -> rows.size() == 0 ? null : row(rows.iterator().next()));
  }

  /** Attachments by id (unknown ids absent). */
  Future<Map<Long, AttachmentRow>> byIds(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return reader.preparedQuery(sql.attachmentsOf(ids.size()))
      .execute(sql.ids(ids))
      .map(rows -> {
        Map<Long, AttachmentRow> found = new HashMap<>();
        rows.forEach(row -> found.put(row.getLong("id"), row(row)));
        return found;
      });
  }

  /** Per message, its attachments as message objects show them (messages without any are absent). */
  Future<Map<Long, JsonArray>> ofMessages(Collection<Long> messageIds) {
    return ofMessages(reader, messageIds);
  }

  Future<Map<Long, JsonArray>> ofMessages(SqlClient client, Collection<Long> messageIds) {
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery(sql.attachmentsOfMessages(messageIds.size()))
      .execute(sql.ids(messageIds))
      .map(rows -> {
        Map<Long, JsonArray> byMessage = new LinkedHashMap<>();
        rows.forEach(row -> byMessage.computeIfAbsent(row.getLong("message_id"), id -> new JsonArray())
          .add(Views.attachment(row(row))));
        return byMessage;
      });
  }

  /**
   * Attaches uploads to new messages ({message_id, attachment_id} pairs, {@link ChatSql#linkAttachments}); how many
   * were still unattached.
   */
  Future<Integer> link(SqlConnection tx, List<long[]> links) {
    return sql.linkAttachments(links).changed(tx);
  }

  /** Removes a message's attachments; the SHA-256s they named. */
  Future<List<String>> deleteOfMessage(SqlConnection tx, long messageId) {
    return tx.preparedQuery(sql.deleteAttachmentsOfMessage()).execute(Tuple.of(messageId)).map(AttachmentStore::shas);
  }

  /** Removes every attachment of a chat (attached or not); the SHA-256s they named. */
  Future<List<String>> deleteOfChat(SqlConnection tx, long chatId) {
    return tx.preparedQuery(sql.deleteAttachmentsOfChat()).execute(Tuple.of(chatId)).map(AttachmentStore::shas);
  }

  /** Whether an attachment (committed) still names these bytes. */
  Future<Boolean> shaInUse(SqlClient client, String sha256) {
    return client.preparedQuery(sql.attachmentShaInUse()).execute(Tuple.of(sha256)).map(rows -> rows.size() > 0);
  }

  Future<Boolean> shaInUse(String sha256) {
    return shaInUse(reader, sha256);
  }

  /** Ids of unattached uploads created before the bound, oldest first. */
  Future<List<Long>> unattachedBefore(long bound, int limit) {
    return reader.preparedQuery(sql.unattachedBefore()).execute(Tuple.of(bound, limit)).map(rows -> {
      List<Long> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getLong("id")));
      return ids;
    });
  }

  /** Removes an upload if it is still unattached; the SHA-256 it named (none when it got attached). */
  Future<List<String>> deleteUnattached(SqlConnection tx, long id) {
    return tx.preparedQuery(sql.deleteUnattached()).execute(Tuple.of(id)).map(AttachmentStore::shas);
  }

  /** Every SHA-256 named by an attachment. */
  Future<List<String>> allShas() {
    return reader.query(sql.attachmentShas()).execute().map(AttachmentStore::shas);
  }

  private static List<String> shas(RowSet<Row> rows) {
    List<String> shas = new ArrayList<>(rows.size());
    rows.forEach(row -> shas.add(row.getString("sha256")));
    return shas;
  }

  static AttachmentRow row(Row row) {
    return new AttachmentRow(row.getLong("id"), row.getLong("chat_id"), row.getLong("uploader_id"),
      row.getLong("message_id"), row.getString("filename"), row.getString("content_type"), row.getLong("size"),
      row.getString("sha256"), row.getLong("created_at"));
  }
}
