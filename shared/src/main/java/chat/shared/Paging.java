package chat.shared;

import chat.shared.validation.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The paging of the administration's lists: {@code page} (from 1, default 1) and
 * {@code page_size} (1 to {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE}), read by
 * {@link Fields#boundedInt}: JSON integers or decimal strings (query parameters), an empty string
 * counts as absent. A page answers {@code {<items>:[..], total, page, page_size}}.
 */
public record Paging(int page, int pageSize) {

  public static final String PAGE = "page";
  public static final String PAGE_SIZE = "page_size";
  public static final int DEFAULT_PAGE_SIZE = 20;
  public static final int MAX_PAGE_SIZE = 100;

  /** Rows to skip before this page. */
  public long offset() {
    return (long) (page - 1) * pageSize;
  }

  /** The paging of a request, or a VALIDATION failure naming every bad field. */
  public static Paging from(JsonObject body) {
    Fields in = new Fields(body);
    Paging paging = read(in);
    in.throwIfInvalid();
    return paging;
  }

  /** The paging of a request; each bad field is recorded on {@code in} and replaced by its default. */
  public static Paging read(Fields in) {
    return new Paging(in.boundedInt(PAGE, 1, 1, Integer.MAX_VALUE),
      in.boundedInt(PAGE_SIZE, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE));
  }

  /** The reply of a page: {@code {<itemsKey>:[..], total, page, page_size}}. */
  public JsonObject reply(String itemsKey, List<?> items, long total) {
    return new JsonObject()
      .put(itemsKey, new JsonArray(List.copyOf(items)))
      .put("total", total)
      .put(PAGE, page)
      .put(PAGE_SIZE, pageSize);
  }
}
