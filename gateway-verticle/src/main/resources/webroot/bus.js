/*
 * The event-bus bridge client (the vendored vertx-eventbus.js over SockJS, classic scripts
 * that define the global EventBus): one socket that reconnects by itself, the addresses the
 * page wants registered again on every (re)open, and the gateway's {"type":"subscribed"} event
 * (sent once a registration is in place) passed on separately from the other events.
 */

const SUBSCRIBED = 'subscribed';

export class Bus {
  /** onState(s): 'online' | 'reconnecting' | 'offline'. */
  constructor(url, onState) {
    this.url = url;
    this.onState = onState;
    this.eb = null;
    /** address -> {onEvent(body), onSubscribed()}, kept across reconnects. */
    this.wanted = new Map();
    /** address -> the handler registered on the current socket. */
    this.registered = new Map();
  }

  start() {
    const eb = new window.EventBus(this.url);
    eb.enableReconnect(true);
    this.eb = eb;
    this.onState('reconnecting');
    eb.onopen = () => {
      if (this.eb !== eb) {
        return;
      }
      this.onState('online');
      // The client forgets its handlers with the old socket; register everything again.
      this.registered.clear();
      for (const address of this.wanted.keys()) {
        this.register(address);
      }
    };
    eb.onclose = () => {
      if (this.eb !== eb) {
        return;
      }
      this.registered.clear();
      this.onState('reconnecting');
    };
    eb.onerror = err => {
      // err frames without an address: a refused register (access_denied) for a chat just left.
      console.warn('event bus:', err);
    };
  }

  close() {
    const eb = this.eb;
    this.eb = null;
    this.wanted.clear();
    this.registered.clear();
    if (eb) {
      try {
        eb.close();
      } catch (e) {
        // already closed
      }
    }
    this.onState('offline');
  }

  get open() {
    return !!this.eb && this.eb.state === window.EventBus.OPEN;
  }

  /** Keeps address registered (now if the socket is open, and after every reconnect). */
  want(address, listener) {
    this.wanted.set(address, listener);
    this.register(address);
  }

  drop(address) {
    this.wanted.delete(address);
    const handler = this.registered.get(address);
    this.registered.delete(address);
    if (handler && this.open) {
      try {
        this.eb.unregisterHandler(address, handler);
      } catch (e) {
        // the socket went away meanwhile
      }
    }
  }

  register(address) {
    if (!this.open || this.registered.has(address)) {
      return;
    }
    const handler = (err, msg) => {
      const listener = this.wanted.get(address);
      if (err || !listener || !msg || !msg.body || typeof msg.body !== 'object') {
        return;
      }
      if (msg.body.type === SUBSCRIBED) {
        listener.onSubscribed();
      } else {
        listener.onEvent(msg.body);
      }
    };
    this.registered.set(address, handler);
    this.eb.registerHandler(address, handler);
  }

  /** Sends without a reply (a typing notice); false when the bridge is down. */
  notify(address, body) {
    if (!this.open) {
      return false;
    }
    try {
      this.eb.send(address, body);
      return true;
    } catch (e) {
      return false; // the socket went away meanwhile
    }
  }

  /**
   * Sends with a reply. Resolves with the reply body; rejects with {fallback: true} when the
   * bridge is down, does not answer within timeoutMs or has no handler, and with
   * {failureCode, code} for a refusal (failureCode is the HTTP status, code the contract's).
   */
  request(address, body, timeoutMs) {
    return new Promise((resolve, reject) => {
      if (!this.open) {
        reject({ fallback: true });
        return;
      }
      let done = false;
      const timer = setTimeout(() => {
        if (!done) {
          done = true;
          reject({ fallback: true });
        }
      }, timeoutMs);
      try {
        this.eb.send(address, body, (err, reply) => {
          if (done) {
            return;
          }
          done = true;
          clearTimeout(timer);
          if (!err) {
            resolve(reply.body);
          } else if (typeof err.failureCode === 'number' && err.failureCode >= 400) {
            reject({ failureCode: err.failureCode, code: err.message });
          } else {
            reject({ fallback: true }); // timeout or no handler on the server side
          }
        });
      } catch (e) {
        done = true;
        clearTimeout(timer);
        reject({ fallback: true });
      }
    });
  }
}
