/*
 * The owner's admin page over /api/admin/*: users, chats, messages, audit log.
 * The server decides who may use it: the page asks the admin API and, for anyone but an
 * owner, shows the API's own 403 answer and nothing else. User data only ever goes into text
 * nodes (dom.js el), never into innerHTML. An ES module, like the chat page's.
 */
import { api } from './api.js';
import { el, clear, renderError, hideBox, notify as notifyIn, formatTime, userTypeLabel, USER_TYPES } from './dom.js';
import { userPicker } from './picker.js';

{
  const $ = id => document.getElementById(id);

  const ui = {
    me: $('me'), error: $('error'), notice: $('notice'),
    gate: $('gate'), gateTitle: $('gate-title'), gateText: $('gate-text'), admin: $('admin'),
    usersFilter: $('users-filter'), usersBody: document.querySelector('#users-table tbody'),
    usersPager: $('users-pager'), userDetail: $('user-detail'),
    chatsFilter: $('chats-filter'), chatsBody: document.querySelector('#chats-table tbody'),
    chatsPager: $('chats-pager'), chatDetail: $('chat-detail'),
    messagesFilter: $('messages-filter'), messagesBody: document.querySelector('#messages-table tbody'),
    messagesPager: $('messages-pager'), messagesAll: $('messages-all'),
    bulkDelete: $('bulk-delete'), bulkConfirm: $('bulk-confirm'), bulkConfirmText: $('bulk-confirm-text'),
    bulkYes: $('bulk-yes'), bulkNo: $('bulk-no'),
    auditBody: document.querySelector('#audit-table tbody'), auditPager: $('audit-pager')
  };

  const state = {
    me: null,
    tab: 'users',
    users: { page: 1, page_size: 20, search: '', user_type: '' },
    chats: { page: 1, page_size: 20, search: '' },
    messages: { page: 1, page_size: 50, chat_id: '', sender_id: '', from: '', to: '' },
    audit: { page: 1, page_size: 50 },
    /** Messages ticked on the current page: id -> message. */
    selected: new Map(),
    shownMessages: []
  };

  // ---- plumbing ------------------------------------------------------------------------

  function query(params) {
    const q = new URLSearchParams();
    for (const key of Object.keys(params)) {
      const v = params[key];
      if (v !== '' && v !== null && v !== undefined) {
        q.set(key, String(v));
      }
    }
    return q.toString();
  }

  function showError(err) {
    if (err && err.status === 401) {
      lockOut('Log in first', 'Your session has ended. Log in on the chat page, then come back here.');
    } else if (err && err.status === 403 && err.code === 'forbidden' && !state.me) {
      lockOut('Owners only', 'This page is for users of type owner.');
    }
    renderError(ui.error, err);
  }

  function notify(text) {
    notifyIn(ui.notice, text);
  }

  /** Shows the gate and no data at all. */
  function lockOut(title, text) {
    ui.admin.hidden = true;
    for (const body of [ui.usersBody, ui.chatsBody, ui.messagesBody, ui.auditBody]) {
      clear(body);
    }
    ui.gateTitle.textContent = title;
    ui.gateText.textContent = text;
    ui.gate.hidden = false;
  }

  /** A time to show: local and short, the exact ISO value on hover. */
  function when(iso) {
    return iso ? el('time', { dateTime: iso, title: iso }, formatTime(iso)) : '';
  }

  function emptyRow(body, columns, text) {
    body.appendChild(el('tr', { className: 'empty-row' }, el('td', { colSpan: columns }, text)));
  }

  /** Page controls for a list answer {total, page, page_size}; go(page, pageSize) loads another. */
  function renderPager(box, answer, go) {
    clear(box);
    const pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
    box.appendChild(el('button', {
      type: 'button', className: 'prev', disabled: answer.page <= 1,
      on: { click: () => go(answer.page - 1, answer.page_size) }
    }, '\u2039 Previous'));
    box.appendChild(el('span', { className: 'info' },
      'Page ' + answer.page + ' of ' + pages + ' \u00b7 ' + answer.total + ' in all'));
    box.appendChild(el('button', {
      type: 'button', className: 'next', disabled: answer.page >= pages,
      on: { click: () => go(answer.page + 1, answer.page_size) }
    }, 'Next \u203a'));
    const size = el('select', {
      'aria-label': 'Rows per page',
      on: { change: ev => go(1, Number(ev.target.value)) }
    });
    for (const n of [10, 20, 50, 100]) {
      size.appendChild(el('option', { value: String(n), selected: n === answer.page_size }, n + ' per page'));
    }
    box.appendChild(size);
  }

  function formValues(form) {
    const data = {};
    for (const field of form.elements) {
      if (field.name) {
        data[field.name] = field.value.trim();
      }
    }
    return data;
  }

  // ---- start, tabs ---------------------------------------------------------------------

  async function start() {
    try {
      await api('GET', '/api/auth/csrf');
    } catch (e) {
      // the next call reports the problem
    }
    let me;
    try {
      me = await api('GET', '/api/auth/me');
    } catch (e) {
      showError(e);
      if (e.status === 401) {
        lockOut('Log in first', 'Log in on the chat page with an owner account, then come back here.');
      }
      return;
    }
    ui.me.appendChild(el('span', { className: 'me-name' }, me.username));
    ui.me.appendChild(el('span', { className: 'muted' }, ' \u00b7 ' + userTypeLabel(me.user_type)));
    // The admin API, not this page, decides: a non-owner gets its 403 and sees nothing else.
    try {
      await loadUsers();
    } catch (e) {
      showError(e);
      lockOut(e.status === 403 ? 'Owners only' : 'Cannot show the admin page',
        e.status === 403 ? 'This page is for users of type owner.' : 'The admin API did not answer; try again later.');
      return;
    }
    state.me = me;
    ui.admin.hidden = false;
  }

  for (const button of document.querySelectorAll('.tabs button')) {
    button.addEventListener('click', () => showTab(button.dataset.tab));
  }

  function showTab(tab) {
    state.tab = tab;
    for (const button of document.querySelectorAll('.tabs button')) {
      button.classList.toggle('active', button.dataset.tab === tab);
      button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    }
    for (const name of ['users', 'chats', 'messages', 'audit']) {
      $('tab-' + name).hidden = name !== tab;
    }
    hideBox(ui.error);
    const load = { users: loadUsers, chats: loadChats, messages: loadMessages, audit: loadAudit }[tab];
    load().catch(showError);
  }

  // ---- users ---------------------------------------------------------------------------

  async function loadUsers() {
    const s = state.users;
    const answer = await api('GET', '/api/admin/users?' + query({
      page: s.page, page_size: s.page_size, user_type: s.user_type, search: s.search
    }));
    clear(ui.usersBody);
    for (const u of answer.users) {
      ui.usersBody.appendChild(el('tr', { dataset: { userId: u.id, userType: u.user_type } },
        el('td', { className: 'nowrap' }, String(u.id)),
        el('td', { className: 'username' }, u.username),
        el('td', null, u.email),
        el('td', { className: 'nowrap type' }, userTypeLabel(u.user_type)),
        el('td', null, activePill(u)),
        el('td', { className: 'nowrap when' }, when(u.date_joined)),
        el('td', null, el('button', {
          type: 'button', className: 'small', dataset: { viewUser: u.id },
          on: { click: () => showUser(u.id).catch(showError) }
        }, 'View'))));
    }
    if (!answer.users.length) {
      emptyRow(ui.usersBody, 7, 'No users match.');
    }
    renderPager(ui.usersPager, answer, (page, size) => {
      s.page = page;
      s.page_size = size;
      loadUsers().catch(showError);
    });
  }

  function activePill(u) {
    return u.is_active === false
      ? el('span', { className: 'pill inactive' }, 'deactivated')
      : el('span', { className: 'pill active' }, 'active');
  }

  ui.usersFilter.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = formValues(ui.usersFilter);
    Object.assign(state.users, { page: 1, search: f.search, user_type: f.user_type });
    hideBox(ui.error);
    loadUsers().catch(showError);
  });
  ui.usersFilter.elements.user_type.addEventListener('change', () => ui.usersFilter.requestSubmit());

  async function showUser(id) {
    const u = await api('GET', '/api/admin/users/' + id);
    renderUser(u);
  }

  function renderUser(u) {
    const box = ui.userDetail;
    clear(box);
    const type = el('select', { name: 'user_type', 'aria-label': 'User type' });
    for (const key of Object.keys(USER_TYPES)) {
      type.appendChild(el('option', { value: key, selected: key === u.user_type }, USER_TYPES[key]));
    }
    box.dataset.userId = u.id;
    box.appendChild(el('h3', null, 'User ', u.username));
    box.appendChild(el('dl', null,
      el('dt', null, 'ID'), el('dd', null, String(u.id)),
      el('dt', null, 'Username'), el('dd', null, u.username),
      el('dt', null, 'Email'), el('dd', null, u.email),
      el('dt', null, 'Type'), el('dd', null, userTypeLabel(u.user_type)),
      el('dt', null, 'Status'), el('dd', null, activePill(u)),
      el('dt', null, 'Joined'), el('dd', null, when(u.date_joined))));
    box.appendChild(el('div', { className: 'actions' },
      type,
      el('button', {
        type: 'button', className: 'primary', dataset: { action: 'save-type' },
        on: { click: () => patchUser(u.id, { user_type: type.value }, 'Type changed.') }
      }, 'Change type'),
      el('button', {
        type: 'button', className: u.is_active === false ? '' : 'danger', dataset: { action: 'toggle-active' },
        on: {
          click: () => patchUser(u.id, { is_active: u.is_active === false },
            u.is_active === false ? 'User reactivated.' : 'User deactivated.')
        }
      }, u.is_active === false ? 'Reactivate' : 'Deactivate'),
      el('button', {
        type: 'button', dataset: { action: 'user-messages' },
        on: { click: () => showMessagesOf({ sender_id: u.id }) }
      }, 'Their messages'),
      el('button', { type: 'button', on: { click: () => { box.hidden = true; } } }, 'Close')));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  async function patchUser(id, change, done) {
    hideBox(ui.error);
    try {
      const u = await api('PATCH', '/api/admin/users/' + id, change);
      renderUser(u);
      notify(done);
      await loadUsers();
    } catch (e) {
      showError(e);
    }
  }

  // ---- chats ---------------------------------------------------------------------------

  async function loadChats() {
    const s = state.chats;
    const answer = await api('GET', '/api/admin/chats?' + query({ page: s.page, page_size: s.page_size, search: s.search }));
    clear(ui.chatsBody);
    for (const c of answer.chats) {
      ui.chatsBody.appendChild(el('tr', { dataset: { chatId: c.id } },
        el('td', { className: 'nowrap' }, String(c.id)),
        el('td', { className: 'name' }, c.name),
        el('td', null, String((c.participants || []).length)),
        el('td', null, c.message_count === undefined ? '' : String(c.message_count)),
        el('td', { className: 'nowrap when' }, when(c.created_at)),
        el('td', null, el('button', {
          type: 'button', className: 'small', dataset: { viewChat: c.id },
          on: { click: () => showChat(c.id).catch(showError) }
        }, 'View'))));
    }
    if (!answer.chats.length) {
      emptyRow(ui.chatsBody, 6, 'No chats match.');
    }
    renderPager(ui.chatsPager, answer, (page, size) => {
      s.page = page;
      s.page_size = size;
      loadChats().catch(showError);
    });
  }

  ui.chatsFilter.addEventListener('submit', ev => {
    ev.preventDefault();
    Object.assign(state.chats, { page: 1, search: formValues(ui.chatsFilter).search });
    hideBox(ui.error);
    loadChats().catch(showError);
  });

  async function showChat(id) {
    renderChat(await api('GET', '/api/admin/chats/' + id));
  }

  function renderChat(chat) {
    const box = ui.chatDetail;
    clear(box);
    box.dataset.chatId = chat.id;
    const creator = (chat.participants || []).find(p => p.id === chat.created_by);
    box.appendChild(el('h3', null, 'Chat ', el('span', { className: 'chat-name' }, chat.name)));
    box.appendChild(el('dl', null,
      el('dt', null, 'ID'), el('dd', null, String(chat.id)),
      el('dt', null, 'Created'), el('dd', null, when(chat.created_at)),
      el('dt', null, 'Created by'), el('dd', null, creator ? creator.username : 'user #' + chat.created_by)));
    const list = el('ul', { className: 'participants' });
    for (const p of chat.participants || []) {
      list.appendChild(el('li', { dataset: { userId: p.id } },
        el('span', { className: 'who' }, p.username),
        ' ',
        el('span', { className: 'muted' }, userTypeLabel(p.user_type)),
        el('button', {
          type: 'button', className: 'small danger', dataset: { removeUser: p.id },
          on: { click: () => changeParticipants('DELETE', '/api/admin/chats/' + chat.id + '/participants/' + p.id, undefined, p.username + ' removed.') }
        }, 'Remove')));
    }
    if (!(chat.participants || []).length) {
      list.appendChild(el('li', { className: 'muted' }, 'Nobody left in this chat.'));
    }
    box.appendChild(el('h3', null, 'Participants (' + (chat.participants || []).length + ')'));
    box.appendChild(list);
    box.appendChild(userPicker({
      placeholder: 'Add a participant by name',
      search: q => api('GET', '/api/admin/users?' + query({ search: q, page_size: 10 })).then(r => r.users),
      exclude: u => (chat.participants || []).some(p => p.id === u.id),
      onPick: u => changeParticipants('POST', '/api/admin/chats/' + chat.id + '/participants', { user_id: u.id }, u.username + ' added.'),
      onError: showError
    }));
    const confirm = el('span', { className: 'confirm', hidden: true },
      'Delete this chat and all its messages?',
      el('button', {
        type: 'button', className: 'danger solid', dataset: { action: 'confirm-delete-chat' },
        on: { click: () => deleteChat(chat) }
      }, 'Delete'),
      el('button', { type: 'button', on: { click: () => { confirm.hidden = true; } } }, 'Cancel'));
    box.appendChild(el('div', { className: 'actions' },
      el('button', {
        type: 'button', dataset: { action: 'chat-messages' },
        on: { click: () => showMessagesOf({ chat_id: chat.id }) }
      }, 'Its messages'),
      el('button', {
        type: 'button', className: 'danger', dataset: { action: 'delete-chat' },
        on: { click: () => { confirm.hidden = false; } }
      }, 'Delete chat'),
      confirm,
      el('button', { type: 'button', on: { click: () => { box.hidden = true; } } }, 'Close')));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  async function changeParticipants(method, path, body, done) {
    hideBox(ui.error);
    try {
      renderChat(await api(method, path, body));
      notify(done);
      await loadChats();
    } catch (e) {
      showError(e);
    }
  }

  async function deleteChat(chat) {
    hideBox(ui.error);
    try {
      await api('DELETE', '/api/admin/chats/' + chat.id);
      ui.chatDetail.hidden = true;
      notify('Chat \u201c' + chat.name + '\u201d deleted.');
      await loadChats();
    } catch (e) {
      showError(e);
    }
  }

  // ---- messages ------------------------------------------------------------------------

  /** datetime-local (the browser's time zone) to ISO-8601 UTC, as the API wants. */
  function isoOf(local) {
    if (!local) {
      return '';
    }
    const d = new Date(local);
    return isNaN(d.getTime()) ? local : d.toISOString();
  }

  async function loadMessages() {
    const s = state.messages;
    const answer = await api('GET', '/api/admin/messages?' + query({
      chat_id: s.chat_id, sender_id: s.sender_id, from: isoOf(s.from), to: isoOf(s.to),
      page: s.page, page_size: s.page_size
    }));
    state.selected.clear();
    state.shownMessages = answer.messages;
    clear(ui.messagesBody);
    for (const m of answer.messages) {
      const tick = el('input', {
        type: 'checkbox', 'aria-label': 'Select message ' + m.id, dataset: { messageId: m.id },
        on: {
          change: ev => {
            if (ev.target.checked) {
              state.selected.set(m.id, m);
            } else {
              state.selected.delete(m.id);
            }
            ev.target.closest('tr').classList.toggle('selected', ev.target.checked);
            updateBulk();
          }
        }
      });
      ui.messagesBody.appendChild(el('tr', { dataset: { messageId: m.id, chatId: m.chat_id } },
        el('td', null, tick),
        el('td', { className: 'nowrap' }, String(m.id)),
        el('td', { className: 'nowrap' }, '#' + m.chat_id),
        el('td', { className: 'nowrap' }, m.sender ? m.sender.username : ''),
        el('td', { className: 'content' }, m.content),
        el('td', { className: 'nowrap when' }, when(m.created_at))));
    }
    if (!answer.messages.length) {
      emptyRow(ui.messagesBody, 6, 'No messages match.');
    }
    updateBulk();
    renderPager(ui.messagesPager, answer, (page, size) => {
      s.page = page;
      s.page_size = size;
      loadMessages().catch(showError);
    });
  }

  function updateBulk() {
    const n = state.selected.size;
    ui.bulkDelete.textContent = 'Delete selected (' + n + ')';
    ui.bulkDelete.disabled = n === 0;
    ui.messagesAll.checked = n > 0 && n === state.shownMessages.length;
    if (n === 0) {
      ui.bulkConfirm.hidden = true;
    }
  }

  ui.messagesAll.addEventListener('change', () => {
    const on = ui.messagesAll.checked;
    for (const box of ui.messagesBody.querySelectorAll('input[type=checkbox]')) {
      if (box.checked !== on) {
        box.checked = on;
        box.dispatchEvent(new Event('change'));
      }
    }
  });

  ui.bulkDelete.addEventListener('click', () => {
    const n = state.selected.size;
    ui.bulkConfirmText.textContent = 'Delete ' + n + (n === 1 ? ' message?' : ' messages?');
    ui.bulkConfirm.hidden = false;
  });
  ui.bulkNo.addEventListener('click', () => { ui.bulkConfirm.hidden = true; });
  ui.bulkYes.addEventListener('click', async () => {
    hideBox(ui.error);
    ui.bulkYes.disabled = true;
    try {
      const answer = await api('POST', '/api/admin/messages/bulk-delete', { ids: Array.from(state.selected.keys()) });
      ui.bulkConfirm.hidden = true;
      notify('Deleted ' + answer.deleted + (answer.deleted === 1 ? ' message.' : ' messages.'));
      await loadMessages();
    } catch (e) {
      showError(e);
    } finally {
      ui.bulkYes.disabled = false;
    }
  });

  ui.messagesFilter.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = formValues(ui.messagesFilter);
    Object.assign(state.messages, { page: 1, chat_id: f.chat_id, sender_id: f.sender_id, from: f.from, to: f.to });
    hideBox(ui.error);
    loadMessages().catch(showError);
  });
  ui.messagesFilter.addEventListener('reset', () => {
    setTimeout(() => ui.messagesFilter.requestSubmit(), 0);
  });

  /** Opens the messages tab filtered by a chat or a sender. */
  function showMessagesOf(filter) {
    const form = ui.messagesFilter.elements;
    form.chat_id.value = filter.chat_id || '';
    form.sender_id.value = filter.sender_id || '';
    form.from.value = '';
    form.to.value = '';
    Object.assign(state.messages, { page: 1, chat_id: filter.chat_id || '', sender_id: filter.sender_id || '', from: '', to: '' });
    showTab('messages');
  }

  // ---- audit ---------------------------------------------------------------------------

  async function loadAudit() {
    const s = state.audit;
    const answer = await api('GET', '/api/admin/audit?' + query({ page: s.page, page_size: s.page_size }));
    clear(ui.auditBody);
    for (const entry of answer.entries) {
      const details = entry.details === undefined || entry.details === null ? ''
        : (typeof entry.details === 'string' ? entry.details : JSON.stringify(entry.details));
      ui.auditBody.appendChild(el('tr', { dataset: { entryId: entry.id } },
        el('td', { className: 'nowrap when' }, when(entry.created_at)),
        el('td', null, entry.service || ''),
        el('td', null, entry.actor ? (entry.actor.username || ('#' + entry.actor.id)) : ''),
        el('td', { className: 'nowrap' }, entry.action || ''),
        el('td', null, entry.target === undefined || entry.target === null ? ''
          : (typeof entry.target === 'string' ? entry.target : JSON.stringify(entry.target))),
        el('td', { className: 'details' }, details)));
    }
    if (!answer.entries.length) {
      emptyRow(ui.auditBody, 6, 'Nothing recorded yet.');
    }
    renderPager(ui.auditPager, answer, (page, size) => {
      s.page = page;
      s.page_size = size;
      loadAudit().catch(showError);
    });
  }

  start();
}
