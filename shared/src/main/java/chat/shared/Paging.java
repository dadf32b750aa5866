package chat.shared;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The paging of the administration's lists: {@code page} (from 1, default 1) and
 * {@code page_size} (1 to {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE}). Values
 * may be JSON integers or decimal strings (query parameters); an empty string counts as absent.
 * A page answers {@code {<items>:[..], total, page, page_size}}.
 */
public record Paging(int page, int pageSize) {

  public static final String PAGE = "page";
  public static final String PAGE_SIZE = "page_size";
  public static final int DEFAULT_PAGE_SIZE = 20;
  public static final int MAX_PAGE_SIZE = 100;

  private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,12}");

  /** Rows to skip before this page. */
  public long offset() {
    return (long) (page - 1) * pageSize;
  }

  /** The paging of a request, or a VALIDATION failure naming every bad field. */
  public static Paging from(JsonObject body) {
    JsonObject problems = new JsonObject();
    Paging paging = read(body, problems::put);
    if (problems.size() == 1) {
      String field = problems.fieldNames().iterator().next();
      throw ServiceError.validation(field, problems.getString(field));
    }
    if (!problems.isEmpty()) {
      throw new ServiceError(ErrorCode.VALIDATION, "Invalid fields: " + String.join(", ", problems.fieldNames()), problems);
    }
    return paging;
  }

  /** The paging of a request; each bad field is reported to {@code reject} and replaced by its default. */
  public static Paging read(JsonObject body, BiConsumer<String, String> reject) {
    Long page = number(body.getValue(PAGE));
    Long size = number(body.getValue(PAGE_SIZE));
    int p = 1;
    int s = DEFAULT_PAGE_SIZE;
    if (page != null) {
      if (page < 1 || page > Integer.MAX_VALUE) {
        reject.accept(PAGE, "must be an integer from 1 to " + Integer.MAX_VALUE);
      } else {
        p = page.intValue();
      }
    }
    if (size != null) {
      if (size < 1 || size > MAX_PAGE_SIZE) {
        reject.accept(PAGE_SIZE, "must be an integer from 1 to " + MAX_PAGE_SIZE);
      } else {
        s = size.intValue();
      }
    }
    return new Paging(p, s);
  }

  /** The reply of a page: {@code {<itemsKey>:[..], total, page, page_size}}. */
  public JsonObject reply(String itemsKey, List<?> items, long total) {
    return new JsonObject()
      .put(itemsKey, new JsonArray(List.copyOf(items)))
      .put("total", total)
      .put(PAGE, page)
      .put(PAGE_SIZE, pageSize);
  }

  /** null when absent or empty; {@code Long.MIN_VALUE} (invalid) when not an integer. */
  private static Long number(Object value) {
    if (value == null || (value instanceof String && ((String) value).isEmpty())) {
      return null;
    }
    if (value instanceof String) {
      String text = ((String) value).trim();
      return NUMBER.matcher(text).matches() ? Long.parseLong(text) : Long.MIN_VALUE;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
      return ((BigInteger) value).longValue();
    }
    return Long.MIN_VALUE;
  }
}
