/*
 * The chat list in the sidebar: my chats, most recent activity first, each with its unread
 * badge (the chat object's unread_count, kept current by sync.js) and its other participants,
 * each with a dot for whether it is online (presence.js).
 */
import { el, clear, byId, presenceDot } from './dom.js';
import { state, on } from './state.js';
import { isOnline } from './presence.js';

const list = byId('chat-list');
const noChats = byId('no-chats');
let open = () => {};

export function initChatList(onOpen) {
  open = onOpen;
  on('list', render);
  on('presence', render);
}

function render() {
  clear(list);
  for (const id of state.order) {
    const chat = state.chats.get(id);
    if (!chat) {
      continue;
    }
    const unread = id !== state.current ? (chat.unread_count || 0) : 0;
    const others = chat.participants.filter(p => !state.me || p.id !== state.me.id);
    list.appendChild(el('li', { className: id === state.current ? 'active' : '' },
      el('button', {
        type: 'button', className: 'chat-item', dataset: { chatId: id },
        on: { click: () => open(id) }
      },
      el('span', { className: 'chat-name' }, chat.name),
      unread ? el('span', { className: 'badge', 'aria-label': unread + ' unread' }, String(unread)) : null,
      el('span', { className: 'chat-people muted' }, others.length
        ? others.map((p, i) => el('span', { className: 'person', dataset: { userId: p.id } },
          i ? ', ' : '', presenceDot(isOnline(id, p.id)), p.username))
        : 'only you'))));
  }
  noChats.hidden = state.order.length > 0;
}
