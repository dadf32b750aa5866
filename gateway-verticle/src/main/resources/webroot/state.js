/*
 * What the chat page knows: the logged-in user, its chats (as the API gives them, with the
 * caller's unread_count and last_read_message_id), their order, and per chat its conversation:
 * the messages loaded (by id), the chat's seq applied so far, and the participants' read
 * markers. Changes are announced to the panels by topic:
 *   'list'                  the chat list changed (a chat, its order, a name, a badge)
 *   'chat'     (id)         a chat's own data changed (name, participants)
 *   'message'  ({chatId, id})  a message was added, changed or removed
 *   'messages' (id)         a chat's messages were replaced wholesale
 *   'reads'    (id)         a chat's read markers changed
 *   'opened' / 'closed' (id) the chat shown changed
 * No DOM here.
 */

export const state = {
  me: null,
  /** id -> chat object. */
  chats: new Map(),
  /** Chat ids, most recent activity first. */
  order: [],
  /** id -> conversation (see newConversation). */
  convs: new Map(),
  /** The chat shown, or null. */
  current: null
};

const listeners = new Map();

export function on(topic, fn) {
  if (!listeners.has(topic)) {
    listeners.set(topic, []);
  }
  listeners.get(topic).push(fn);
}

export function emit(topic, detail) {
  for (const fn of listeners.get(topic) || []) {
    fn(detail);
  }
}

function newConversation() {
  return {
    /** The chat's seq up to which its events are applied here (from the chat object, then events). */
    applied: 0,
    /** seq -> live event that came before the ones between it and `applied`. */
    ahead: new Map(),
    recovering: false,
    again: false,
    /** The unread count may be off (a message deleted that this page never saw). */
    countStale: false,
    loaded: false,        // the newest page of messages was fetched
    loading: false,       // that fetch is on its way
    replay: [],           // events applied while it was: applied again onto the page
    messages: new Map(),  // id -> message
    hasOlder: false,
    /** user id -> last_read_message_id (GET /reads, then live read events and messages). */
    reads: new Map(),
    marking: false        // a PUT /read is on its way
  };
}

/** The conversation of a chat (made on first use). */
export function conv(id) {
  let c = state.convs.get(id);
  if (!c) {
    c = newConversation();
    state.convs.set(id, c);
  }
  return c;
}

export function isMine(message) {
  return !!(state.me && message && message.sender && message.sender.id === state.me.id);
}

export function oldestId(c) {
  let min = null;
  for (const id of c.messages.keys()) {
    min = min === null || id < min ? id : min;
  }
  return min;
}

export function newestId(c) {
  let max = null;
  for (const id of c.messages.keys()) {
    max = max === null || id > max ? id : max;
  }
  return max;
}

/** Forgets everything of the logged-in user. */
export function reset() {
  state.me = null;
  state.chats.clear();
  state.order = [];
  state.convs.clear();
  state.current = null;
  emit('list');
}

/** Moves a chat to the top of the list (new activity). */
export function bump(id) {
  if (state.order[0] !== id) {
    state.order = [id].concat(state.order.filter(c => c !== id));
    emit('list');
  }
}

/** Adds or replaces a message (kept by id, so one that comes twice is shown once). */
export function putMessage(chatId, m) {
  const c = conv(chatId);
  if (m.deleted_at) {
    removeMessage(chatId, m.id);
    return;
  }
  c.messages.set(m.id, m);
  emit('message', { chatId: chatId, id: m.id });
}

export function removeMessage(chatId, id) {
  const c = state.convs.get(chatId);
  if (c && c.messages.delete(id)) {
    emit('message', { chatId: chatId, id: id });
  }
}

/** A participant's read marker moved (forward only). */
export function putRead(chatId, userId, messageId) {
  const c = conv(chatId);
  if (messageId && messageId > (c.reads.get(userId) || 0)) {
    c.reads.set(userId, messageId);
    emit('reads', chatId);
  }
}
