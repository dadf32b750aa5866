/*
 * The open chat: its messages (by id, oldest first) with "(edited)", reactions and, for the
 * ones I may change, Edit and Delete; "Seen by" under the newest message each participant has
 * read; "Load older"; keeping the view at the bottom when it was there. Message text goes into
 * text nodes only.
 */
import { api } from './api.js';
import { el, clear, byId, formatTime, codePointLength } from './dom.js';
import { state, conv, on, emit, isMine } from './state.js';
import { loadNewest, loadOlder, messageAnswer, markRead } from './sync.js';
import { showError } from './feedback.js';
import { MAX_CONTENT } from './composer.js';
import { typers, typingText } from './typing.js';
import { attachmentsNode } from './attachments.js';

/** The reactions offered to add; any other already on a message can be toggled too. */
export const PALETTE = ['\u{1F44D}', '\u2764\uFE0F', '\u{1F602}', '\u{1F389}', '\u{1F62E}', '\u{1F622}'];

const pane = {
  empty: byId('chat-empty'), view: byId('chat-view'), messages: byId('messages'),
  loadOlder: byId('load-older'), list: byId('message-list'), composer: byId('send-form'),
  typing: byId('typing')
};
/** id -> <li> of the chat shown. */
const nodes = new Map();
/** The message being edited ({id, draft}) or null; a message asking "delete?" (id) or null. */
let editing = null;
let confirming = null;
/** The message whose reaction palette is open, or null. */
let picking = null;
/** The message a search result jumped to (highlighted while its chat is shown), or null. */
let found = null;

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
  on('reads', id => {
    if (id === state.current) {
      renderSeen();
    }
  });
  on('chat', id => {
    if (id === state.current) {
      renderSeen(); // participants changed
    }
  });
  on('typing', id => {
    if (id === state.current) {
      renderTyping();
    }
  });
  on('closed', () => showPane(false));
  document.addEventListener('visibilitychange', () => {
    if (state.current) {
      markRead(state.current);
    }
  });
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
  if (state.current !== id) {
    found = null;
  }
  state.current = id;
  editing = null;
  confirming = null;
  picking = null;
  history.replaceState(null, '', '#chat=' + id);
  const c = conv(id);
  emit('list');
  showPane(true);
  emit('opened', id);
  renderAll();
  renderTyping();
  if (!c.loaded) {
    await loadNewest(id);
  } else {
    markRead(id);
  }
  if (state.current === id) {
    scrollToBottom();
    pane.composer.elements.content.focus();
  }
}

