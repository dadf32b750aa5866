/*
 * The open chat's head: its name (Rename for its creator and owners), and the People panel
 * (participants with a dot for who is online, leave/remove, adding someone by name). The server decides who may do what;
 * a refusal is shown.
 */
import { api, searchUsers } from './api.js';
import { el, clear, byId, userTypeLabel, presenceDot } from './dom.js';
import { userPicker } from './picker.js';
import { state, on } from './state.js';
import { chatUpdated, dropChat, expectLeave } from './sync.js';
import { showError } from './feedback.js';
import { isOnline } from './presence.js';

const head = {
  title: byId('chat-title'), toggle: byId('toggle-people'), people: byId('people'),
  participants: byId('participants'), picker: byId('add-person-picker'),
  rename: byId('rename'), renameForm: byId('rename-form'), renameCancel: byId('rename-cancel')
};

export function initPeople() {
  on('chat', id => {
    if (id === state.current) {
      render();
    }
  });
  on('presence', id => {
    if (id === state.current) {
      render();
    }
  });
  on('opened', () => {
    head.people.hidden = true;
    showRename(false);
    render();
  });
  head.rename.addEventListener('click', () => {
    const chat = state.chats.get(state.current);
    head.renameForm.elements.name.value = chat ? chat.name : '';
    showRename(true);
    head.renameForm.elements.name.focus();
  });
  head.renameCancel.addEventListener('click', () => showRename(false));
  head.renameForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    const id = state.current;
    try {
      chatUpdated(await api('PATCH', '/api/chats/' + id, { name: head.renameForm.elements.name.value }));
      showRename(false);
    } catch (e) {
      showError(e);
    }
  });
  head.toggle.addEventListener('click', () => {
    head.people.hidden = !head.people.hidden;
  });
  head.picker.appendChild(userPicker({
    placeholder: 'Add someone by name',
    search: searchUsers,
    exclude: u => {
      const chat = state.chats.get(state.current);
      return !chat || chat.participants.some(p => p.id === u.id);
    },
    onPick: async user => {
      try {
        chatUpdated(await api('POST', '/api/chats/' + state.current + '/participants', { user_id: user.id }));
      } catch (e) {
        showError(e);
      }
    },
    onError: showError
  }));
}

function showRename(open) {
  head.renameForm.hidden = !open;
  head.title.hidden = open;
  const chat = state.chats.get(state.current);
  head.rename.hidden = open || !chat || !mayRename(chat);
}

function mayRename(chat) {
  return !!state.me && (chat.created_by === state.me.id || state.me.user_type === 'owner');
}

function canRemove(chat, user) {
  return !!state.me && (user.id === state.me.id || chat.created_by === state.me.id || state.me.user_type === 'owner');
}

function render() {
  const chat = state.chats.get(state.current);
  if (!chat) {
    return;
  }
  head.title.textContent = chat.name;
  head.rename.hidden = !head.renameForm.hidden || !mayRename(chat);
  head.toggle.textContent = 'People (' + chat.participants.length + ')';
  clear(head.participants);
  for (const p of chat.participants) {
    const me = state.me && p.id === state.me.id;
    head.participants.appendChild(el('li', { dataset: { userId: p.id } },
      presenceDot(isOnline(chat.id, p.id)),
      el('span', { className: 'who' }, p.username),
      ' ',
      el('span', { className: 'muted' }, userTypeLabel(p.user_type) + (p.id === chat.created_by ? ', creator' : '')),
      canRemove(chat, p) ? el('button', {
        type: 'button', className: 'small' + (me ? '' : ' danger'), dataset: { removeUser: p.id },
        on: { click: () => removeParticipant(chat.id, p) }
      }, me ? 'Leave' : 'Remove') : null));
  }
}

async function removeParticipant(chatId, user) {
  const me = state.me && user.id === state.me.id;
  if (me) {
    expectLeave(chatId);
  }
  try {
    const chat = await api('DELETE', '/api/chats/' + chatId + '/participants/' + user.id);
    if (me) {
      dropChat(chatId, 'You left the chat \u201c' + chat.name + '\u201d.');
    } else {
      chatUpdated(chat);
    }
  } catch (e) {
    showError(e);
  }
}
