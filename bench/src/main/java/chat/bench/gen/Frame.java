package chat.bench.gen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * One bridge frame from the server, read with Jackson's streaming parser: only the fields
 * the generator needs, in any order, without building a tree (a delivery is parsed once per
 * receiver, so this is the generator's hottest path).
 *
 * <p>Understood: {@code {"type":"rec","address":A,"body":{"type":"message","message":{"id","content",..}}}}
 * (an event), {@code {"type":"rec","address":R,"body":{"id","content",..}}} (a reply) and
 * {@code {"type":"err","address"?,"body"?|"failureCode","message"}}; for a typing event
 * ({@code "body":{"type":"typing","chat_id","user":{"id","username"}}}) the typer's id.
 */
public final class Frame {

  private static final JsonFactory JSON = new JsonFactory();

  public String type;
  public String address;
  public String bodyType;
  public String bodyText;
  /** The message id: {@code body.message.id} for an event, {@code body.id} for a reply. */
  public long messageId;
  public String content;
  /** {@code body.user.id} (a typing event's typer), 0 without one. */
  public long userId;
  public int failureCode;
  public String failureMessage;

  private void reset() {
    type = null;
    address = null;
    bodyType = null;
    bodyText = null;
    messageId = 0;
    content = null;
    userId = 0;
    failureCode = 0;
    failureMessage = null;
  }

  /** Parses UTF-8 JSON; false if it is not a JSON object. */
  public boolean parse(byte[] json) {
    reset();
    try (JsonParser p = JSON.createParser(json)) {
      return read(p);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public boolean parse(String json) {
    reset();
    try (JsonParser p = JSON.createParser(json)) {
      return read(p);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private boolean read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type":
          type = p.getValueAsString();
          break;
        case "address":
          address = p.getValueAsString();
          break;
        case "failureCode":
          failureCode = p.getValueAsInt();
          break;
        case "message":
          failureMessage = t == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
          break;
        case "body":
          if (t == JsonToken.START_OBJECT) {
            readBody(p);
          } else if (t == JsonToken.VALUE_STRING) {
            bodyText = p.getText();
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    return type != null;
  }

  private void readBody(JsonParser p) throws IOException {
    long bodyId = 0;
    String bodyContent = null;
    boolean nested = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type":
          bodyType = p.getValueAsString();
          break;
        case "id":
          bodyId = p.getValueAsLong();
          break;
        case "content":
          bodyContent = p.getValueAsString();
          break;
        case "message":
          if (t == JsonToken.START_OBJECT) {
            nested = true;
            readMessage(p);
          } else {
            bodyText = p.getValueAsString();
            p.skipChildren();
          }
          break;
        case "user":
          if (t == JsonToken.START_OBJECT) {
            readUser(p);
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    if (!nested) {
      messageId = bodyId;
      content = bodyContent;
    }
  }

  private void readUser(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("id".equals(name)) {
        userId = p.getValueAsLong();
      } else {
        p.skipChildren();
      }
    }
  }

  private void readMessage(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("id".equals(name)) {
        messageId = p.getValueAsLong();
      } else if ("content".equals(name)) {
        content = p.getValueAsString();
      } else {
        p.skipChildren();
      }
    }
  }
}
