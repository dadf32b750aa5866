/*
 * Who is online, per chat: GET /api/chats/{id}/presence ({"online":[user ids]}) each time the
 * registration on chat.{id} is (re)confirmed, then the live `presence` events there
 * ({"type":"presence","chat_id","user_id","online"}). Events that come while the answer is on
 * its way are applied again onto it (each event is a state, so the last one wins). Changes are
 * announced as 'presence' (chat id). No DOM here.
 */
import { api } from './api.js';
import { state, emit } from './state.js';

/** chat id -> Set of user ids online. */
const online = new Map();
/** chat id -> live events received while its presence is being fetched. */
const loading = new Map();

export async function loadPresence(chatId) {
  const replay = [];
  loading.set(chatId, replay);
  try {
    const answer = await api('GET', '/api/chats/' + chatId + '/presence');
    if (loading.get(chatId) !== replay || !state.chats.has(chatId)) {
      return;
    }
    online.set(chatId, new Set(Array.isArray(answer.online) ? answer.online : []));
    replay.forEach(e => put(chatId, e));
    emit('presence', chatId);
  } catch (e) {
    // presence is an extra: the page works without it (and asks again on the next subscription)
  } finally {
    if (loading.get(chatId) === replay) {
      loading.delete(chatId);
    }
  }
}

/** A live `presence` event on chat.{id}. */
export function presenceEvent(chatId, event) {
  if (typeof event.user_id !== 'number') {
    return;
  }
  const replay = loading.get(chatId);
  if (replay) {
    replay.push(event);
  }
  put(chatId, event);
  emit('presence', chatId);
}

function put(chatId, event) {
  let users = online.get(chatId);
  if (!users) {
    users = new Set();
    online.set(chatId, users);
  }
  if (event.online) {
    users.add(event.user_id);
  } else {
    users.delete(event.user_id);
  }
}

export function isOnline(chatId, userId) {
  const users = online.get(chatId);
  return !!users && users.has(userId);
}

/** Forgets a chat's presence (it was dropped), or everything (null: logout). */
export function forgetPresence(chatId) {
  if (chatId === null || chatId === undefined) {
    online.clear();
    loading.clear();
  } else {
    online.delete(chatId);
    loading.delete(chatId);
  }
}
