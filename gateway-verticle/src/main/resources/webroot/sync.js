/*
 * Keeps the page's chats in step with the server: the chat list over REST, chat.{id} events
 * over the bridge, and what was missed while the socket was down.
 *
 * Not missing anything across a reconnect: on every (re)open the bus registers each chat's
 * address again and the gateway answers {"type":"subscribed"}; from then on every new message
 * is delivered, so fetching history with after=<newest id seen> fills the gap. Messages are
 * kept by id, so one that comes both ways is shown once.
 */
import { api } from './api.js';
import { state, conv, emit, putChat, removeChat, bump, addMessages, removeMessage, isMine } from './state.js';
import { showError, notify } from './feedback.js';

const PAGE = 50;
const CATCH_UP_PAGE = 200;

let bus = null;
/** Counts local adds and drops of chats; changedAt: chat id -> count at its last one. */
let changes = 0;
const changedAt = new Map();

export function useBus(b) {
  bus = b;
}

const address = id => 'chat.' + id;

function subscribe(id) {
  bus.want(address(id), {
    onSubscribed: () => {
      const c = conv(id);
      c.subscribed = true;
      if (c.loaded) {
        catchUp(id);
      }
    },
    onEvent: event => onEvent(id, event)
  });
}

/** The socket (re)opened: chats I was added to while away. */
export function onReconnected() {
  for (const c of state.convs.values()) {
    c.subscribed = false;
  }
  refreshChats();
}

export function onDisconnected() {
  for (const c of state.convs.values()) {
    c.subscribed = false;
  }
}

function onEvent(chatId, event) {
  const chat = state.chats.get(chatId);
  if (!chat) {
    return;
  }
  switch (event.type) {
    case 'message':
      if (event.message) {
        onLiveMessage(chatId, event.message);
      }
      break;
    case 'participant_added':
      if (event.user) {
        if (!chat.participants.some(p => p.id === event.user.id)) {
          chat.participants.push(event.user);
        }
        emit('chat', chatId);
        emit('list');
      }
      break;
    case 'participant_removed':
      if (event.user) {
        if (state.me && event.user.id === state.me.id) {
          dropChat(chatId, 'You were removed from the chat \u201c' + chat.name + '\u201d.');
        } else {
          chat.participants = chat.participants.filter(p => p.id !== event.user.id);
          emit('chat', chatId);
          emit('list');
        }
      }
      break;
    case 'message_deleted':
      removeMessage(chatId, event.message_id);
      break;
    case 'chat_deleted':
      dropChat(chatId, 'The chat \u201c' + chat.name + '\u201d was deleted.');
      break;
    default:
      // Types this page does not know are ignored, as the contract asks.
      break;
  }
}

function onLiveMessage(chatId, message) {
  const c = conv(chatId);
  bump(chatId);
  if (c.loaded) {
    addMessages(chatId, [message]);
  }
  if (chatId !== state.current && !isMine(message)) {
    c.unread++;
    emit('list');
  }
}

/** A message this page sent (the reply of the send). */
export function sent(chatId, message) {
  bump(chatId);
  addMessages(chatId, [message]);
}

// ---- the chat list ---------------------------------------------------------------------

export async function refreshChats() {
  if (!state.me) {
    return;
  }
  // A chat added or dropped here after the list was read is newer than the list.
  const start = changes;
  const newer = id => (changedAt.get(id) || 0) > start;
  let list;
  try {
    list = (await api('GET', '/api/chats')).chats;
  } catch (e) {
    if (e.status === 401) {
      showError(e);
    }
    return; // network trouble: try again at the next refresh
  }
  if (!state.me) {
    return;
  }
  const seen = new Set();
  for (const chat of list) {
    if (newer(chat.id) && !state.chats.has(chat.id)) {
      continue; // dropped while the list was on its way
    }
    seen.add(chat.id);
    state.chats.set(chat.id, chat);
    subscribe(chat.id);
  }
  const kept = [];
  for (const id of Array.from(state.chats.keys())) {
    if (seen.has(id)) {
      continue;
    }
    if (newer(id)) {
      kept.push(id); // created while the list was on its way
    } else {
      dropChat(id, 'You are no longer in the chat \u201c' + state.chats.get(id).name + '\u201d.');
    }
  }
  state.order = kept.concat(list.map(c => c.id).filter(id => seen.has(id)));
  emit('list');
  if (state.current && state.chats.has(state.current)) {
    emit('chat', state.current);
  }
}

export function addChat(chat) {
  changedAt.set(chat.id, ++changes);
  putChat(chat);
  bump(chat.id);
  subscribe(chat.id);
}

/** A chat changed by a REST answer (participants added or removed). */
export function chatUpdated(chat) {
  if (state.chats.has(chat.id)) {
    state.chats.set(chat.id, chat);
    emit('chat', chat.id);
    emit('list');
  }
}

export function dropChat(id, why) {
  if (!state.chats.has(id)) {
    return;
  }
  changedAt.set(id, ++changes);
  bus.drop(address(id));
  removeChat(id);
  if (state.current === id) {
    state.current = null;
    emit('closed', id);
  }
  if (why) {
    notify(why);
  }
}

export function forget() {
  changedAt.clear();
}

// ---- messages --------------------------------------------------------------------------

/** Fetches the newest page of a chat once (the first time it is opened). */
export function loadNewest(id) {
  const c = conv(id);
  if (!c.loading) {
    c.loading = (async () => {
      try {
        const page = await api('GET', '/api/chats/' + id + '/messages?limit=' + PAGE);
        if (state.convs.get(id) !== c) {
          return;
        }
        c.loaded = true;
        c.hasOlder = page.has_more;
        addMessages(id, page.messages);
        emit('messages', id);
        // A registration confirmed before this page was read may have missed nothing, or not:
        // ask for anything newer than what the page had.
        if (c.subscribed) {
          catchUp(id);
        }
      } catch (e) {
        showError(e);
        if (e.status === 404) {
          dropChat(id);
        }
      } finally {
        c.loading = null;
      }
    })();
  }
  return c.loading;
}

/** The page before the oldest message loaded. */
export async function loadOlder(id) {
  const c = state.convs.get(id);
  if (!c || c.oldest === null) {
    return;
  }
  const page = await api('GET', '/api/chats/' + id + '/messages?before=' + c.oldest + '&limit=' + PAGE);
  if (state.convs.get(id) !== c) {
    return;
  }
  c.hasOlder = page.has_more;
  addMessages(id, page.messages);
}

/** Fetches every message after the newest one seen, page by page (after a (re)subscription). */
async function catchUp(id) {
  const c = state.convs.get(id);
  if (!c || !c.loaded) {
    return;
  }
  if (c.catchingUp) {
    c.again = true;
    return;
  }
  c.catchingUp = true;
  try {
    do {
      c.again = false;
      for (;;) {
        const query = c.newest ? 'after=' + c.newest + '&limit=' + CATCH_UP_PAGE : 'limit=' + PAGE;
        const page = await api('GET', '/api/chats/' + id + '/messages?' + query);
        if (state.convs.get(id) !== c) {
          return;
        }
        addMessages(id, page.messages);
        if (!c.newest || !page.has_more || !page.messages.length) {
          break;
        }
      }
    } while (c.again);
  } catch (e) {
    if (e.status === 404) {
      dropChat(id);
    } else if (e.status !== 0) {
      showError(e);
    }
  } finally {
    c.catchingUp = false;
  }
}
