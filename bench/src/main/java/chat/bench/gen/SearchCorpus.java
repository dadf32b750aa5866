package chat.bench.gen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S12's corpus: {@code java -jar bench.jar corpus --data-dir DIR [--messages 1000000] ...} writes
 * generated users, chats, participants and messages (with their feed events and per-chat
 * counters, as the service would have written them) straight into the chat service's SQLite file
 * {@code DIR/chat.db} (or, with {@code --pg-url postgresql://user:password@host:port/db}, into the
 * schema {@code chat} of that database), already migrated by a first start of the system and
 * stopped since. The
 * search index fills through the V6 triggers as in production. Words follow a Zipf distribution
 * over a generated vocabulary ({@link #vocabulary}, one word in ten accented), so queries can
 * pick common, rare and accented words; the searcher (user {@link #searcherId}, registered over
 * REST as {@link #SEARCHER} by S12 on the fresh system, which gives it that id) is in
 * {@link #searcherChats} of the {@link #chats} chats. Deterministic for a seed.
 */
public final class SearchCorpus {

  private static final Logger LOG = LoggerFactory.getLogger(SearchCorpus.class);

  public static final String SEARCHER = "s12searcher";
  public static final long SEED = 12;
  public static final int VOCABULARY = 4000;
  public static final double ZIPF_S = 1.0;

  public long messages = 1_000_000;
  public int users = 2000;
  public int chats = 5000;
  public int searcherChats = 50;
  public long searcherId = 1;
  public int minParticipants = 3;
  public int maxParticipants = 12;

  private static final String[] SYLLABLES = {
    "ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "du", "fa", "fe", "fi", "fo", "ga", "ge", "go", "ka",
    "ke", "ki", "ko", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "pa",
    "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve",
    "vi", "vo", "za", "ze", "tra", "pro", "ster", "lin", "mar", "con", "ent", "ion", "ca", "co", "cu", "nu"};
  private static final String[][] ACCENTS = {{"e", "é"}, {"a", "à"}, {"u", "ü"}, {"o", "ö"}, {"c", "ç"}, {"n", "ñ"},
    {"i", "î"}, {"e", "è"}};

  /** The vocabulary by rank (rank 1 first): distinct generated words, every tenth with an accent. */
  public static List<String> vocabulary() {
    Random random = new Random(SEED);
    Set<String> words = new LinkedHashSet<>();
    while (words.size() < VOCABULARY) {
      int syllables = 1 + random.nextInt(3);
      StringBuilder w = new StringBuilder();
      for (int i = 0; i < syllables; i++) {
        w.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      String word = w.toString();
      if (words.size() % 10 == 9) {
        for (String[] accent : ACCENTS) {
          int at = word.indexOf(accent[0]);
          if (at >= 0) {
            word = word.substring(0, at) + accent[1] + word.substring(at + 1);
            break;
          }
        }
      }
      words.add(word);
    }
    return new ArrayList<>(words);
  }

  /** Draws ranks (0-based) from Zipf(s) over n items. */
  public static final class Zipf {
    private final double[] cumulative;

    public Zipf(int n, double s) {
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cumulative[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cumulative[i] /= sum;
      }
    }

    public int next(Random random) {
      int i = Arrays.binarySearch(cumulative, random.nextDouble());
      return Math.min(cumulative.length - 1, i < 0 ? -i - 1 : i);
    }
  }

  public static int main(Cli cli) throws Exception {
    SearchCorpus corpus = new SearchCorpus();
    Path dataDir = Path.of(cli.string("data-dir", ""));
    corpus.messages = cli.longValue("messages", corpus.messages);
    corpus.users = cli.integer("users", corpus.users);
    corpus.chats = cli.integer("chats", corpus.chats);
    corpus.searcherChats = cli.integer("searcher-chats", corpus.searcherChats);
    corpus.searcherId = cli.longValue("searcher-id", corpus.searcherId);
    String pgUrl = cli.string("pg-url", "");
    cli.rejectUnknown();
    if (!pgUrl.isEmpty()) {
      java.net.URI uri = java.net.URI.create(pgUrl);
      String[] userInfo = uri.getRawUserInfo() == null ? new String[] {"", ""} : uri.getRawUserInfo().split(":", 2);
      String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + uri.getPath()
        + "?currentSchema=chat&reWriteBatchedInserts=true";
      try (Connection c = DriverManager.getConnection(jdbc, java.net.URLDecoder.decode(userInfo[0], "UTF-8"),
        userInfo.length > 1 ? java.net.URLDecoder.decode(userInfo[1], "UTF-8") : "")) {
        corpus.write(c, false, uri.getHost() + ":" + uri.getPort() + uri.getPath() + " schema chat");
      }
      return 0;
    }
    Path file = dataDir.resolve("chat.db");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no chat.db in --data-dir " + dataDir + " (start the system once on it first)");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      corpus.write(c, true, file.toString());
    }
    return 0;
  }

  /** Writes into the chat store on {@code c}: SQLite's file, or (sqlite false) the PostgreSQL schema chat. */
  void write(Connection c, boolean sqlite, String file) throws SQLException {
    long t0 = System.nanoTime();
    try (Statement s = c.createStatement()) {
      if (sqlite) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=OFF");
      }
      try (ResultSet r = s.executeQuery(sqlite ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_fts'"
        : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'chat' AND table_name = 'messages'"
          + " AND column_name = 'search'")) {
        if (!r.next() || r.getInt(1) != 1) {
          throw new IllegalStateException(file + " is not migrated to V6 (no search index)");
        }
      }
      try (ResultSet r = s.executeQuery("SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM chats)")) {
        if (r.next() && r.getLong(1) > 0) {
          throw new IllegalStateException(file + " already holds chats or messages: the corpus needs a fresh one");
        }
      }
    }
    c.setAutoCommit(false);
    Random random = new Random(SEED + 1);
    long now = System.currentTimeMillis();
    long base = now - messages * 500 - 60_000;
    String joined = Instant.ofEpochMilli(base - 86_400_000L).toString();

    try (PreparedStatement user = c.prepareStatement("INSERT INTO users (id, username, email, user_type, date_joined,"
      + " is_active) VALUES (?, ?, ?, 'student', ?, 1)")) {
      addUser(user, searcherId, SEARCHER, joined);
      for (int u = 0; u < users; u++) {
        long id = searcherId + 1 + u;
        addUser(user, id, "s12u" + u, joined);
      }
      user.executeBatch();
    }

    // Chats and participants: the searcher in searcherChats of them, spread evenly.
    long[][] members = new long[chats][];
    int every = Math.max(1, chats / Math.max(1, searcherChats));
    try (PreparedStatement chat = c.prepareStatement("INSERT INTO chats (id, name, created_by, created_at,"
           + " last_activity_at)" + (sqlite ? "" : " OVERRIDING SYSTEM VALUE") + " VALUES (?, ?, ?, ?, ?)");
         PreparedStatement participant = c.prepareStatement("INSERT INTO participants (chat_id, user_id,"
           + " added_at) VALUES (?, ?, ?)")) {
      int withSearcher = 0;
      for (int k = 0; k < chats; k++) {
        long chatId = k + 1;
        int size = minParticipants + random.nextInt(maxParticipants - minParticipants + 1);
        Set<Long> set = new LinkedHashSet<>();
        if (k % every == 0 && withSearcher < searcherChats) {
          set.add(searcherId);
          withSearcher++;
        }
        while (set.size() < size) {
          set.add(searcherId + 1 + random.nextInt(users));
        }
        members[k] = set.stream().mapToLong(Long::longValue).toArray();
        long creator = members[k][0];
        chat.setLong(1, chatId);
        chat.setString(2, "s12 chat " + chatId);
        chat.setLong(3, creator);
        chat.setLong(4, base - 1000);
        chat.setLong(5, base - 1000);
        chat.addBatch();
        for (long member : members[k]) {
          participant.setLong(1, chatId);
          participant.setLong(2, member);
          participant.setLong(3, base - 1000);
          participant.addBatch();
        }
      }
      chat.executeBatch();
      participant.executeBatch();
    }
    c.commit();

    List<String> words = vocabulary();
    Zipf zipf = new Zipf(words.size(), ZIPF_S);
    long[] seq = new long[chats];
    long[] lastAt = new long[chats];
    try (PreparedStatement message = c.prepareStatement("INSERT INTO messages (id, chat_id, sender_id, content,"
           + " created_at, client_id, seq, n) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)");
         PreparedStatement event = c.prepareStatement("INSERT INTO chat_events (chat_id, seq, kind, message_id,"
           + " created_at) VALUES (?, ?, 1, ?, ?)")) {
      StringBuilder text = new StringBuilder();
      for (long i = 1; i <= messages; i++) {
        int k = random.nextInt(chats);
        long chatId = k + 1;
        long sender = members[k][random.nextInt(members[k].length)];
        int length = 4 + random.nextInt(17);
        text.setLength(0);
        for (int w = 0; w < length; w++) {
          String word = words.get(zipf.next(random));
          if (w == 0) {
            word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
          } else {
            text.append(random.nextInt(12) == 0 ? ", " : " ");
          }
          text.append(word);
        }
        text.append(random.nextInt(4) == 0 ? "?" : ".");
        long at = base + i * 500;
        long s = ++seq[k];
        lastAt[k] = at;
        message.setLong(1, i);
        message.setLong(2, chatId);
        message.setLong(3, sender);
        message.setString(4, text.toString());
        message.setLong(5, at);
        message.setLong(6, s);
        message.setLong(7, s);
        message.addBatch();
        event.setLong(1, chatId);
        event.setLong(2, s);
        event.setLong(3, i);
        event.setLong(4, at);
        event.addBatch();
        if (i % 10_000 == 0) {
          message.executeBatch();
          event.executeBatch();
          index(c, sqlite, i - 9_999, i);
        }
        if (i % 100_000 == 0) {
          c.commit();
          LOG.info("corpus: {} messages written ({} s)", i, (System.nanoTime() - t0) / 1_000_000_000);
        }
      }
      message.executeBatch();
      event.executeBatch();
      index(c, sqlite, messages - messages % 10_000 + 1, messages);
    }
    try (PreparedStatement counters = c.prepareStatement("UPDATE chats SET last_seq = ?, message_count = ?,"
      + " last_activity_at = ? WHERE id = ?")) {
      for (int k = 0; k < chats; k++) {
        counters.setLong(1, seq[k]);
        counters.setLong(2, seq[k]);
        counters.setLong(3, Math.max(base - 1000, lastAt[k]));
        counters.setLong(4, k + 1);
        counters.addBatch();
      }
      counters.executeBatch();
    }
    c.commit();
    // No 'optimize' of the index: its segments stay as FTS5's automerge left them, as after
    // a deployment's own stream of inserts.
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      if (sqlite) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } else {
        // The identities go on after the ids written here; fresh statistics, as autovacuum would make.
        s.execute("SELECT setval(pg_get_serial_sequence('chat.messages', 'id'), " + messages + ")");
        s.execute("SELECT setval(pg_get_serial_sequence('chat.chats', 'id'), " + chats + ")");
        s.execute("VACUUM ANALYZE messages");
        s.execute("ANALYZE");
      }
    }
    LOG.info("corpus: {} messages in {} chats of {} users ({} with the searcher, user {}) written to {} in {} s",
      messages, chats, users + 1, searcherChats, searcherId, file, (System.nanoTime() - t0) / 1_000_000_000);
  }

  private static void addUser(PreparedStatement user, long id, String name, String joined) throws SQLException {
    user.setLong(1, id);
    user.setString(2, name);
    user.setString(3, name + "@bench.example");
    user.setString(4, joined);
    user.addBatch();
  }

  /**
   * SQLite: indexes messages {@code from..to} for search, one statement for the range, as the
   * group commit indexes each batch (SqliteChatSql.INDEX_NEW_MESSAGES). PostgreSQL's index follows
   * its generated column by itself.
   */
  private static void index(Connection c, boolean sqlite, long from, long to) throws SQLException {
    if (!sqlite || from > to) {
      return;
    }
    try (PreparedStatement index = c.prepareStatement("INSERT INTO messages_fts (rowid, content)"
      + " SELECT id, content FROM messages WHERE id BETWEEN ? AND ?")) {
      index.setLong(1, from);
      index.setLong(2, to);
      index.executeUpdate();
    }
  }
}
