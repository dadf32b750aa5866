package chat.shared;

/**
 * The error codes of the public contract. The int is the stable code carried as the
 * event-bus {@code failureCode}; callers switch on it, never on message text.
 */
public enum ErrorCode {
  VALIDATION(1, 400, "validation"),
  UNAUTHENTICATED(2, 401, "unauthenticated"),
  CSRF(3, 403, "csrf"),
  FORBIDDEN(4, 403, "forbidden"),
  NOT_FOUND(5, 404, "not_found"),
  CONFLICT(6, 409, "conflict"),
  PAYLOAD_TOO_LARGE(7, 413, "payload_too_large"),
  RATE_LIMITED(8, 429, "rate_limited"),
  INTERNAL(9, 500, "internal"),
  UNAVAILABLE(10, 503, "unavailable"),
  /** A service did not answer in time (extension of the contract: 504). */
  TIMEOUT(11, 504, "timeout"),
  /** The path exists but not with this method (extension of the contract: 405). */
  METHOD_NOT_ALLOWED(12, 405, "method_not_allowed"),
  /** The request line (path and query) is too long for the server (extension of the contract: 414). */
  URI_TOO_LONG(13, 414, "uri_too_long"),
  /** The request's headers are too large for the server (extension of the contract: 431). */
  HEADERS_TOO_LARGE(14, 431, "headers_too_large");

  private final int code;
  private final int httpStatus;
  private final String wireName;

  ErrorCode(int code, int httpStatus, String wireName) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.wireName = wireName;
  }

  /** Stable int used as the event-bus failure code. */
  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code error.code} string of the JSON error body. */
  public String wireName() {
    return wireName;
  }

  /** The code with this failure code, or null when it is not one of ours. */
  public static ErrorCode ofCode(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
