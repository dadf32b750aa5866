/*
 * Keeps the page's chats in step with the server.
 *
 * - The chat list comes over REST when the page starts and whenever the socket's registration
 *   on the user's own address, user.{me}, is (re)confirmed ({"type":"subscribed"}); from then on
 *   chat_added / chat_removed / unread there keep it current.
 * - Each chat's events on chat.{id} are applied in seq order, each once: the chat object says
 *   which seq the page starts from (last_seq); an event at or below the seq applied is old news,
 *   one right after it is applied, one further on waits while the ones in between are fetched
 *   from the chat's change feed (GET /api/chats/{id}/events?after_seq=<applied>, page by page).
 *   The feed is also asked on every `subscribed` for chat.{id}, i.e. after each reconnect, so
 *   messages, edits and deletes made while the socket was down all show, and none twice.
 * - Read markers: the open, visible conversation marks its newest message read
 *   (PUT /api/chats/{id}/read); receipts come from GET /reads and live `read` events.
 * - Live only, never in the feed: `typing` (typing.js) and `presence` (presence.js, whose
 *   current state is fetched again on every `subscribed`).
 */
import { api } from './api.js';
import { state, conv, emit, bump, putMessage, removeMessage, putRead, isMine, newestId, oldestId } from './state.js';
import { showError, notify } from './feedback.js';
import { typingEvent, stoppedTyping, forgetTyping } from './typing.js';
import { loadPresence, presenceEvent, forgetPresence } from './presence.js';

const PAGE = 50;
const FEED_PAGE = 500;

let bus = null;
/** Counts local adds and drops of chats; changedAt: chat id -> count at its last one. */
let changes = 0;
const changedAt = new Map();
/** Chats I asked to leave (so their chat_removed says so). */
const leaving = new Set();

export function useBus(b) {
  bus = b;
}

const chatAddress = id => 'chat.' + id;

// ---- the user's own address ------------------------------------------------------------

export function watchMe() {
  bus.want('user.' + state.me.id, {
    // The registration is in place: whatever changed before it is in the list.
    onSubscribed: () => refreshChats(),
    onEvent: onUserEvent
  });
}

function onUserEvent(event) {
  switch (event.type) {
    case 'chat_added':
      if (event.chat && !state.chats.has(event.chat.id)) {
        addChat(event.chat);
      }
      break;
    case 'chat_removed': {
      const chat = state.chats.get(event.chat_id);
      if (chat) {
        // The event does not say why; chat.{id} may say it too, but in no fixed order.
        dropChat(chat.id, leaving.has(chat.id)
          ? 'You left the chat \u201c' + chat.name + '\u201d.'
          : 'The chat \u201c' + chat.name + '\u201d was deleted, or you were removed from it.');
      }
      break;
    }
    case 'unread': {
      const chat = state.chats.get(event.chat_id);
      if (chat && (event.last_read_message_id || 0) >= (chat.last_read_message_id || 0)) {
        chat.last_read_message_id = event.last_read_message_id;
        chat.unread_count = event.unread_count;
        emit('list');
      }
      break;
    }
    default:
      break; // types this page does not know
  }
}

// ---- chat.{id} -------------------------------------------------------------------------

function watchChat(id) {
  bus.want(chatAddress(id), {
    onSubscribed: () => {
      recover(id);
      loadPresence(id); // presence events are live only: take the current state again
      const c = conv(id);
      if (c.loaded) {
        loadReads(id); // read events are live only: take the current state again
      }
    },
    onEvent: event => onChatEvent(id, event)
  });
}

function onChatEvent(chatId, event) {
  if (!state.chats.has(chatId)) {
    return;
  }
  if (typeof event.seq !== 'number') {
    applyLive(chatId, event);
    return;
  }
  const c = conv(chatId);
  if (event.seq <= c.applied) {
    return; // already applied (from the feed)
  }
  if (event.seq === c.applied + 1 && !c.recovering) {
    applySeq(chatId, event);
    drainAhead(chatId);
  } else {
    c.ahead.set(event.seq, event);
    recover(chatId);
  }
}

