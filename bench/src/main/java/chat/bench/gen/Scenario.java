package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bench scenario: setup, measured phases and teardown against one target, bounded in time and traffic. */
public abstract class Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(Scenario.class);
  private static final AtomicInteger TAGS = new AtomicInteger(1);

  protected final GenConfig cfg;
  protected final Vertx vertx;

  protected Scenario(GenConfig cfg, Vertx vertx) {
    this.cfg = cfg;
    this.vertx = vertx;
  }

  /** Short id, e.g. {@code s1}. */
  public abstract String id();

  /** Hard cap for one run against one target, seconds. */
  public abstract long capSeconds();

  /**
   * Whether this scenario runs against {@code t}: the bridge scenarios need REST and the bridge,
   * which the socket.io peer does not speak; the scenarios that can drive it say so.
   */
  public boolean supports(Target t) {
    return !t.isSocketIo();
  }

  /** Runs against one target; setup failures end up in {@link ScenarioResult#error}. */
  public abstract void run(Target target, ScenarioResult result) throws Exception;

  protected static int newTag() {
    return TAGS.getAndIncrement();
  }

  protected static <T> T await(Future<T> f, Deadline d) {
    try {
      return f.await(Math.max(1, d.remainingMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Deadline.CapReached(d.what() + " reached its time cap");
    }
  }

  protected List<BenchUser> users(Target t, String group, int n) {
    List<BenchUser> out = new ArrayList<>(n);
    String prefix = "b" + cfg.runId + "_" + (t.isFloor() ? "f" : t.isSocketIo() ? "io" : "s") + "_" + id() + group + "_";
    for (int i = 0; i < n; i++) {
      out.add(new BenchUser(i, prefix + i, cfg.password));
    }
    return out;
  }

  /** csrf + register + login for every user. */
  protected void signUpAndLogin(Session s, List<BenchUser> users, Deadline d) {
    long t0 = System.nanoTime();
    await(Limited.forEach(vertx, users, cfg.setupConcurrency, u -> s.rest.signUp(u).compose(s.rest::login)), d);
    LOG.info("{} {}: {} users signed up and logged in in {} ms", id(), s.target.name, users.size(),
      (System.nanoTime() - t0) / 1_000_000);
  }

  /** Opens a socket per user; {@code receiverIndex[i]} (or -1) is user i's receiver index. */
  protected List<BridgeSocket> openSockets(Session s, List<BenchUser> users, boolean receivers, Deadline d) {
    BridgeSocket[] out = new BridgeSocket[users.size()];
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      idx.add(i);
    }
    await(Limited.forEach(vertx, idx, cfg.setupConcurrency, i -> s.open(users.get(i), receivers ? i : -1)
      .onSuccess(sock -> out[i] = sock)), d);
    return List.of(out);
  }

  /** Opens a socket per user in the target's own protocol ({@link Session#openPeer}). */
  protected List<BenchSocket> openPeers(Session s, List<BenchUser> users, boolean receivers, Deadline d) {
    BenchSocket[] out = new BenchSocket[users.size()];
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      idx.add(i);
    }
    await(Limited.forEach(vertx, idx, cfg.setupConcurrency, i -> s.openPeer(users.get(i), receivers ? i : -1)
      .onSuccess(sock -> out[i] = sock)), d);
    return List.of(out);
  }

  /**
   * On a shared machine, waits before a measured window until the rest of the machine (busy time
   * minus server and generator, over half a second) uses less than {@code quietOtherPct} of a
   * core, for at most {@code quietWaitSeconds}; returns the seconds waited. The window's
   * {@code other_cpu_pct} still says how quiet it really was.
   */
  protected double awaitQuiet(Target t, Deadline d) {
    if (cfg.quietWaitSeconds <= 0 || t == null) {
      return 0;
    }
    long start = System.nanoTime();
    long end = start + cfg.quietWaitSeconds * 1_000_000_000L;
    boolean logged = false;
    while (true) {
      Usage u0 = Usage.now(t.pid);
      sleep(500);
      double other = Usage.now(t.pid).otherCpuPct(u0);
      if (!(other >= cfg.quietOtherPct) || System.nanoTime() > end || d.remainingMillis() < 60_000) {
        break;
      }
      if (!logged) {
        LOG.info("{}: waiting up to {} s for a quiet machine (other load {}% of a core)", d.what(),
          cfg.quietWaitSeconds, Math.round(other));
        logged = true;
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    if (logged) {
      LOG.info("{}: waited {} s for a quiet machine", d.what(), Math.round(waited));
    }
    return waited;
  }

  /** Waits until the phase settled (everything acked and delivered) or {@code maxMs} passed. */
  protected static boolean drain(Phase p, long maxMs) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (System.nanoTime() < end) {
      if (p.settled()) {
        return true;
      }
      Thread.sleep(20);
    }
    return p.settled();
  }

  /** Latency percentiles as a JSON object in ms. */
  protected static JsonObject percentiles(Histogram h) {
    return new JsonObject()
      .put("count", h.getTotalCount())
      .put("p50_ms", nan(Phase.Outcome.ms(h, 50)))
      .put("p99_ms", nan(Phase.Outcome.ms(h, 99)))
      .put("p999_ms", nan(Phase.Outcome.ms(h, 99.9)))
      .put("max_ms", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0);
  }

  protected static Double nan(double v) {
    return Double.isFinite(v) ? v : null;
  }

  protected static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Deadline.CapReached("interrupted");
    }
  }

  /**
   * Sends one message per chat group until each reaches every receiver of its group: the bridge
   * does not acknowledge registrations, so this is how the generator knows they are in place.
   */
  protected static void probe(Session s, BenchSocket[] senders, long[] chatIds, int[][] groups, int receivers,
                              Deadline d) throws InterruptedException {
    Phase.Outcome last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      d.check();
      Phase p = new Phase(newTag(), groups.length, groups, receivers);
      s.phase(p);
      for (int g = 0; g < groups.length; g++) {
        senders[g].send(p, chatIds[g], g, 64, Integer.MAX_VALUE);
      }
      drain(p, 3_000);
      last = p.outcome();
      if (last.acked == groups.length && last.lost == 0) {
        return;
      }
    }
    throw new Deadline.CapReached("registrations not in place: " + (last == null ? "nothing sent" : "acked "
      + last.acked + " of " + groups.length + " probes, failed " + last.failed + ", " + last.lost
      + " deliveries missing") + "; counters " + s.counters());
  }
}
