package chat.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S11 attachments (issue 14): {@link #concurrent} uploads of {@link #fileBytes} each (10 MiB,
 * the default limit) at once through the gateway, {@link #rounds} times, then as many downloads
 * of them at once. Figures: upload and download MB/s (payload bytes over wall time, medians of the
 * rounds), and the target process's memory while the uploads run: peak VmRSS sampled every
 * {@value #SAMPLE_MS} ms from /proc/PID/status, VmHWM (the process's lifetime peak) after, and
 * the peak JVM heap in use from the gateway's /metrics ({@code jvm_memory_used_bytes{area="heap"}}).
 * The gateway streams each upload to the chat service in 256 KiB chunks, so its memory should
 * not grow with the file size. Each file differs (a random seed per upload), so every one is
 * stored; one download's SHA-256 is checked against its upload's. Only the system serves it.
 */
public final class AttachScenario extends Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(AttachScenario.class);
  static final long SAMPLE_MS = 100;
  private static final String BOUNDARY = "----chatbusBenchBoundary";

  public int concurrent = 20;
  public int fileBytes = 10 * 1024 * 1024;
  public int rounds = 3;
  public long capSeconds = 300;

  public AttachScenario(GenConfig cfg, Vertx vertx) {
    super(cfg, vertx);
  }

  @Override
  public String id() {
    return "s11";
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
    Deadline d = new Deadline("S11 against " + target.name, capSeconds);
    String row = "S11 " + concurrent + " x " + (fileBytes >> 20) + " MiB";
    WebClient web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(concurrent * 2));
    try (Session s = new Session(vertx, target, null)) {
      BenchUser user = users(target, "", 1).get(0);
      signUpAndLogin(s, List.of(user), d);
      long chatId = await(s.rest.expect(user, HttpMethod.POST, "/api/chats",
        new JsonObject().put("name", "bench attachments").put("participant_ids", new JsonArray()), 201), d).getLong("id");
      String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n";
      String tail = "\r\n--" + BOUNDARY + "--\r\n";
      List<Double> upRates = new ArrayList<>();
      List<Double> downRates = new ArrayList<>();
      long peakRss = -1;
      long peakHeap = -1;
      boolean shaChecked = false;
      for (int round = 0; round < rounds; round++) {
        List<Buffer> bodies = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
          byte[] bytes = new byte[fileBytes];
          new Random(round * 1000L + i + cfg.runId.hashCode()).nextBytes(bytes);
          shas.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
          bodies.add(Buffer.buffer(head).appendBytes(bytes).appendString(tail));
        }
        AtomicLong rss = new AtomicLong(-1);
        AtomicLong heap = new AtomicLong(-1);
        long sampler = vertx.setPeriodic(SAMPLE_MS, t -> {
          rss.accumulateAndGet(ProcStats.rssKb(target.pid), Math::max);
          heapInUse(web, target).onSuccess(h -> heap.accumulateAndGet(h, Math::max));
        });
        long t0 = System.nanoTime();
        List<Future<JsonObject>> uploads = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
          HttpRequest<Buffer> req = web.request(HttpMethod.POST, target.uri.getPort(), target.uri.getHost(),
              "/api/chats/" + chatId + "/attachments").timeout(120_000)
            .putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .putHeader("Cookie", user.cookieHeader()).putHeader("X-XSRF-TOKEN", user.cookie("XSRF-TOKEN"));
          uploads.add(req.sendBuffer(bodies.get(i)).compose(r -> r.statusCode() == 201
            ? Future.succeededFuture(r.bodyAsJsonObject())
            : Future.failedFuture("upload: HTTP " + r.statusCode() + " " + r.bodyAsString())));
        }
        List<JsonObject> stored = await(Future.all(uploads), d).list();
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        vertx.cancelTimer(sampler);
        bodies.clear();
        for (int i = 0; i < concurrent; i++) {
          if (!shas.get(i).equals(stored.get(i).getString("sha256"))) {
            throw new IllegalStateException("upload " + i + " stored another SHA-256");
          }
        }
        double upRate = (double) concurrent * fileBytes / 1e6 / upSeconds;
        upRates.add(upRate);
        peakRss = Math.max(peakRss, rss.get());
        peakHeap = Math.max(peakHeap, heap.get());

        long t1 = System.nanoTime();
        List<Future<Buffer>> downloads = new ArrayList<>();
        for (JsonObject a : stored) {
          downloads.add(web.request(HttpMethod.GET, target.uri.getPort(), target.uri.getHost(),
              "/api/chats/" + chatId + "/attachments/" + a.getLong("id")).timeout(120_000)
            .putHeader("Cookie", user.cookieHeader()).send()
            .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r.body())
              : Future.failedFuture("download: HTTP " + r.statusCode())));
        }
        List<Buffer> got = await(Future.all(downloads), d).list();
        double downSeconds = (System.nanoTime() - t1) / 1e9;
        if (!shaChecked) {
          String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got.get(0).getBytes()));
          if (!sha.equals(shas.get(0))) {
            throw new IllegalStateException("a download's SHA-256 differs from its upload's");
          }
          shaChecked = true;
        }
        double downRate = (double) concurrent * fileBytes / 1e6 / downSeconds;
        downRates.add(downRate);
        result.steps.add(new JsonObject().put("round", round).put("upload_s", upSeconds).put("upload_mb_s", upRate)
          .put("download_s", downSeconds).put("download_mb_s", downRate).put("peak_rss_kb", rss.get())
          .put("peak_heap_bytes", heap.get()));
        LOG.info("S11 {} round {}: uploads {} MB/s, downloads {} MB/s, peak RSS {} kB, peak heap {} MB", target.name,
          round, String.format("%.1f", upRate), String.format("%.1f", downRate), rss.get(), heap.get() / 1_000_000);
      }
      long hwm = statusKb(target.pid, "VmHWM:");
      result.add("s11_upload_mb_s", row, "upload MB/s (median)", "MB/s", median(upRates), Metric.Better.HIGHER,
        concurrent + " concurrent uploads of " + fileBytes + " bytes");
      result.add("s11_download_mb_s", row, "download MB/s (median)", "MB/s", median(downRates), Metric.Better.HIGHER,
        concurrent + " concurrent downloads");
      result.add("s11_peak_rss_mb", row, "server peak RSS during uploads", "MB", peakRss / 1024.0, Metric.Better.LOWER,
        "VmRSS sampled every " + SAMPLE_MS + " ms (the whole target process)");
      result.add("s11_hwm_mb", row, "server VmHWM after", "MB", hwm / 1024.0, Metric.Better.LOWER,
        "lifetime peak RSS of the target process");
      result.add("s11_peak_heap_mb", row, "gateway peak heap in use", "MB", peakHeap / 1e6, Metric.Better.LOWER,
        "jvm_memory_used_bytes{area=heap} of /metrics, sampled every " + SAMPLE_MS + " ms");
    } finally {
      web.close();
    }
  }

  /** The JVM heap in use, bytes, from the gateway's Prometheus text; -1 when it cannot be read. */
  private static Future<Long> heapInUse(WebClient web, Target target) {
    return web.request(HttpMethod.GET, target.uri.getPort(), target.uri.getHost(), "/metrics").timeout(2_000).send()
      .map(HttpResponse::bodyAsString)
      .map(text -> {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
          if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            found = true;
          }
        }
        return found ? (long) sum : -1L;
      })
      .otherwise(-1L);
  }

  private static long statusKb(long pid, String field) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }
}
