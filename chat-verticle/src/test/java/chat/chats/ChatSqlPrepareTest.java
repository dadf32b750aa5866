package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import chat.testing.StatementCheck;
import chat.testing.TestPostgres;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every statement of {@link ChatSql}, as the selected store's dialect writes it, is accepted by
 * that store's real server on the migrated schema ({@link StatementCheck}). Statements added to
 * {@link ChatSql} later are found by reflection and checked too.
 */
class ChatSqlPrepareTest extends ChatTestBase {

  /** Parts of other statements, checked inside them (sentBy: in countMessages and pageMessages with a sender). */
  private static final Set<String> FRAGMENTS = Set.of("sentBy");

  /** The rows the Rows-answering methods of ChatSql are checked with (one of each). */
  private static final Map<String, Object> ROWS = Map.of(
    "insertMessages", List.of(new StoredMessage(1, 1, 1, "hi", 1, null, 1, 1, null, null)),
    "insertEvents", List.of(new ChatLog.Entry(1, 1, ChatLog.Kind.MESSAGE, 1L, null, null, 1)),
    "advanceChats", Map.of(1L, new ChatStore.Advance(1, 1, 1)),
    "moveMarkers", List.of(new ChatStore.Marker(1, 1, 1, 1, 1)),
    "linkAttachments", List.<long[]>of(new long[] {1, 1}));

  /** Each String-answering method of ChatSql, with the lengths and filters its callers use, and each Rows' statement. */
  private static Map<String, String> statements(ChatSql sql) throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    for (Method m : ChatSql.class.getMethods()) {
      if (m.getReturnType() == ChatSql.Rows.class) {
        if (!ROWS.containsKey(m.getName())) {
          throw new AssertionError("no rows known for ChatSql." + m.getName() + ": add them here");
        }
        texts.put(m.getName(), ((ChatSql.Rows) m.invoke(sql, ROWS.get(m.getName()))).sql());
        continue;
      }
      if (m.getReturnType() != String.class || FRAGMENTS.contains(m.getName())) {
        continue;
      }
      Class<?>[] params = m.getParameterTypes();
      if (params.length == 0) {
        texts.put(m.getName(), (String) m.invoke(sql));
      } else if (params.length == 1 && params[0] == int.class) {
        for (int count : new int[] {1, 3}) {
          texts.put(m.getName() + "(" + count + ")", (String) m.invoke(sql, count));
        }
      } else if (params.length == 1 && params[0] == AdminStore.MessageFilter.class) {
        for (AdminStore.MessageFilter filter : List.of(new AdminStore.MessageFilter(0, 0, null, null),
          new AdminStore.MessageFilter(1, 2, 3L, 4L), new AdminStore.MessageFilter(0, 2, null, 4L))) {
          texts.put(m.getName() + filter, (String) m.invoke(sql, filter));
        }
      } else {
        throw new AssertionError("no arguments known for ChatSql." + m.getName() + ": add them here");
      }
    }
    return texts;
  }

  @Test
  void everyStatementPreparesOnTheSelectedStore() throws Exception {
    ChatSql sql = ChatDatabase.of(new Settings(config())).sql();   // the deployed verticle migrated the store
    Map<String, String> texts = statements(sql);
    texts.put("messageIds", TestPostgres.selected() ? PostgresChatSql.NEXT_MESSAGE_IDS : SqliteChatSql.LAST_MESSAGE_ID);
    assertTrue(texts.size() > 60, () -> "statements found: " + texts.keySet());
    try (Connection conn = database()) {
      assertEquals(List.of(), StatementCheck.refused(conn, TestPostgres.selected(), texts));
      // The check is real: a statement naming what the schema lacks is refused.
      assertEquals(1, StatementCheck.refused(conn, TestPostgres.selected(),
        Map.of("broken", sql.dialect().sql("SELECT no_such_column FROM chats WHERE id = ?"))).size());
    }
  }
}
