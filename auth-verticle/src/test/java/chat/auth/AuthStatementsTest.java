package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.shared.Settings;
import chat.testing.StatementCheck;
import chat.testing.TestPostgres;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every statement of the selected {@link AuthStore}, in its dialect, is accepted by that store's
 * real server on the migrated schema ({@link StatementCheck}); statements added to AuthStore later
 * are found by reflection and checked too.
 */
class AuthStatementsTest extends AuthServiceTestBase {

  @Test
  void everyStatementPreparesOnTheSelectedStore() throws Exception {
    AuthStore store = AuthStore.of(new Settings(config));   // the deployed verticle migrated it
    Map<String, String> texts = new LinkedHashMap<>();
    for (Method m : AuthStore.class.getDeclaredMethods()) {
      if (m.getReturnType() != String.class || Modifier.isStatic(m.getModifiers()) || Modifier.isPrivate(m.getModifiers())
        || m.getName().equals("toString")) {
        continue;
      }
      m.setAccessible(true);
      Class<?>[] params = m.getParameterTypes();
      if (params.length == 0) {
        texts.put(m.getName(), (String) m.invoke(store));
      } else if (params.length == 1 && params[0] == int.class) {
        for (int count : new int[] {1, 3}) {
          texts.put(m.getName() + "(" + count + ")", (String) m.invoke(store, count));
        }
      } else {
        throw new AssertionError("no arguments known for AuthStore." + m.getName() + ": add them here");
      }
    }
    texts.values().removeIf(text -> text == null);   // lockUsers on SQLite: BEGIN IMMEDIATE locked already
    assertTrue(texts.size() > 12, () -> "statements found: " + texts.keySet());
    try (Connection conn = connect(config)) {
      assertEquals(List.of(), StatementCheck.refused(conn, TestPostgres.selected(), texts));
      // The check is real: a statement naming what the schema lacks is refused.
      assertEquals(1, StatementCheck.refused(conn, TestPostgres.selected(),
        Map.of("broken", "SELECT no_such_column FROM users")).size());
    }
  }
}
