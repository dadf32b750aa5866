package chat.shared;

import java.util.Optional;

/** The three kinds of user; the wire name is what REST and the event bus carry. */
public enum UserType {
  OWNER("owner"),
  STUDENT("student"),
  UNIVERSITY_STAFF("university_staff");

  private final String wireName;

  UserType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<UserType> fromWire(String value) {
    for (UserType t : values()) {
      if (t.wireName.equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
