package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One chat's events put back in seq order, with timers the test fires itself. */
class SeqOrderTest {

  private final Map<Long, Runnable> timers = new HashMap<>();
  private final List<Long> cancelled = new ArrayList<>();
  private final List<String> delivered = new ArrayList<>();
  private long nextTimer = 1;
  private final SeqOrder<String> order = new SeqOrder<>(new SeqOrder.Timers() {
    @Override
    public long set(long delayMs, Runnable action) {
      assertEquals(SeqOrder.WAIT_MS, delayMs);
      timers.put(nextTimer, action);
      return nextTimer++;
    }

    @Override
    public void cancel(long timerId) {
      timers.remove(timerId);
      cancelled.add(timerId);
    }
  }, delivered::add);

  private void fireAll() {
    List<Runnable> due = new ArrayList<>(timers.values());
    timers.clear();
    due.forEach(Runnable::run);
  }

  @Test
  void eventsInOrderPassAtOnceAndNoTimerIsSet() {
    order.offer(7, "7");
    order.offer(8, "8");
    order.offer(0, "presence");
    order.offer(9, "9");
    assertEquals(List.of("7", "8", "presence", "9"), delivered);
    assertEquals(0, timers.size(), "nothing was ever held");
  }

  @Test
  void anEarlyEventWaitsForTheMissingOneThenBothGoInSeqOrder() {
    order.offer(1, "1");
    order.offer(3, "3");
    order.offer(4, "4");
    assertEquals(List.of("1"), delivered, "3 and 4 wait for 2");
    assertEquals(2, order.heldCount());
    order.offer(0, "typing");
    assertEquals(List.of("1", "typing"), delivered, "an event without a seq is not held");
    order.offer(2, "2");
    assertEquals(List.of("1", "typing", "2", "3", "4"), delivered);
    assertEquals(0, timers.size(), "the wait ended with the missing event: its timer is cancelled");
    assertEquals(1, cancelled.size());
  }

  @Test
  void aSeqThatNeverComesIsGivenUpAfterTheWaitAndALateOneIsDropped() {
    order.offer(10, "10");
    order.offer(12, "12");
    order.offer(14, "14");
    assertEquals(List.of("10"), delivered);
    fireAll();
    assertEquals(List.of("10", "12", "14"), delivered, "after the wait, the held ones in seq order, gaps left");
    order.offer(11, "11");
    order.offer(13, "13");
    assertEquals(List.of("10", "12", "14"), delivered, "late: dropped, the sockets fill the gap from the feed");
    assertEquals(2, order.lateCount());
    order.offer(15, "15");
    assertEquals(List.of("10", "12", "14", "15"), delivered, "the next after the last delivered passes");
    assertEquals(0, timers.size());
  }

  @Test
  void closingDropsWhatIsHeldAndItsTimer() {
    order.offer(1, "1");
    order.offer(3, "3");
    order.close();
    assertEquals(0, order.heldCount());
    assertEquals(0, timers.size());
    fireAll();
    assertEquals(List.of("1"), delivered);
  }
}