/** Applies one numbered event and records its seq. */
function applySeq(chatId, event) {
  const c = conv(chatId);
  c.applied = event.seq;
  const chat = state.chats.get(chatId);
  chat.last_seq = Math.max(chat.last_seq || 0, event.seq);
  applyEvent(chatId, event);
}

function drainAhead(chatId) {
  const c = state.convs.get(chatId);
  if (!c) {
    return;
  }
  for (const seq of Array.from(c.ahead.keys())) {
    if (seq <= c.applied) {
      c.ahead.delete(seq);
    }
  }
  while (c.ahead.has(c.applied + 1) && state.chats.has(chatId)) {
    const next = c.ahead.get(c.applied + 1);
    c.ahead.delete(c.applied + 1);
    applySeq(chatId, next);
  }
}

/**
 * Fetches the chat's events after the seq applied, page by page, applies them, then whatever
 * came live meanwhile. One run at a time per chat; a call during a run makes it go once more.
 */
async function recover(chatId) {
  if (!state.chats.has(chatId)) {
    return;
  }
  const c = conv(chatId);
  if (c.recovering) {
    c.again = true;
    return;
  }
  c.recovering = true;
  try {
    do {
      c.again = false;
      for (;;) {
        const page = await api('GET', '/api/chats/' + chatId + '/events?after_seq=' + c.applied + '&limit=' + FEED_PAGE);
        if (state.convs.get(chatId) !== c || !state.chats.has(chatId)) {
          return;
        }
        for (const event of page.events) {
          if (event.seq > c.applied && state.chats.has(chatId)) {
            applySeq(chatId, event);
          }
        }
        if (!page.has_more) {
          // Events before my joining are not mine to see: the chat is as new as last_seq.
          c.applied = Math.max(c.applied, page.last_seq);
          break;
        }
      }
      drainAhead(chatId);
      if (c.ahead.size) {
        c.again = true; // a gap the feed did not have yet: ask once more
      }
    } while (c.again && state.convs.get(chatId) === c);
    if (c.countStale) {
      refreshCount(chatId);
    }
  } catch (e) {
    if (e.status === 404) {
      dropChat(chatId, 'You are no longer in this chat.');
    } else if (e.status !== 0) {
      showError(e);
    }
  } finally {
    c.recovering = false;
  }
}

/** Live-only events (no seq): read markers, typing, presence, chat deleted. */
function applyLive(chatId, event) {
  const chat = state.chats.get(chatId);
  switch (event.type) {
    case 'read':
      putRead(chatId, event.user_id, event.last_read_message_id);
      break;
    case 'typing':
      typingEvent(chatId, event);
      break;
    case 'presence':
      presenceEvent(chatId, event);
      break;
    case 'chat_deleted':
      dropChat(chatId, 'The chat \u201c' + chat.name + '\u201d was deleted.');
      break;
    default:
      break; // types this page does not know
  }
}

function applyEvent(chatId, event) {
  const chat = state.chats.get(chatId);
  const c = conv(chatId);
  switch (event.type) {
    case 'message': {
      const m = event.message;
      if (!m) {
        break;
      }
      bump(chatId);
      if (!m.deleted_at && m.sender) {
        if (isMine(m)) {
          // Sending moves my marker to my message: everything before it is read.
          chat.last_read_message_id = Math.max(chat.last_read_message_id || 0, m.id);
          chat.unread_count = 0;
        } else if (m.id > (chat.last_read_message_id || 0)) {
          chat.unread_count = (chat.unread_count || 0) + 1;
        }
        putRead(chatId, m.sender.id, m.id);
        stoppedTyping(chatId, m.sender.id); // its message is here: no longer typing it
        emit('list');
      }
      onMessages(chatId, event);
      break;
    }
    case 'message_edited':
    case 'reaction_changed':
      onMessages(chatId, event);
      break;
    case 'message_deleted': {
      const known = c.messages.get(event.message_id);
      if (event.message_id > (chat.last_read_message_id || 0)) {
        if (known && !isMine(known)) {
          chat.unread_count = Math.max(0, (chat.unread_count || 0) - 1);
          emit('list');
        } else if (!known) {
          c.countStale = true;
        }
      }
      onMessages(chatId, event);
      break;
    }
    case 'chat_renamed':
      chat.name = event.name;
      emit('chat', chatId);
      emit('list');
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
          dropChat(chatId, (leaving.has(chatId) ? 'You left the chat \u201c' : 'You were removed from the chat \u201c')
            + chat.name + '\u201d.');
        } else {
          chat.participants = chat.participants.filter(p => p.id !== event.user.id);
          stoppedTyping(chatId, event.user.id);
          emit('chat', chatId);
          emit('list');
        }
      }
      break;
    default:
      break; // types this page does not know
  }
}

