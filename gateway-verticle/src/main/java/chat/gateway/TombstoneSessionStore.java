package chat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session store that never lets a deleted session id come back: every delete first leaves a
 * tombstone (in Vert.x shared data, cluster-wide when clustered, kept as long as a session may
 * live), and get and put consult it.
 *
 * <p>Why: {@code ClusteredSessionStore} hands every request its own deserialised copy of the
 * session, and its {@code put} is "get, compare versions, put" with no version check when the
 * entry is absent. A request that read the session before a logout and finishes after it
 * writes its (not destroyed) copy back: the logged-out session is alive again, on every
 * gateway. The local store does not have the race only because all requests share one
 * instance, which {@code destroy()} marks.
 *
 * <p>Ordering that makes it hold whatever is in flight: delete writes the tombstone before it
 * removes the entry; put stores first and checks the tombstone after. A put that lands after
 * the removal therefore sees the tombstone and removes its entry again; one that lands before
 * is removed by the delete. In between a get already answers "no session" because of the
 * tombstone.
 *
 * <p>A tombstone once seen is remembered here (bounded), so the session handler's retries for
 * a dead cookie (it polls the store for {@code retryTimeout} before giving up) and a thief
 * replaying one cost no cluster round trip.
 */
final class TombstoneSessionStore implements SessionStore {

  /** Shared-data map of tombstones (gateway-internal, so not in the contract jar). */
  static final String TOMBSTONES_MAP = "chat.gateway.sessions.destroyed";

  private static final int REMEMBERED_MAX = 10_000;

  private final Vertx vertx;
  private final SessionStore delegate;
  private final long tombstoneTtlMs;
  private Future<AsyncMap<String, Boolean>> tombstones;
  /** Session ids known to be destroyed, and until when (ms); least recently used dropped first. */
  private final Map<String, Long> remembered = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED_MAX;
    }
  });

  TombstoneSessionStore(Vertx vertx, SessionStore delegate, long tombstoneTtlMs) {
    this.vertx = vertx;
    this.delegate = delegate;
    this.tombstoneTtlMs = tombstoneTtlMs;
  }

  private Future<AsyncMap<String, Boolean>> tombstones() {
    if (tombstones == null || tombstones.failed()) {
      tombstones = vertx.sharedData().getAsyncMap(TOMBSTONES_MAP);
    }
    return tombstones;
  }

  private Future<Boolean> destroyed(String id) {
    Long until = remembered.get(id);
    if (until != null && until > System.currentTimeMillis()) {
      return Future.succeededFuture(true);
    }
    return tombstones().compose(map -> map.get(id)).map(found -> {
      if (Boolean.TRUE.equals(found)) {
        remember(id);
        return true;
      }
      return false;
    });
  }

  private void remember(String id) {
    remembered.put(id, System.currentTimeMillis() + tombstoneTtlMs);
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    delegate.init(vertx, options);
    return this;
  }

  @Override
  public long retryTimeout() {
    return delegate.retryTimeout();
  }

  @Override
  public Session createSession(long timeout) {
    return delegate.createSession(timeout);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return delegate.createSession(timeout, length);
  }

  @Override
  public Future<Session> get(String id) {
    // Both reads at once: a get that misses a tombstone being written belongs to a request
    // that overlapped the logout, and its later put is caught by the check in put.
    Future<Boolean> gone = destroyed(id);
    if (gone.succeeded() && gone.result()) {
      return Future.succeededFuture();
    }
    Future<Session> session = delegate.get(id);
    return Future.all(gone, session).map(v -> gone.result() ? null : session.result());
  }

  @Override
  public Future<Void> delete(String id) {
    remember(id);
    return tombstones()
      .compose(map -> map.put(id, Boolean.TRUE, tombstoneTtlMs))
      .compose(v -> delegate.delete(id));
  }

  @Override
  public Future<Void> put(Session session) {
    String id = session.id();
    return delegate.put(session)
      .compose(v -> destroyed(id))
      .compose(gone -> gone ? delegate.delete(id) : Future.succeededFuture());
  }

  @Override
  public Future<Void> clear() {
    return delegate.clear();
  }

  @Override
  public Future<Integer> size() {
    return delegate.size();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
