package chat.chats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The group commit's held keys: looked up, written a slot at a time in key order, and the watermark below them. */
class PendingKeysTest {

  @Test
  void heldKeysAreFoundUntilTheirSlotIsWritten() {
    PendingKeys keys = new PendingKeys();
    keys.add(new PendingKeys.Row(10, 1, PendingKeys.SLOTS, "a"));   // slot 0
    keys.add(new PendingKeys.Row(11, 1, 1, "b"));                   // slot 1
    keys.add(new PendingKeys.Row(12, 1, 0, null));                  // slot 0, no client_id
    ClientKey a = new ClientKey(1, PendingKeys.SLOTS, "a");
    assertEquals(10L, keys.messageId(a));
    assertNull(keys.messageId(new ClientKey(2, PendingKeys.SLOTS, "a")));

    // Slot 0 first.
    assertEquals(List.of(10L, 12L), keys.nextSlot().stream().map(PendingKeys.Row::id).toList());
    // Once it is written, the lowest held id is 11 (slot 1): the watermark stays below it.
    assertEquals(10, keys.watermarkAfterNextSlot(0, 12));
    keys.nextSlotWritten();
    assertNull(keys.messageId(a));
    assertEquals(11L, keys.messageId(new ClientKey(1, 1, "b")));
    assertEquals(1, keys.size());

    // Slot 1 written while a batch stores 13 and later: the watermark is 12.
    assertEquals(List.of(11L), keys.nextSlot().stream().map(PendingKeys.Row::id).toList());
    assertEquals(12, keys.watermarkAfterNextSlot(13, 12));
    // Nothing held and nothing new: everything committed is written.
    assertEquals(12, keys.watermarkAfterNextSlot(0, 12));
    keys.nextSlotWritten();
    assertEquals(0, keys.size());
    assertEquals(20, keys.watermarkAfterNextSlot(0, 20));
  }

  @Test
  void aKeyUsedAgainAfterItsMessageWentIsTheNewMessages() {
    PendingKeys keys = new PendingKeys();
    ClientKey k = new ClientKey(1, 1, "k");
    keys.add(new PendingKeys.Row(5, 1, 1, "k"));
    keys.add(new PendingKeys.Row(7, 1, 1, "k"));
    assertEquals(7L, keys.messageId(k));
    for (int i = 0; i < PendingKeys.SLOTS; i++) {
      keys.nextSlotWritten();
    }
    assertNull(keys.messageId(k));
  }
}