/** The part of an event that changes loaded messages (replayed onto a page fetched meanwhile). */
function onMessages(chatId, event) {
  const c = conv(chatId);
  if (c.loading) {
    c.replay.push(event);
  }
  if (!c.loaded) {
    return;
  }
  switch (event.type) {
    case 'message':
      putMessage(chatId, event.message);
      markRead(chatId);
      break;
    case 'message_edited':
      if (c.messages.has(event.message.id)) {
        putMessage(chatId, event.message);
      }
      break;
    case 'reaction_changed': {
      const m = c.messages.get(event.message_id);
      if (m) {
        putMessage(chatId, Object.assign({}, m, { reactions: event.reactions }));
      }
      break;
    }
    case 'message_deleted':
      removeMessage(chatId, event.message_id);
      break;
    default:
      break;
  }
}

/** The exact unread count again, when the chat object is exactly as new as what is applied. */
async function refreshCount(chatId) {
  const c = conv(chatId);
  try {
    const fresh = await api('GET', '/api/chats/' + chatId);
    const chat = state.chats.get(chatId);
    if (chat && fresh.last_seq === c.applied) {
      c.countStale = false;
      chat.unread_count = fresh.unread_count;
      chat.last_read_message_id = fresh.last_read_message_id;
      emit('list');
    }
  } catch (e) {
    // the next recovery tries again
  }
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
    return; // network trouble: the next (re)subscription asks again
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
    const known = state.chats.get(chat.id);
    if (!known) {
      track(chat);
    } else {
      const c = conv(chat.id);
      if ((chat.last_seq || 0) === c.applied) {
        // The list is exactly as new as what is applied: its counts are exact.
        known.unread_count = chat.unread_count;
        known.last_read_message_id = chat.last_read_message_id;
        known.participants = chat.participants;
        known.name = chat.name;
      } else if ((chat.last_seq || 0) > c.applied) {
        recover(chat.id);
      }
    }
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

/** Starts following a chat the page did not know: its events from the chat object's last_seq on. */
function track(chat) {
  state.chats.set(chat.id, chat);
  conv(chat.id).applied = chat.last_seq || 0;
  watchChat(chat.id);
}

/** A chat I created, or was added to. */
export function addChat(chat) {
  changedAt.set(chat.id, ++changes);
  if (!state.chats.has(chat.id)) {
    track(chat);
  }
  bump(chat.id);
  emit('list');
}

/** A chat changed by a REST answer (participants, name). */
export function chatUpdated(chat) {
  const known = state.chats.get(chat.id);
  if (known) {
    known.name = chat.name;
    known.participants = chat.participants;
    emit('chat', chat.id);
    emit('list');
  }
}

export function dropChat(id, why) {
  if (!state.chats.has(id)) {
    return;
  }
  changedAt.set(id, ++changes);
  leaving.delete(id);
  bus.drop(chatAddress(id));
  state.chats.delete(id);
  state.convs.delete(id);
  forgetTyping(id);
  forgetPresence(id);
  state.order = state.order.filter(c => c !== id);
  emit('list');
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
  leaving.clear();
  forgetTyping(null);
  forgetPresence(null);
}

/** I am leaving this chat (its chat_removed may come before the answer). */
export function expectLeave(id) {
  leaving.add(id);
}

// ---- messages --------------------------------------------------------------------------

/** Fetches the newest page of a chat once (the first time it is opened), and its receipts. */
export async function loadNewest(id) {
  const c = conv(id);
  if (c.loaded || c.loading) {
    return;
  }
  c.loading = true;
  c.replay = [];
  try {
    const [page] = await Promise.all([
      api('GET', '/api/chats/' + id + '/messages?limit=' + PAGE),
      loadReads(id)
    ]);
    if (state.convs.get(id) !== c) {
      return;
    }
    for (const m of page.messages) {
      c.messages.set(m.id, m);
    }
    c.hasOlder = page.has_more;
    c.loaded = true;
    c.loading = false;
    // Events applied while the page was on its way may be newer than it: apply them again.
    const replay = c.replay;
    c.replay = [];
    replay.forEach(e => onMessages(id, e));
    emit('messages', id);
    markRead(id);
  } catch (e) {
    showError(e);
    if (e.status === 404) {
      dropChat(id);
    }
  } finally {
    c.loading = false;
  }
}

async function loadReads(id) {
  try {
    const answer = await api('GET', '/api/chats/' + id + '/reads');
    const c = state.convs.get(id);
    if (c) {
      for (const r of answer.reads) {
        if (r.last_read_message_id) {
          c.reads.set(r.user_id, Math.max(c.reads.get(r.user_id) || 0, r.last_read_message_id));
        }
      }
      emit('reads', id);
    }
  } catch (e) {
    // receipts are an extra: the conversation works without them
  }
}

/** The page before the oldest message loaded. */
export async function loadOlder(id) {
  const c = state.convs.get(id);
  const oldest = c && oldestId(c);
  if (!oldest) {
    return;
  }
  const page = await api('GET', '/api/chats/' + id + '/messages?before=' + oldest + '&limit=' + PAGE);
  if (state.convs.get(id) !== c) {
    return;
  }
  c.hasOlder = page.has_more;
  for (const m of page.messages) {
    if (!c.messages.has(m.id)) {
      putMessage(id, m);
    }
  }
}

/** A message this page sent or changed (the answer of the send, edit or reaction). */
export function messageAnswer(chatId, message) {
  const c = conv(chatId);
  if (!state.chats.has(chatId)) {
    return;
  }
  if (isMine(message) && !c.messages.has(message.id) && message.seq > c.applied) {
    // My new message, before its event: my marker is on it now.
    bump(chatId);
    putRead(chatId, message.sender.id, message.id);
  }
  if (c.loaded) {
    putMessage(chatId, message);
  }
}

/**
 * Marks the newest message read when the conversation is open and the page is visible;
 * one PUT at a time, again if more arrived meanwhile.
 */
export async function markRead(chatId) {
  const c = state.convs.get(chatId);
  const chat = state.chats.get(chatId);
  if (!c || !chat || !c.loaded || c.marking || state.current !== chatId || document.visibilityState !== 'visible') {
    return;
  }
  const newest = newestId(c);
  if (!newest || newest <= (chat.last_read_message_id || 0)) {
    if (chat.unread_count) {
      chat.unread_count = 0; // nothing newer than my marker is shown: nothing is unread
      emit('list');
    }
    return;
  }
  c.marking = true;
  try {
    const answer = await api('PUT', '/api/chats/' + chatId + '/read', { message_id: newest });
    if (state.chats.get(chatId) === chat && (answer.last_read_message_id || 0) >= (chat.last_read_message_id || 0)) {
      chat.last_read_message_id = answer.last_read_message_id;
      chat.unread_count = answer.unread_count;
      putRead(chatId, state.me.id, answer.last_read_message_id);
      emit('list');
    }
  } catch (e) {
    if (e.status === 404) {
      dropChat(chatId);
    }
    // 400: the message went away meanwhile; the next message tries again
  } finally {
    c.marking = false;
  }
  const now = newestId(c);
  if (now > newest && now > (chat.last_read_message_id || 0) && state.chats.get(chatId) === chat) {
    markRead(chatId);
  }
}
