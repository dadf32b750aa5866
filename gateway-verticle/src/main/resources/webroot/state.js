/*
 * What the chat page knows: the logged-in user, its chats (as the API gives them), their order,
 * and per chat what is loaded of its messages. Changes are announced to the panels by topic:
 *   'list'            the chat list changed (a chat, its order, a name, a badge)
 *   'chat'   (id)     a chat's own data changed (name, participants)
 *   'message'({chatId, id})  a message was added, changed or removed
 *   'messages'(id)    a chat's messages were replaced wholesale
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
    loaded: false,        // the newest page was fetched
    loading: null,        // promise of that fetch
    messages: new Map(),  // id -> message
    oldest: null,
    newest: null,
    hasOlder: false,
    subscribed: false,    // the gateway confirmed our registration on this socket
    catchingUp: false,
    again: false,
    unread: 0
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

/** Forgets everything of the logged-in user. */
export function reset() {
  state.me = null;
  state.chats.clear();
  state.order = [];
  state.convs.clear();
  state.current = null;
  emit('list');
}

export function putChat(chat) {
  state.chats.set(chat.id, chat);
  if (!state.order.includes(chat.id)) {
    state.order = [chat.id].concat(state.order);
  }
  emit('list');
  emit('chat', chat.id);
}

export function removeChat(id) {
  state.chats.delete(id);
  state.convs.delete(id);
  state.order = state.order.filter(c => c !== id);
  emit('list');
}

/** Moves a chat to the top of the list (new activity). */
export function bump(id) {
  if (state.order[0] !== id) {
    state.order = [id].concat(state.order.filter(c => c !== id));
    emit('list');
  }
}

/** Adds messages not yet known (kept by id); returns the number added. */
export function addMessages(chatId, messages) {
  const c = conv(chatId);
  let added = 0;
  for (const m of messages) {
    if (c.messages.has(m.id)) {
      continue;
    }
    c.messages.set(m.id, m);
    c.oldest = c.oldest === null ? m.id : Math.min(c.oldest, m.id);
    c.newest = c.newest === null ? m.id : Math.max(c.newest, m.id);
    added++;
    emit('message', { chatId: chatId, id: m.id });
  }
  return added;
}

export function removeMessage(chatId, id) {
  const c = state.convs.get(chatId);
  if (c && c.messages.delete(id)) {
    emit('message', { chatId: chatId, id: id });
  }
}
