/*
 * Typing, both ways. Mine: while I type in the composer, a notice ({}) goes to chat.{id}.typing
 * at most once a second per chat (without a reply; nothing when the bridge is down). Others':
 * the live `typing` events on chat.{id} (no seq, never stored; the server never sends me my
 * own) mark their user as typing in that chat until 5 s pass without another, or until a
 * message of that user arrives. Changes are announced as 'typing' (chat id). No DOM here.
 */
import { state, emit } from './state.js';

/** How long a user shows as typing after its last event (the contract's "about 5 seconds"). */
const SHOW_MS = 5000;
/** The server passes on at most one notice per user per chat per second: send no more. */
const SEND_EVERY_MS = 1000;

/** chat id -> Map(user id -> {username, timer}), in the order they started typing. */
const typing = new Map();
/** chat id -> when my last notice there went out (ms). */
const sentAt = new Map();

/** I typed in the composer of this chat: tell the others, at most once a second. */
export function iTyped(bus, chatId) {
  const now = Date.now();
  if (!chatId || now - (sentAt.get(chatId) || 0) < SEND_EVERY_MS) {
    return;
  }
  if (bus && bus.notify('chat.' + chatId + '.typing', {})) {
    sentAt.set(chatId, now);
  }
}

/** A `typing` event on chat.{id}: its user is typing there (for SHOW_MS from now). */
export function typingEvent(chatId, event) {
  const user = event.user;
  if (!user || typeof user.id !== 'number' || (state.me && user.id === state.me.id)) {
    return;
  }
  let users = typing.get(chatId);
  if (!users) {
    users = new Map();
    typing.set(chatId, users);
  }
  const known = users.get(user.id);
  if (known) {
    clearTimeout(known.timer);
  }
  const entry = { username: user.username || '?', timer: setTimeout(() => stoppedTyping(chatId, user.id), SHOW_MS) };
  users.set(user.id, entry);
  if (!known) {
    emit('typing', chatId);
  }
}

/** The user's message arrived (or 5 s passed, or it left): it is not typing any more. */
export function stoppedTyping(chatId, userId) {
  const users = typing.get(chatId);
  const entry = users && users.get(userId);
  if (!entry) {
    return;
  }
  clearTimeout(entry.timer);
  users.delete(userId);
  if (!users.size) {
    typing.delete(chatId);
  }
  emit('typing', chatId);
}

/** The names of the users typing in a chat now, in the order they started. */
export function typers(chatId) {
  const users = typing.get(chatId);
  return users ? Array.from(users.values()).map(u => u.username) : [];
}

/** "X is typing…", "X and Y are typing…", "X, Y and Z are typing…"; '' for nobody. */
export function typingText(names) {
  if (!names.length) {
    return '';
  }
  if (names.length === 1) {
    return names[0] + ' is typing\u2026';
  }
  return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] + ' are typing\u2026';
}

/** Forgets a chat's typers (it was dropped), or everything (null: logout). */
export function forgetTyping(chatId) {
  for (const [id, users] of Array.from(typing.entries())) {
    if (chatId === null || chatId === undefined || id === chatId) {
      users.forEach(u => clearTimeout(u.timer));
      typing.delete(id);
      sentAt.delete(id);
    }
  }
  if (chatId === null || chatId === undefined) {
    sentAt.clear();
  }
}
