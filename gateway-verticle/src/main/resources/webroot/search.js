/*
 * Search over my chats (GET /api/search): a search box above the chat list, the results under
 * it (chat name, sender, time, the plain-text snippet), "More results" while has_more, and a
 * click that opens the chat at that message: older pages are loaded (GET /messages?before=)
 * until it is there, then it is scrolled into view and highlighted. Text goes into text nodes
 * only; the snippet is plain text from the server.
 */
import { api } from './api.js';
import { el, clear, byId, formatTime } from './dom.js';
import { state, conv } from './state.js';
import { loadOlder } from './sync.js';
import { openChat, highlightMessage } from './conversation.js';
import { showError, notify } from './feedback.js';

const PAGE = 20;
/** Pages of older history loaded at most to reach a result (of the history endpoint's page size). */
const MAX_PAGES = 50;

const ui = {};
/** The query shown, the id to page from, and a counter that makes older answers stale. */
let shown = { q: '', before: null };
let generation = 0;

export function initSearch() {
  const sidebar = byId('sidebar');
  ui.form = el('form', { id: 'search-form', className: 'search-form', role: 'search', novalidate: true },
    el('input', {
      name: 'q', type: 'search', placeholder: 'Search my chats', maxLength: 256, autocomplete: 'off',
      'aria-label': 'Search messages in my chats'
    }),
    el('button', { type: 'submit', className: 'small' }, 'Search'));
  ui.status = el('p', { id: 'search-status', className: 'muted search-status', 'aria-live': 'polite', hidden: true });
  ui.list = el('ul', { id: 'search-results', className: 'search-results', 'aria-label': 'Search results' });
  ui.more = el('button', { id: 'search-more', type: 'button', className: 'small', hidden: true }, 'More results');
  ui.close = el('button', { id: 'search-close', type: 'button', className: 'small', hidden: true }, 'Close search');
  ui.panel = el('div', { id: 'search-panel', className: 'search-panel', hidden: true },
    ui.status, ui.list, el('div', { className: 'search-actions' }, ui.more, ui.close));
  sidebar.insertBefore(ui.panel, sidebar.firstChild);
  sidebar.insertBefore(ui.form, ui.panel);

  ui.form.addEventListener('submit', e => {
    e.preventDefault();
    const q = ui.form.elements.q.value.trim();
    if (q) {
      run(q, null);
    } else {
      resetSearch();
    }
  });
  ui.more.addEventListener('click', () => run(shown.q, shown.before));
  ui.close.addEventListener('click', () => {
    ui.form.elements.q.value = '';
    resetSearch();
  });
}

/** Hides the results (logout too). */
export function resetSearch() {
  generation++;
  shown = { q: '', before: null };
  if (ui.panel) {
    clear(ui.list);
    ui.panel.hidden = true;
    ui.more.hidden = true;
    ui.close.hidden = true;
  }
}

async function run(q, before) {
  const mine = ++generation;
  ui.panel.hidden = false;
  ui.close.hidden = false;
  ui.more.disabled = true;
  if (!before) {
    clear(ui.list);
    status('Searching\u2026');
  }
  try {
    const answer = await api('GET', '/api/search?limit=' + PAGE + '&q=' + encodeURIComponent(q)
      + (before ? '&before=' + before : ''));
    if (mine !== generation) {
      return;
    }
    answer.results.forEach(r => ui.list.appendChild(resultNode(r)));
    const last = answer.results[answer.results.length - 1];
    shown = { q: q, before: last ? last.message.id : before };
    ui.more.hidden = !answer.has_more;
    const count = ui.list.children.length;
    status(count ? count + (answer.has_more ? '+' : '') + (count === 1 ? ' message' : ' messages') : 'No messages found.');
  } catch (e) {
    if (mine !== generation) {
      return;
    }
    if (e.code === 'validation' && e.fields && e.fields.q) {
      status('Cannot search that: ' + e.fields.q + '.');
    } else {
      status('');
      showError(e);
    }
  } finally {
    ui.more.disabled = false;
  }
}

function status(text) {
  ui.status.textContent = text;
  ui.status.hidden = !text;
}

function resultNode(r) {
  const m = r.message;
  const chat = state.chats.get(m.chat_id);
  return el('li', null,
    el('button', {
      type: 'button', className: 'search-result', dataset: { chatId: m.chat_id, messageId: m.id },
      on: { click: () => jump(m.chat_id, m.id) }
    },
    el('span', { className: 'search-meta' },
      el('span', { className: 'chat-name' }, chat ? chat.name : 'Chat ' + m.chat_id),
      ' \u00b7 ',
      el('span', { className: 'author' }, m.sender ? m.sender.username : '?'),
      ' \u00b7 ',
      el('time', { dateTime: m.created_at, title: m.created_at }, formatTime(m.created_at))),
    el('span', { className: 'snippet' }, r.snippet)));
}

/** Opens the chat at the message: loads older pages until it is there (bounded), then highlights it. */
async function jump(chatId, messageId) {
  if (!state.chats.has(chatId)) {
    notify('That chat is no longer yours.');
    return;
  }
  try {
    await openChat(chatId);
    const c = conv(chatId);
    for (let pages = 0; !c.messages.has(messageId) && c.hasOlder && pages < MAX_PAGES; pages++) {
      if (state.current !== chatId) {
        return;
      }
      await loadOlder(chatId);
    }
    if (state.current === chatId && !highlightMessage(messageId)) {
      notify('That message is no longer in the chat.');
    }
  } catch (e) {
    showError(e);
  }
}
