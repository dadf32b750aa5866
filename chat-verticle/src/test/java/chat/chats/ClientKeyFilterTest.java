package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientKeyFilterTest {

  @Test
  void everyKeyAddedIsMaybeAndFewOthersAre() {
    ClientKeyFilter filter = new ClientKeyFilter(0);
    for (int i = 0; i < 100_000; i++) {
      filter.add(new ClientKey(i % 50, i % 200, "c-" + i));
    }
    for (int i = 0; i < 100_000; i++) {
      assertTrue(filter.mightContain(new ClientKey(i % 50, i % 200, "c-" + i)), "added key " + i);
    }
    int maybes = 0;
    for (int i = 0; i < 100_000; i++) {
      // The same client_ids under another sender, and new client_ids: never added.
      if (filter.mightContain(new ClientKey(i % 50, 1000 + i % 200, "c-" + i))
          || filter.mightContain(new ClientKey(i % 50, i % 200, "n-" + i))) {
        maybes++;
      }
    }
    assertTrue(maybes < 2 * 100_000 * ClientKeyFilter.FALSE_POSITIVES * 2,
      maybes + " of 200,000 keys never added were called maybe");
  }

  @Test
  void growsPastItsRoomWithoutForgetting() {
    ClientKeyFilter filter = new ClientKeyFilter(0);
    long keys = ClientKeyFilter.MIN_KEYS * 3 / 2;
    for (long i = 0; i < keys; i++) {
      filter.add(new ClientKey(1, i, "k"));
    }
    assertEquals(2, filter.filters());
    for (long i = 0; i < keys; i++) {
      assertTrue(filter.mightContain(new ClientKey(1, i, "k")), "added key " + i);
    }
  }

  @Test
  void startsWithRoomForTwiceTheKeysItIsToldOf() {
    ClientKeyFilter filter = new ClientKeyFilter(ClientKeyFilter.MIN_KEYS);
    for (long i = 0; i < 2 * ClientKeyFilter.MIN_KEYS; i++) {
      filter.add(new ClientKey(2, i, "k"));
    }
    assertEquals(1, filter.filters());
  }
}
