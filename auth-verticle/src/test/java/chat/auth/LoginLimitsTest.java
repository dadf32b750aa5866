package chat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limits as a pure class, on a clock the test moves: every rule and edge, no waiting. */
class LoginLimitsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);

  /** 3 free failures per account, back-off capped at 10 s, 6 failures per address per minute, 2 registrations per hour. */
  private final LoginLimits limits = new LoginLimits(3, 10_000, 6, 2, now::get);

  private LoginLimits.Attempt fail(String account, String address) {
    LoginLimits.Attempt attempt = limits.reserveLogin(account, address);
    if (attempt.granted()) {
      limits.failed(attempt);
    }
    return attempt;
  }

  @Test
  void accountBacksOffExponentiallyAfterTheFreeFailuresUpToTheCap() {
    // a fresh address per attempt: only the account rule applies
    assertTrue(fail("alice", "a1").granted());
    assertTrue(fail("alice", "a2").granted());
    assertTrue(fail("alice", "a3").granted());
    LoginLimits.Attempt refused = limits.reserveLogin("alice", "a4");
    assertFalse(refused.granted(), "the third failure makes the next attempt wait");
    assertEquals(1000, refused.retryAfterMillis);
    assertEquals(1, refused.retryAfterSeconds());

    long[] waits = {1000, 2000, 4000, 8000, 10_000, 10_000};
    for (int i = 0; i < waits.length; i++) {
      now.addAndGet(waits[i] - 1);
      assertFalse(limits.reserveLogin("alice", "b" + i).granted(), "still waiting 1 ms before the end");
      now.addAndGet(1);
      assertTrue(fail("alice", "c" + i).granted(), "passes exactly when Retry-After said");
      LoginLimits.Attempt next = limits.reserveLogin("alice", "d" + i);
      long expected = i + 1 < waits.length ? waits[i + 1] : 10_000;
      assertEquals(expected, next.retryAfterMillis, "wait after failure " + (i + 4));
    }
    assertTrue(limits.reserveLogin("bob", "a1").granted(), "other accounts are not affected");
  }

  @Test
  void refusedAttemptsDoNotLengthenTheLock() {
    for (int i = 0; i < 3; i++) {
      fail("alice", "a" + i);
    }
    for (int i = 0; i < 100; i++) {
      assertFalse(limits.reserveLogin("alice", "x" + i).granted());
    }
    now.addAndGet(1000);
    assertTrue(limits.reserveLogin("alice", "y").granted());
  }

  @Test
  void concurrentReservationsAreEachCountedBeforeAnyIsSettled() {
    int granted = 0;
    for (int i = 0; i < 60; i++) {
      if (limits.reserveLogin("alice", "a" + i).granted()) {
        granted++;
      }
    }
    assertEquals(3, granted, "60 attempts in flight at once: only the free failures pass");
  }

  @Test
  void successEndsTheStreakAndGivesTheAddressItsTokenBack() {
    fail("alice", "home");
    fail("alice", "home");
    LoginLimits.Attempt right = limits.reserveLogin("alice", "home");
    assertTrue(right.granted());
    limits.succeeded(right);
    for (int i = 0; i < 3; i++) {
      assertTrue(fail("alice", "elsewhere" + i).granted(), "the streak starts again from zero");
    }
    // home spent 2 failures of 6; the success was refunded
    for (int i = 0; i < 4; i++) {
      assertTrue(fail("user" + i, "home").granted());
    }
    assertFalse(limits.reserveLogin("user9", "home").granted());
  }

  @Test
  void oneAddressSprayingManyUsernamesIsLimitedAndToldWhenItMayRetry() {
    for (int i = 0; i < 6; i++) {
      assertTrue(fail("user" + i, "spray").granted());
    }
    LoginLimits.Attempt refused = limits.reserveLogin("user6", "spray");
    assertFalse(refused.granted());
    assertEquals(10_000, refused.retryAfterMillis, "6 per minute: one token every 10 s");
    now.addAndGet(9_999);
    assertFalse(limits.reserveLogin("user7", "spray").granted());
    now.addAndGet(1);
    assertTrue(limits.reserveLogin("user7", "spray").granted());
    assertTrue(limits.reserveLogin("user7", "other").granted(), "other addresses are not affected");
  }

  @Test
  void whenBothLimitsRefuseTheWaitIsTheLongerOne() {
    for (int i = 0; i < 3; i++) {
      fail("alice", "spray");
    }
    for (int i = 0; i < 3; i++) {
      fail("user" + i, "spray");
    }
    assertEquals(10_000, limits.reserveLogin("alice", "spray").retryAfterMillis);
  }

  @Test
  void aCancelledAttemptIsNotCounted() {
    for (int i = 0; i < 10; i++) {
      LoginLimits.Attempt attempt = limits.reserveLogin("alice", "a");
      assertTrue(attempt.granted());
      limits.cancelled(attempt);
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(fail("alice", "a").granted());
    }
  }

  @Test
  void cancellingTheAttemptThatStartedTheBackOffRestoresTheAccountExactly() {
    for (int i = 0; i < 2; i++) {
      fail("alice", "a" + i);
    }
    LoginLimits.Attempt third = limits.reserveLogin("alice", "a2");
    assertFalse(limits.reserveLogin("alice", "a3").granted(), "the third reservation started the back-off");
    limits.cancelled(third);
    assertTrue(limits.reserveLogin("alice", "a3").granted(), "without it, no wait");
  }

  @Test
  void retryAfterRoundsUp() {
    for (int i = 0; i < 6; i++) {
      fail("user" + i, "spray");
    }
    now.addAndGet(8_500);
    LoginLimits.Attempt refused = limits.reserveLogin("user6", "spray");
    assertEquals(1_500, refused.retryAfterMillis);
    assertEquals(2, refused.retryAfterSeconds());
  }

  @Test
  void registrationsArePerAddressAndRefusedOnesAreNotCounted() {
    assertEquals(0, limits.reserveRegistration("a"));
    limits.registrationRefused("a");
    assertEquals(0, limits.reserveRegistration("a"));
    assertEquals(0, limits.reserveRegistration("a"));
    assertEquals(1_800_000, limits.reserveRegistration("a"), "2 per hour: the next one in 30 minutes");
    assertEquals(0, limits.reserveRegistration("b"));
  }

  @Test
  void quietStateIsForgottenAndSweptAway() {
    for (int i = 0; i < 3; i++) {
      fail("alice", "a" + i);
    }
    assertTrue(limits.tracked() > 0);
    now.addAndGet(15 * 60_000 + 1);
    limits.sweep();
    assertEquals(0, limits.tracked());
    assertTrue(limits.reserveLogin("alice", "a").granted());
  }

  @Test
  void addressKeysGroupIpv6ByItsSlash64() {
    assertEquals("127.0.0.1", LoginLimits.addressKey("127.0.0.1"));
    assertEquals(LoginLimits.addressKey("2001:db8:1:2::1"), LoginLimits.addressKey("2001:db8:1:2:ffff::9"));
    assertFalse(LoginLimits.addressKey("2001:db8:1:2::1").equals(LoginLimits.addressKey("2001:db8:1:3::1")));
    assertEquals("2001:db8:1:2::/64", LoginLimits.addressKey("2001:0db8:0001:0002:0:0:0:1"));
  }
}