/** Highlights a loaded message of the chat shown and scrolls it into the middle of the view (search.js). */
export function highlightMessage(id) {
  const previous = found;
  found = id;
  [previous, id].filter(x => x).forEach(placeMessage);
  const node = nodes.get(id);
  if (node) {
    node.scrollIntoView({ block: 'center' });
  }
  return !!node;
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

// ---- what may I do -----------------------------------------------------------------------

function mayDelete(chat, m) {
  return isMine(m) || (!!state.me && (chat.created_by === state.me.id || state.me.user_type === 'owner'));
}

// ---- one message -------------------------------------------------------------------------

function messageNode(m) {
  const chat = state.chats.get(state.current);
  const mine = isMine(m);
  const li = el('li', { className: 'msg' + (mine ? ' mine' : '') + (m.id === found ? ' found' : ''), dataset: { id: m.id } },
    el('div', { className: 'meta' },
      el('span', { className: 'author' }, m.sender ? m.sender.username : '?'),
      ' ',
      el('time', { dateTime: m.created_at, title: m.created_at }, formatTime(m.created_at)),
      m.edited_at ? el('span', { className: 'edited muted', title: m.edited_at }, ' (edited)') : null));
  if (editing && editing.id === m.id) {
    li.appendChild(editor(m));
  } else {
    li.appendChild(el('div', { className: 'content' }, m.content));
  }
  const files = attachmentsNode(m);
  if (files) {
    li.appendChild(files);
  }
  li.appendChild(reactionsRow(m));
  const actions = el('div', { className: 'msg-actions' },
    el('button', {
      type: 'button', className: 'small', dataset: { action: 'react' }, 'aria-label': 'Add a reaction',
      on: { click: () => { picking = picking === m.id ? null : m.id; placeMessage(m.id); } }
    }, 'React'),
    mine && !(editing && editing.id === m.id) ? el('button', {
      type: 'button', className: 'small', dataset: { action: 'edit' },
      on: { click: () => { editing = { id: m.id, draft: m.content }; placeMessage(m.id); focusEditor(m.id); } }
    }, 'Edit') : null,
    chat && mayDelete(chat, m) ? el('button', {
      type: 'button', className: 'small danger', dataset: { action: 'delete' },
      on: { click: () => { confirming = m.id; placeMessage(m.id); } }
    }, 'Delete') : null);
  li.appendChild(actions);
  if (picking === m.id) {
    li.appendChild(el('div', { className: 'palette', role: 'group', 'aria-label': 'Reactions' },
      PALETTE.map(emoji => el('button', {
        type: 'button', className: 'small', dataset: { emoji: emoji },
        on: { click: () => { picking = null; react(m, emoji); } }
      }, emoji))));
  }
  if (confirming === m.id) {
    li.appendChild(el('div', { className: 'confirm' },
      'Delete this message? ',
      el('button', {
        type: 'button', className: 'small danger', dataset: { action: 'confirm-delete' },
        on: { click: () => deleteMessage(m) }
      }, 'Delete'),
      ' ',
      el('button', {
        type: 'button', className: 'small', dataset: { action: 'keep' },
        on: { click: () => { confirming = null; placeMessage(m.id); } }
      }, 'Keep')));
  }
  return li;
}

function reactionsRow(m) {
  const row = el('div', { className: 'reactions' });
  for (const r of m.reactions || []) {
    const mineToo = !!state.me && (r.user_ids || []).includes(state.me.id);
    row.appendChild(el('button', {
      type: 'button', className: 'reaction' + (mineToo ? ' mine' : ''),
      dataset: { emoji: r.emoji, count: r.count }, 'aria-pressed': mineToo ? 'true' : 'false',
      title: mineToo ? 'Remove your reaction' : 'React with this too',
      on: { click: () => react(m, r.emoji) }
    }, r.emoji, ' ', el('span', { className: 'count' }, String(r.count))));
  }
  return row;
}

function editor(m) {
  const box = el('textarea', {
    name: 'edit', rows: 2, className: 'edit-box', 'aria-label': 'Edit the message',
    on: {
      input: () => { editing.draft = box.value; counter.textContent = countText(box.value); },
      keydown: ev => {
        if (ev.key === 'Escape') {
          editing = null;
          placeMessage(m.id);
        } else if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          saveEdit(m, box.value);
        }
      }
    }
  });
  box.value = editing.draft;
  const counter = el('span', { className: 'counter muted' }, countText(box.value));
  return el('div', { className: 'editor' }, box,
    el('div', { className: 'editor-actions' },
      counter,
      el('button', {
        type: 'button', className: 'small primary', dataset: { action: 'save' },
        on: { click: () => saveEdit(m, box.value) }
      }, 'Save'),
      el('button', {
        type: 'button', className: 'small', dataset: { action: 'cancel' },
        on: { click: () => { editing = null; placeMessage(m.id); } }
      }, 'Cancel')));
}

function countText(text) {
  return codePointLength(text) + ' / ' + MAX_CONTENT;
}

function focusEditor(id) {
  const node = nodes.get(id);
  const box = node && node.querySelector('textarea');
  if (box) {
    box.focus();
  }
}

// ---- changing a message -----------------------------------------------------------------

