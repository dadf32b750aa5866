package chat.bench.gen;

/** Options every scenario shares. */
public final class GenConfig {

  /** Makes usernames unique per run. */
  public String runId;
  /** Characters of message content (the timestamp and sequence number, padded). */
  public int contentSize = 64;
  /** REST calls in flight during setup. */
  public int setupConcurrency = 32;
  /** Unanswered bridge sends per socket before the generator holds back (the bridge allows 1000). */
  public int maxInflight = 500;
  /** How long to wait after sending stops for late acks and deliveries. */
  public long drainMs = 3_000;
  /** A step is sustainable only with p99 at most this. */
  public double p99LimitMs = 50;
  /** Before a measured window, wait at most this long for the rest of the machine to go quiet (0: never wait). */
  public int quietWaitSeconds = 90;
  /** "Quiet": other processes use less than this % of a core (machine busy minus server and generator). */
  public double quietOtherPct = 20;
  public String password = "bench-password-1";
  /** S3: random UUIDs as client_ids (as the web page sends them) instead of ordered ones. */
  public boolean uuidClientIds;
}
