package chat.auth;

import chat.shared.TokenBuckets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every limit on guessing passwords and on creating accounts, and all of their state, behind a
 * narrow interface: reserve an attempt before its hash is checked, then settle it.
 *
 * <ul>
 *   <li><b>Per account</b> (the folded username, whatever the address): {@code freeFailures}
 *   failures in a row pass at once; after that each failure makes the next attempt wait 1 s,
 *   2 s, 4 s... capped at {@code maxBackoffMillis}, so an attacker can slow the real user down
 *   but never lock them out for longer than the cap. A success ends the streak; a quiet account
 *   forgets it.</li>
 *   <li><b>Per client address</b> (across usernames, so sprays count): a token bucket of
 *   {@code failuresPerMinute} failures, refilled evenly over the minute.</li>
 *   <li><b>Registrations per client address</b>: a token bucket of {@code registrationsPerHour}.</li>
 * </ul>
 *
 * <p>An attempt is counted when it is reserved, before any password work, and given back when
 * it succeeds (or when it never got to check a password), so concurrent attempts cannot all
 * pass. Refusals are not counted: hammering a locked account does not lengthen its lock.
 * Refusals carry the time until the next attempt can pass, for {@code Retry-After}.
 *
 * <p>The state lives in this JVM. That makes the limits cluster-wide because the auth service
 * runs as one instance that every gateway asks. If auth ever runs several instances, this
 * class's maps move to Vert.x shared data (a cluster-wide lock plus AsyncMap entries per key)
 * behind the same methods. Methods are synchronized; each call is short and never blocks.
 */
final class LoginLimits {

  /** The first wait once the free failures are spent; doubled per further failure. */
  static final long FIRST_BACKOFF_MILLIS = 1000;
  /** An account streak with no attempt for this long is forgotten (at least twice the cap). */
  private static final long MIN_FORGET_MILLIS = 15 * 60_000;
  /** Bounds memory under a flood of made-up usernames or addresses; least recently used go first. */
  static final int MAX_TRACKED = 100_000;

