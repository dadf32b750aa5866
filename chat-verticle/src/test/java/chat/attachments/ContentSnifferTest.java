package chat.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The content-type table, byte for byte, and that feeding the bytes in pieces decides the same. */
class ContentSnifferTest {

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static String typeOf(String text) {
    return ContentSniffer.ofText(text);
  }

  @Test
  void magicNumbersNameTheImageAndPdfTypes() {
    assertEquals(ContentSniffer.PNG, ContentSniffer.of(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0)));
    assertEquals(ContentSniffer.JPEG, ContentSniffer.of(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10)));
    assertEquals(ContentSniffer.GIF, typeOf("GIF87a...."));
    assertEquals(ContentSniffer.GIF, typeOf("GIF89a...."));
    assertEquals(ContentSniffer.WEBP, typeOf("RIFF\u0001\u0002\u0003\u0004WEBPVP8L"));
    assertEquals(ContentSniffer.PDF, typeOf("%PDF-1.4\n"));
    // Almost: not the magic number.
    assertEquals(ContentSniffer.TEXT, typeOf("RIFF1234WAVEfmt "));
    assertEquals(ContentSniffer.TEXT, typeOf("GIF88a"));
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0x89, 'P', 'N', 'G')));
  }

  @Test
  void markupIsNeverText() {
    for (String markup : new String[] {"<!doctype html><p>x", "<!DOCTYPE HTML>", "<html>", "  \n\t<HTML lang=en>",
      "\uFEFF<svg xmlns='http://www.w3.org/2000/svg'/>", "<?xml version=\"1.0\"?><a/>", "<script>alert(1)</script>",
      "<!-- comment -->", "</p>", "<", "<é>"}) {
      assertEquals(ContentSniffer.OCTET_STREAM, typeOf(markup), markup);
    }
    for (String text : new String[] {"<3 you", "< 5 items", "a <b> c", "x\n<html>", "", "plain", "tab\tand\r\nnewlines\f"}) {
      assertEquals(ContentSniffer.TEXT, typeOf(text), text);
    }
  }

  @Test
  void textIsWellFormedUtf8WithoutBinaryControls() {
    assertEquals(ContentSniffer.TEXT, typeOf("héllo ✓ 漢字 😀"));
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes('c', 'a', 'f', 0xE9)), "Latin-1");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes('a', 0, 'b')), "NUL");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes('a', 0x1B, '[', 'm')), "ESC");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes('a', 0x7F)), "DEL");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0xC0, 0x80)), "overlong NUL");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0xE0, 0x80, 0xAF)), "overlong");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0xED, 0xA0, 0x80)), "surrogate");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0xF4, 0x90, 0x80, 0x80)), "beyond U+10FFFF");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes('a', 0xE2, 0x9C)), "truncated at the end");
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(bytes(0xFF, 0xFE, 'a', 0)), "UTF-16");
  }

  @Test
  void piecesDecideLikeTheWhole() {
    Random random = new Random(3);
    String text = "héllo ✓ 漢字 😀 ".repeat(300);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] noise = new byte[5000];
    random.nextBytes(noise);
    for (byte[] whole : new byte[][] {utf8, noise}) {
      for (int piece : new int[] {1, 2, 3, 7, 1000}) {
        ContentSniffer sniffer = new ContentSniffer();
        for (int at = 0; at < whole.length; at += piece) {
          sniffer.update(whole, at, Math.min(piece, whole.length - at));
        }
        assertEquals(ContentSniffer.of(whole), sniffer.contentType(), "pieces of " + piece);
      }
    }
    assertEquals(ContentSniffer.TEXT, ContentSniffer.of(utf8));
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.of(noise));
  }
}
