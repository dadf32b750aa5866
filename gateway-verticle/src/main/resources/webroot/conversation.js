/*
 * The open chat: its messages (by id, oldest first), "Load older", and keeping the view at the
 * bottom when it was there. Message text goes into text nodes only.
 */
import { el, clear, byId, formatTime } from './dom.js';
import { state, conv, on, emit, isMine } from './state.js';
import { loadNewest, loadOlder } from './sync.js';
import { showError } from './feedback.js';

const pane = {
  empty: byId('chat-empty'), view: byId('chat-view'), messages: byId('messages'),
  loadOlder: byId('load-older'), list: byId('message-list'), composer: byId('send-form')
};
/** id -> <li> of the chat shown. */
const nodes = new Map();

export function initConversation() {
  on('message', ({ chatId, id }) => {
    if (chatId === state.current) {
      placeMessage(id);
    }
  });
  on('messages', id => {
    if (id === state.current) {
      renderAll();
    }
  });
  on('closed', () => showPane(false));
  pane.loadOlder.addEventListener('click', async () => {
    const id = state.current;
    pane.loadOlder.disabled = true;
    const box = pane.messages;
    const fromBottom = box.scrollHeight - box.scrollTop;
    try {
      await loadOlder(id);
      if (state.current === id) {
        box.scrollTop = box.scrollHeight - fromBottom;
        updateLoadOlder();
      }
    } catch (e) {
      showError(e);
    } finally {
      pane.loadOlder.disabled = false;
    }
  });
}

export async function openChat(id) {
  if (!state.chats.has(id)) {
    return;
  }
  state.current = id;
  history.replaceState(null, '', '#chat=' + id);
  const c = conv(id);
  c.unread = 0;
  emit('list');
  showPane(true);
  emit('opened', id);
  renderAll();
  if (!c.loaded) {
    await loadNewest(id);
  }
  if (state.current === id) {
    scrollToBottom();
    pane.composer.elements.content.focus();
  }
}

export function closeChat() {
  state.current = null;
  showPane(false);
  emit('list');
}

export function showPane(open) {
  pane.view.hidden = !open;
  pane.empty.hidden = open;
  document.body.classList.toggle('in-chat', open);
  if (!open) {
    clear(pane.list);
    nodes.clear();
    if (location.hash) {
      history.replaceState(null, '', location.pathname);
    }
  }
}

function messageNode(m) {
  return el('li', { className: 'msg' + (isMine(m) ? ' mine' : ''), dataset: { id: m.id } },
    el('div', { className: 'meta' },
      el('span', { className: 'author' }, m.sender ? m.sender.username : '?'),
      ' ',
      el('time', { dateTime: m.created_at, title: m.created_at }, formatTime(m.created_at))),
    el('div', { className: 'content' }, m.content));
}

/** Puts message id of the chat shown in its place, replaces its node, or removes it. */
function placeMessage(id) {
  const c = conv(state.current);
  const m = c.messages.get(id);
  const old = nodes.get(id);
  const stick = nearBottom();
  if (!m) {
    if (old) {
      old.remove();
      nodes.delete(id);
    }
    return;
  }
  const node = messageNode(m);
  nodes.set(id, node);
  if (old) {
    old.replaceWith(node);
  } else {
    // Usually the newest: walk from the end to the first node with a smaller id.
    let after = pane.list.lastElementChild;
    while (after && Number(after.dataset.id) > id) {
      after = after.previousElementSibling;
    }
    pane.list.insertBefore(node, after ? after.nextSibling : pane.list.firstChild);
    if (stick || isMine(m)) {
      scrollToBottom();
    }
  }
  updateLoadOlder();
}

function renderAll() {
  clear(pane.list);
  nodes.clear();
  const c = conv(state.current);
  const ids = Array.from(c.messages.keys()).sort((a, b) => a - b);
  for (const id of ids) {
    const node = messageNode(c.messages.get(id));
    nodes.set(id, node);
    pane.list.appendChild(node);
  }
  updateLoadOlder();
}

function updateLoadOlder() {
  const c = state.convs.get(state.current);
  pane.loadOlder.hidden = !(c && c.loaded && c.hasOlder);
}

function nearBottom() {
  const box = pane.messages;
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

function scrollToBottom() {
  pane.messages.scrollTop = pane.messages.scrollHeight;
}