async function saveEdit(m, content) {
  const chatId = state.current;
  if (!content.trim()) {
    showError({ message: 'A message cannot be empty; delete it instead.' });
    return;
  }
  if (codePointLength(content) > MAX_CONTENT) {
    showError({ message: 'The message is too long (at most ' + MAX_CONTENT + ' characters).' });
    return;
  }
  try {
    const changed = await api('PATCH', '/api/chats/' + chatId + '/messages/' + m.id, { content: content });
    if (editing && editing.id === m.id) {
      editing = null;
    }
    messageAnswer(chatId, changed);
    if (state.current === chatId) {
      placeMessage(m.id);
    }
  } catch (e) {
    showError(e);
  }
}

async function deleteMessage(m) {
  const chatId = state.current;
  confirming = null;
  try {
    await api('DELETE', '/api/chats/' + chatId + '/messages/' + m.id);
    // Its message_deleted event removes it (here and everywhere else).
  } catch (e) {
    showError(e);
    if (state.current === chatId) {
      placeMessage(m.id);
    }
  }
}

async function react(m, emoji) {
  const chatId = state.current;
  const current = conv(chatId).messages.get(m.id) || m;
  const had = (current.reactions || []).some(r => r.emoji === emoji && state.me && (r.user_ids || []).includes(state.me.id));
  try {
    const answer = await api(had ? 'DELETE' : 'PUT',
      '/api/chats/' + chatId + '/messages/' + m.id + '/reactions/' + encodeURIComponent(emoji));
    const now = conv(chatId).messages.get(m.id);
    if (now) {
      messageAnswer(chatId, Object.assign({}, now, { reactions: reactionsOf(answer) }));
    }
  } catch (e) {
    showError(e);
    if (state.current === chatId) {
      placeMessage(m.id);
    }
  }
}

/** The answer of a reaction change: the message's reactions (as an array, or {reactions}). */
function reactionsOf(answer) {
  return Array.isArray(answer) ? answer : (answer && answer.reactions) || [];
}

// ---- the list ---------------------------------------------------------------------------

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
    if (editing && editing.id === id) {
      editing = null;
    }
    renderSeen();
    return;
  }
  const node = messageNode(m);
  nodes.set(id, node);
  if (old) {
    const hadFocus = old.contains(document.activeElement) && editing && editing.id === id;
    old.replaceWith(node);
    if (hadFocus) {
      focusEditor(id);
    }
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
  renderSeen();
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
  renderSeen();
  updateLoadOlder();
}

/**
 * "Seen by": each other participant's name under the newest shown message at or before its
 * read marker (not under its own message: replying says as much).
 */
function renderSeen() {
  for (const old of pane.list.querySelectorAll('.seen-by')) {
    old.remove();
  }
  const chat = state.chats.get(state.current);
  const c = state.convs.get(state.current);
  if (!chat || !c) {
    return;
  }
  const ids = Array.from(c.messages.keys()).sort((a, b) => a - b);
  const byMessage = new Map();
  for (const p of chat.participants) {
    if (state.me && p.id === state.me.id) {
      continue;
    }
    const marker = c.reads.get(p.id) || 0;
    let at = null;
    for (let i = ids.length - 1; i >= 0; i--) {
      if (ids[i] <= marker) {
        at = ids[i];
        break;
      }
    }
    const m = at !== null ? c.messages.get(at) : null;
    if (m && !(m.sender && m.sender.id === p.id)) {
      if (!byMessage.has(at)) {
        byMessage.set(at, []);
      }
      byMessage.get(at).push(p);
    }
  }
  for (const [id, people] of byMessage) {
    const node = nodes.get(id);
    if (node) {
      node.appendChild(el('div', { className: 'seen-by muted', dataset: { userIds: people.map(p => p.id).join(' ') } },
        'Seen by ' + people.map(p => p.username).join(', ')));
    }
  }
}

/** "X is typing…" under the messages of the chat shown, or nothing. */
function renderTyping() {
  const names = state.current ? typers(state.current) : [];
  pane.typing.textContent = typingText(names);
  pane.typing.hidden = !names.length;
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
