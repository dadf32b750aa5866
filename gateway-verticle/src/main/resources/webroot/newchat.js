/* The "New chat" form: a name and people picked by name. */
import { api, searchUsers } from './api.js';
import { el, clear, byId } from './dom.js';
import { userPicker } from './picker.js';
import { state } from './state.js';
import { addChat } from './sync.js';
import { showError, hideError } from './feedback.js';

const details = byId('new-chat');
const form = byId('new-chat-form');
const chips = byId('new-chat-people');
/** Users picked: id -> user. */
const picked = new Map();

export function initNewChat(openChat) {
  byId('new-chat-picker').appendChild(userPicker({
    placeholder: 'Add people by name',
    search: searchUsers,
    exclude: u => (state.me && u.id === state.me.id) || picked.has(u.id),
    onPick: user => {
      picked.set(user.id, user);
      render();
    },
    onError: showError
  }));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideError();
    try {
      const chat = await api('POST', '/api/chats', {
        name: form.elements.name.value, participant_ids: Array.from(picked.keys())
      });
      resetNewChat();
      details.open = false;
      addChat(chat);
      openChat(chat.id);
    } catch (e) {
      showError(e);
    }
  });
}

export function resetNewChat() {
  form.reset();
  picked.clear();
  render();
}

function render() {
  clear(chips);
  for (const u of picked.values()) {
    chips.appendChild(el('li', { className: 'chip', dataset: { userId: u.id } },
      el('span', null, u.username),
      el('button', {
        type: 'button', className: 'chip-remove', 'aria-label': 'Remove ' + u.username,
        on: { click: () => { picked.delete(u.id); render(); } }
      }, '\u00d7')));
  }
}
