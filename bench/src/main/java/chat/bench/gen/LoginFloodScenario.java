package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S6 login flood (issue 9, item 5): {@link #floodCount} wrong logins at {@link #floodRate}/s,
 * each with a made-up username, from one address (127.0.0.1), open loop; meanwhile a real user
 * logs in again and again from another address (127.0.0.2), one login after the other. Reports
 * the real user's login latency before and during the flood and how the flood was answered
 * (429 refused before any hashing, 401 hashed, 5xx). Meaningful only with the system's
 * production auth settings ({@code run.sh --auth-defaults}); the floor has no auth, so S6 skips it.
 */
public final class LoginFloodScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(LoginFloodScenario.class);

  public int floodCount = 300;
  public int floodRate = 200;
  public int baselineLogins = 20;
  public String floodSource = "127.0.0.1";
  public String userSource = "127.0.0.2";
  public long capSeconds = 120;

  public LoginFloodScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s6";
  }

  @Override
  public long capSeconds() {
    return capSeconds;
  }

  @Override
  public void run(Target target, ScenarioResult result) throws Exception {
    if (target.isFloor()) {
      result.info.put("s6", "skipped: the floor has no authentication");
      LOG.info("S6 skipped against the floor (no auth there)");
      return;
    }
    Deadline d = new Deadline("S6 against " + target.name, capSeconds);
    String scen = "S6 login flood";
    Loopback.require(floodSource);
    Loopback.require(userSource);
    WebClient userWeb = client(target.uri, userSource);
    WebClient floodWeb = client(target.uri, floodSource);
    try {
      Rest userRest = new Rest(userWeb, target.uri.getHost(), target.uri.getPort());
      Rest floodRest = new Rest(floodWeb, target.uri.getHost(), target.uri.getPort());
      BenchUser real = users(target, "r" + newTag(), 1).get(0);
      await(userRest.signUp(real), d);

      Histogram baseline = new Histogram(3);
      AtomicLong baselineFailures = new AtomicLong();
      for (int i = 0; i < baselineLogins; i++) {
        timedLogin(userRest, real, baseline, baselineFailures, d);
      }

      BenchUser flooder = new BenchUser(0, "flooder", "wrong password");
      await(floodRest.csrf(flooder), d);
      AtomicLong f401 = new AtomicLong();
      AtomicLong f429 = new AtomicLong();
      AtomicLong f5xx = new AtomicLong();
      AtomicLong fOther = new AtomicLong();
      AtomicLong sent = new AtomicLong();
      AtomicLong answered = new AtomicLong();
      Promise<Void> floodDone = Promise.promise();
      long intervalNanos = 1_000_000_000L / floodRate;
      long t0 = System.nanoTime();
      // Open loop: a 1 ms timer sends whatever the schedule says is due, answers or not.
      long timer = vertx.setPeriodic(1, id -> {
        long due = Math.min(floodCount, (System.nanoTime() - t0) / intervalNanos + 1);
        while (sent.get() < due) {
          sent.incrementAndGet();
          floodRest.call(flooder, HttpMethod.POST, "/api/auth/login", new JsonObject()
              .put("username", "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
              .put("password", "wrong password"))
            .onComplete(ar -> {
              if (ar.failed()) {
                fOther.incrementAndGet();
              } else {
                int status = ar.result().statusCode();
                (status == 401 ? f401 : status == 429 ? f429 : status >= 500 ? f5xx : fOther).incrementAndGet();
              }
              if (answered.incrementAndGet() == floodCount) {
                floodDone.tryComplete();
              }
            });
        }
        if (sent.get() >= floodCount) {
          vertx.cancelTimer(id);
        }
      });

      Histogram during = new Histogram(3);
      AtomicLong duringFailures = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      floodDone.future().onComplete(ar -> done.set(true));
      while (!done.get()) {
        d.check();
        timedLogin(userRest, real, during, duringFailures, d);
      }
      vertx.cancelTimer(timer);
      double floodSeconds = (System.nanoTime() - t0) / 1e9;

      String note = String.format(Locale.ROOT, "%d wrong logins in %.1f s from %s: %d x 429, %d x 401, %d x 5xx,"
          + " %d other; real user from %s: %d logins, %d failed", floodCount, floodSeconds, floodSource,
        f429.get(), f401.get(), f5xx.get(), fOther.get(), userSource, during.getTotalCount(), duringFailures.get());
      LOG.info("S6 {}: {}", target.name, note);
      JsonObject st = new JsonObject().put("target", target.name).put("flood_sent", floodCount)
        .put("flood_rate_per_s", floodRate).put("flood_seconds", floodSeconds)
        .put("flood_429", f429.get()).put("flood_401", f401.get()).put("flood_5xx", f5xx.get())
        .put("flood_other", fOther.get())
        .put("real_baseline", percentiles(baseline)).put("real_baseline_failed", baselineFailures.get())
        .put("real_during_flood", percentiles(during)).put("real_during_failed", duringFailures.get())
        .put("note", note);
      result.steps.add(st);
      result.add("s6.base.p50", scen, "real login p50, no flood", "ms", Phase.Outcome.ms(baseline, 50),
        Metric.Better.LOWER, baselineLogins + " logins");
      result.add("s6.p50", scen, "real login p50 during flood", "ms", Phase.Outcome.ms(during, 50),
        Metric.Better.LOWER, "");
      result.add("s6.p99", scen, "real login p99 during flood", "ms", Phase.Outcome.ms(during, 99),
        Metric.Better.LOWER, during.getTotalCount() + " logins, " + duringFailures.get() + " not 200");
      result.add("s6.429", scen, "flood answered 429", "requests", f429.get(), Metric.Better.NONE, "");
      result.add("s6.401", scen, "flood answered 401", "requests", f401.get(), Metric.Better.NONE, "");
      result.add("s6.5xx", scen, "flood answered 5xx", "requests", f5xx.get(), Metric.Better.LOWER,
        fOther.get() + " other (timeouts, connection errors)");
    } catch (Deadline.CapReached e) {
      result.error = e.getMessage();
      LOG.warn("{}", e.getMessage());
    } finally {
      userWeb.close();
      floodWeb.close();
    }
  }

  /** One login of the real user, its latency recorded (µs); a non-200 counts as a failure. */
  private void timedLogin(Rest rest, BenchUser user, Histogram h, AtomicLong failures, Deadline d) {
    long start = System.nanoTime();
    HttpResponse<Buffer> r = await(rest.call(user, HttpMethod.POST, "/api/auth/login",
      new JsonObject().put("username", user.username).put("password", user.password))
      .recover(e -> Future.succeededFuture(null)), d);
    h.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
    if (r == null || r.statusCode() != 200) {
      failures.incrementAndGet();
    }
  }

  private WebClient client(URI uri, String source) {
    return WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
        .setLocalAddress(source).setTcpNoDelay(true).setKeepAlive(true).setConnectTimeout(10_000)
        .setUserAgent("chatbus-bench"),
      new PoolOptions().setHttp1MaxSize(400));
  }
}
