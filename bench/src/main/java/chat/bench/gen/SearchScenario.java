package chat.bench.gen;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S12 search latency: {@code GET /api/search} over a generated corpus ({@link SearchCorpus},
 * 1,000,000 messages by default, written into the chat database by {@code bench/run.sh} before
 * the system started) as {@link SearchCorpus#SEARCHER}, a participant of 50 of its 5,000 chats.
 * Registering that user on the fresh system gives it the corpus's searcher id (checked, with
 * its chat count). Then, one request in flight, {@link #queries} queries of each kind after
 * {@link #warmup} warm-up ones: a common word (Zipf ranks 1-20), a mid word (100-1000), a rare
 * word (2000-4000), two words, three words, a quoted phrase of two common words, a 3-letter
 * prefix, an accented word typed without its accents in capitals. p50/p99 per kind and over all.
 * Only the system runs it.
 */
public final class SearchScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(SearchScenario.class);

  public int queries = 200;
  public int warmup = 40;
  public int limit = 20;
  public int expectChats = 50;
  public long capSeconds = 600;

  public SearchScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s12";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public boolean supports(Target t) {
    return !t.isSocketIo() && !t.isFloor();
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    Deadline d = new Deadline("S12 against " + target.name, capSeconds);
    String scen = "S12 search";
    try (Session s = new Session(vertx, target, null)) {
      BenchUser searcher = new BenchUser(0, SearchCorpus.SEARCHER, cfg.password);
      await(s.rest.signUp(searcher).compose(s.rest::login), d);
      JsonArray chats = await(s.rest.expect(searcher, HttpMethod.GET, "/api/chats", null, 200), d)
        .getJsonArray("chats", new JsonArray());
      if (chats.size() != expectChats) {
        throw new Deadline.CapReached("S12: the searcher (user " + searcher.id + ") is in " + chats.size()
          + " chats, not " + expectChats + ": run it first on a fresh system loaded by `bench.jar corpus`"
          + " (bench/run.sh --scenarios s12 does both)");
      }
      long corpusMessages = 0;
      for (Object c : chats) {
        corpusMessages += ((JsonObject) c).getLong("last_seq", 0L);
      }
      result.info.put("s12.searcher_messages", corpusMessages);
      LOG.info("S12 {}: searcher {} in {} chats holding {} messages", target.name, searcher.id, chats.size(),
        corpusMessages);

      Map<String, List<String>> kinds = queries(new Random(SearchCorpus.SEED + 2), warmup + queries);
      Histogram all = new Histogram(60_000_000L, 3);
      long results = 0;
      long requests = 0;
      long full = 0;
      for (Map.Entry<String, List<String>> kind : kinds.entrySet()) {
        Histogram h = new Histogram(60_000_000L, 3);
        List<String> qs = kind.getValue();
        for (int i = 0; i < qs.size(); i++) {
          d.check();
          String path = "/api/search?limit=" + limit + "&q=" + URLEncoder.encode(qs.get(i), StandardCharsets.UTF_8);
          long t0 = System.nanoTime();
          JsonObject answer = await(s.rest.expect(searcher, HttpMethod.GET, path, null, 200), d);
          long us = (System.nanoTime() - t0) / 1000;
          if (i >= warmup) {
            h.recordValue(Math.max(1, us));
            all.recordValue(Math.max(1, us));
            int n = answer.getJsonArray("results").size();
            results += n;
            requests++;
            full += n == limit ? 1 : 0;
          }
        }
        JsonObject step = percentiles(h).put("kind", kind.getKey()).put("example", qs.get(qs.size() - 1));
        result.steps.add(step);
        result.add("s12.p50." + kind.getKey(), scen, "ms p50 (" + kind.getKey() + ")", "ms",
          num(step.getDouble("p50_ms")), Metric.Better.LOWER, "e.g. q=" + qs.get(qs.size() - 1));
        result.add("s12.p99." + kind.getKey(), scen, "ms p99 (" + kind.getKey() + ")", "ms",
          num(step.getDouble("p99_ms")), Metric.Better.LOWER, "");
        LOG.info("S12 {}: {} p50 {} ms p99 {} ms", target.name, kind.getKey(), step.getDouble("p50_ms"),
          step.getDouble("p99_ms"));
      }
      JsonObject overall = percentiles(all);
      String note = String.format(Locale.ROOT, "%d queries of %d kinds, 1 in flight, limit %d; %.1f results per"
        + " query, %d%% full pages; searcher in %d chats (%d messages) of the corpus", requests, kinds.size(), limit,
        requests == 0 ? 0.0 : (double) results / requests, requests == 0 ? 0 : full * 100 / requests, chats.size(),
        corpusMessages);
      result.add("s12.p50", scen, "ms p50 (all kinds)", "ms", num(overall.getDouble("p50_ms")), Metric.Better.LOWER, note);
      result.add("s12.p99", scen, "ms p99 (all kinds)", "ms", num(overall.getDouble("p99_ms")), Metric.Better.LOWER, "");
      result.info.put("s12.overall", overall);
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    }
  }

  /** n queries of each kind, from the corpus's vocabulary by rank. */
  static Map<String, List<String>> queries(Random random, int n) {
    List<String> words = SearchCorpus.vocabulary();
    List<String> accented = words.stream().filter(w -> !w.equals(plain(w))).toList();
    Map<String, List<String>> kinds = new LinkedHashMap<>();
    for (String kind : List.of("common", "mid", "rare", "two_words", "three_words", "phrase", "prefix", "accent")) {
      List<String> qs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        qs.add(switch (kind) {
          case "common" -> pick(words, random, 1, 20);
          case "mid" -> pick(words, random, 100, 1000);
          case "rare" -> pick(words, random, 2000, 4000);
          case "two_words" -> pick(words, random, 20, 300) + " " + pick(words, random, 1, 100);
          case "three_words" -> pick(words, random, 1, 100) + " " + pick(words, random, 20, 300) + " "
            + pick(words, random, 1, 50);
          case "phrase" -> "\"" + pick(words, random, 1, 30) + " " + pick(words, random, 1, 30) + "\"";
          case "prefix" -> prefix(pick(words, random, 50, 2000));
          default -> plain(accented.get(random.nextInt(Math.min(accented.size(), 150)))).toUpperCase(Locale.ROOT);
        });
      }
      kinds.put(kind, qs);
    }
    return kinds;
  }

  /** A word of rank from..to (1-based). */
  private static String pick(List<String> words, Random random, int from, int to) {
    return words.get(from - 1 + random.nextInt(to - from + 1));
  }

  private static String prefix(String word) {
    int cps = word.codePointCount(0, word.length());
    return (cps <= 3 ? word : word.substring(0, word.offsetByCodePoints(0, 3))) + "*";
  }

  private static String plain(String word) {
    return Normalizer.normalize(word, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }
}