  /**
   * The limit key of a client address: an IPv4 address as it is, an IPv6 one by its /64 (one
   * host usually holds a whole /64, so counting single addresses would count nothing).
   */
  static String addressKey(String address) {
    String literal = address.trim();
    if (literal.indexOf(':') < 0) {
      return literal;
    }
    try {
      // A literal with ':' is parsed, never looked up in DNS.
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      if (bytes.length == 16) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
          prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
      }
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException | SecurityException e) {
      return literal;
    }
  }

  /** The outcome of a reservation: granted, or refused with the wait until one can pass. */
  static final class Attempt {
    final String account;
    final String address;
    final long retryAfterMillis;
    /** The account's streak as it was before this reservation, to undo it exactly on cancel. */
    private long previousBlockedUntil;
    private long previousLastAttempt;
    private int failuresAfter;

    private Attempt(String account, String address, long retryAfterMillis) {
      this.account = account;
      this.address = address;
      this.retryAfterMillis = retryAfterMillis;
    }

    boolean granted() {
      return retryAfterMillis == 0;
    }

    /** Whole seconds, rounded up, at least 1. */
    long retryAfterSeconds() {
      return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
  }

  private static final class Streak {
    int failures;
    long blockedUntil;
    long lastAttempt;
  }

  private final int freeFailures;
  private final long maxBackoffMillis;
  private final long forgetMillis;
  private final LongSupplier clock;

  private final Map<String, Streak> accounts = lru();
  /** Failed logins per client address, across usernames. */
  private final TokenBuckets loginAddresses;
  /** Registrations per client address. */
  private final TokenBuckets registerAddresses;

  /**
   * @param freeFailures failed logins of one account before the back-off starts (at least 1)
   * @param maxBackoffMillis the longest wait the back-off imposes
   * @param failuresPerMinute failed logins per address per minute (0 = no address limit)
   * @param registrationsPerHour registrations per address per hour (0 = no limit)
   * @param clock milliseconds, {@code System::currentTimeMillis} outside tests
   */
  LoginLimits(int freeFailures, long maxBackoffMillis, int failuresPerMinute, int registrationsPerHour,
              LongSupplier clock) {
    this.freeFailures = Math.max(1, freeFailures);
    this.maxBackoffMillis = Math.max(FIRST_BACKOFF_MILLIS, maxBackoffMillis);
    this.forgetMillis = Math.max(MIN_FORGET_MILLIS, 2 * this.maxBackoffMillis);
    this.loginAddresses = new TokenBuckets(failuresPerMinute, failuresPerMinute / 60.0, MAX_TRACKED, clock);
    this.registerAddresses = new TokenBuckets(registrationsPerHour, registrationsPerHour / 3600.0, MAX_TRACKED, clock);
    this.clock = clock;
  }

  /**
   * Reserves a login attempt on {@code account} from {@code address}: counted as a failure
   * from now on unless {@link #succeeded} or {@link #cancelled} gives it back. A refused
   * attempt changes nothing.
   */
  synchronized Attempt reserveLogin(String account, String address) {
    long now = clock.getAsLong();
    Streak streak = accounts.get(account);
    if (streak != null && now - streak.lastAttempt > forgetMillis) {
      accounts.remove(account);
      streak = null;
    }
    long accountWait = streak == null ? 0 : Math.max(0, streak.blockedUntil - now);
    long wait = Math.max(accountWait, loginAddresses.waitMillis(address));
    if (wait > 0) {
      return new Attempt(account, address, wait);
    }
    if (streak == null) {
      streak = new Streak();
      accounts.put(account, streak);
    }
    Attempt attempt = new Attempt(account, address, 0);
    attempt.previousBlockedUntil = streak.blockedUntil;
    attempt.previousLastAttempt = streak.lastAttempt;
    streak.failures++;
    streak.lastAttempt = now;
    streak.blockedUntil = now + backoff(streak.failures);
    attempt.failuresAfter = streak.failures;
    loginAddresses.tryTake(address);
    return attempt;
  }

  /** The password was right: the account's streak ends and the address gets its token back. */
  synchronized void succeeded(Attempt attempt) {
    accounts.remove(attempt.account);
    loginAddresses.refund(attempt.address);
  }

  /** The password was wrong: the reservation stands as a failure. */
  synchronized void failed(Attempt attempt) {
    Streak streak = accounts.get(attempt.account);
    if (streak != null) {
      streak.lastAttempt = clock.getAsLong();
    }
  }

  /**
   * No password was checked (no capacity to check it, or a database failure): the attempt is
   * given back entirely, the account's wait restored as it was when nothing came in since.
   */
  synchronized void cancelled(Attempt attempt) {
    Streak streak = accounts.get(attempt.account);
    if (streak != null && streak.failures > 0) {
      if (streak.failures == attempt.failuresAfter) {
        streak.blockedUntil = attempt.previousBlockedUntil;
        streak.lastAttempt = attempt.previousLastAttempt;
      }
      streak.failures--;
      if (streak.failures == 0) {
        accounts.remove(attempt.account);
      }
    }
    loginAddresses.refund(attempt.address);
  }

  /** 0 when a registration from {@code address} may go ahead (it is counted), else the wait in ms. */
  synchronized long reserveRegistration(String address) {
    long wait = registerAddresses.waitMillis(address);
    if (wait == 0) {
      registerAddresses.tryTake(address);
    }
    return wait;
  }

  /** The registration did not create an account (name taken, owner refused): not counted. */
  synchronized void registrationRefused(String address) {
    registerAddresses.refund(address);
  }

  /** Drops state that no longer limits anything; called periodically to bound memory. */
  synchronized void sweep() {
    long now = clock.getAsLong();
    accounts.values().removeIf(s -> now - s.lastAttempt > forgetMillis);
    loginAddresses.evictFull();
    registerAddresses.evictFull();
  }

  /** Entries held, for tests and logs. */
  synchronized int tracked() {
    return accounts.size() + loginAddresses.size() + registerAddresses.size();
  }

  /** The wait the {@code failures}-th failure in a row imposes on the next attempt. */
  long backoff(int failures) {
    if (failures < freeFailures) {
      return 0;
    }
    int doublings = Math.min(failures - freeFailures, 30);
    return Math.min(maxBackoffMillis, FIRST_BACKOFF_MILLIS << doublings);
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_TRACKED;
      }
    };
  }
}
