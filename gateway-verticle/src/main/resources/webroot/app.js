/*
 * The chat page. REST for everything that is asked (auth, chats, history, participants), the
 * SockJS event-bus bridge for what happens (events on chat.{id}) and for sending
 * (chat.{id}.send, REST when the bridge is down).
 *
 * Not missing anything across a reconnect: on every (re)open the page registers on each of its
 * chats' addresses and waits for the gateway's {"type":"subscribed"} event on it; from then on
 * every new message is delivered, so fetching history with after=<newest id seen> fills the gap.
 * Messages are kept by id, so one that comes both ways is shown once.
 *
 * User data only ever goes into text nodes (Chatbus.el), never into innerHTML.
 */
'use strict';

(function () {
  const { api, el, clear, renderError, hideBox, formatTime, newClientId, userTypeLabel, userPicker } = window.Chatbus;

  const PAGE = 50;
  const CATCH_UP_PAGE = 200;
  const SEND_TIMEOUT_MS = 8000;
  const CHAT_REFRESH_MS = 10000;
  const MAX_CONTENT = 8000;

  /** What a bridge failure (message = contract error code) means to a person. */
  const BUS_FAILURES = {
    validation: 'The message is empty, only white space, or too long.',
    payload_too_large: 'The message is too long.',
    rate_limited: 'You are sending too fast; wait a moment and try again.',
    not_found: 'This chat no longer exists, or you are no longer in it.',
    forbidden: 'You may not send to this chat.',
    access_denied: 'You may not send to this chat.',
    unavailable: 'The chat service is unavailable; try again in a moment.',
    internal: 'The server failed to store the message; try again.'
  };

  const $ = id => document.getElementById(id);
  const ui = {
    conn: $('conn'), me: $('me'), adminLink: $('admin-link'), logout: $('logout'),
    error: $('error'), notice: $('notice'),
    auth: $('auth'), loginForm: $('login-form'), registerForm: $('register-form'),
    app: $('app'), newChat: $('new-chat'), newChatForm: $('new-chat-form'), newChatPeople: $('new-chat-people'),
    chatList: $('chat-list'), noChats: $('no-chats'),
    chatEmpty: $('chat-empty'), chatView: $('chat-view'), chatTitle: $('chat-title'), back: $('back'),
    togglePeople: $('toggle-people'), people: $('people'), participants: $('participants'),
    messages: $('messages'), loadOlder: $('load-older'), messageList: $('message-list'),
    sendForm: $('send-form')
  };

  const state = {
    me: null,
    /** id -> chat object as the API gives it. */
    chats: new Map(),
    /** Chat ids, most recent activity first. */
    order: [],
    /** id -> what is loaded of that chat's history (see newView). */
    views: new Map(),
    current: null,
    eb: null,
    /** chat id -> handler registered on the current socket. */
    registered: new Map(),
    /** Users picked for the new-chat form: id -> user. */
    newChatPeople: new Map(),
    refreshTimer: null,
    /** Counts local adds and drops of chats; changedAt: chat id -> count at its last one. */
    seq: 0,
    changedAt: new Map()
  };

  function newView() {
    return {
      loaded: false,        // newest page fetched
      loading: null,        // promise of that fetch
      messages: new Map(),  // id -> message
      nodes: new Map(),     // id -> <li>
      oldest: null,
      newest: null,
      hasOlder: false,
      subscribed: false,    // the gateway confirmed our registration on this socket
      catchingUp: false,
      again: false,
      unread: 0
    };
  }

  function view(id) {
    let v = state.views.get(id);
    if (!v) {
      v = newView();
      state.views.set(id, v);
    }
    return v;
  }

  // ---- feedback ------------------------------------------------------------------------

  function showError(err) {
    if (err && err.status === 401 && state.me) {
      sessionEnded();
      return;
    }
    renderError(ui.error, err);
  }

  function notify(text) {
    window.Chatbus.notify(ui.notice, text);
  }

  function setConn(s) {
    ui.conn.dataset.state = s;
    ui.conn.textContent = { online: 'live', reconnecting: 'reconnecting\u2026', offline: 'offline' }[s] || s;
  }

  // ---- auth ----------------------------------------------------------------------------

  async function start() {
    try {
      await api('GET', '/api/auth/csrf');
    } catch (e) {
      showError(e);
    }
    try {
      const me = await api('GET', '/api/auth/me');
      enterApp(me);
    } catch (e) {
      if (e.status !== 401) {
        showError(e);
      }
      showAuth();
    }
  }

  function showAuth() {
    ui.app.hidden = true;
    ui.auth.hidden = false;
    ui.logout.hidden = true;
    ui.conn.hidden = true;
    ui.adminLink.hidden = true;
    ui.me.textContent = '';
  }

  function formData(form) {
    const data = {};
    for (const field of form.elements) {
      if (field.name) {
        data[field.name] = field.value;
      }
    }
    return data;
  }

  ui.loginForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideBox(ui.error);
    const data = formData(ui.loginForm);
    try {
      const me = await api('POST', '/api/auth/login', { username: data.username.trim(), password: data.password });
      ui.loginForm.reset();
      enterApp(me);
    } catch (e) {
      showError(e);
    }
  });

  ui.registerForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideBox(ui.error);
    const data = formData(ui.registerForm);
    const creds = { username: data.username.trim(), password: data.password };
    try {
      await api('POST', '/api/auth/register', {
        username: creds.username, email: data.email.trim(), password: data.password, user_type: data.user_type
      });
      const me = await api('POST', '/api/auth/login', creds);
      ui.registerForm.reset();
      enterApp(me);
    } catch (e) {
      showError(e);
    }
  });

  ui.logout.addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch (e) {
      showError(e);
    }
    leaveApp();
    showAuth();
  });

  function enterApp(me) {
    state.me = me;
    ui.auth.hidden = true;
    ui.app.hidden = false;
    ui.logout.hidden = false;
    ui.conn.hidden = false;
    ui.adminLink.hidden = me.user_type !== 'owner';
    clear(ui.me);
    ui.me.appendChild(el('span', { className: 'me-name' }, me.username));
    ui.me.appendChild(el('span', { className: 'muted' }, ' \u00b7 ' + userTypeLabel(me.user_type)));
    connectBus();
    refreshChats().then(() => {
      const wanted = Number(new URLSearchParams(location.hash.substring(1)).get('chat'));
      if (wanted && state.chats.has(wanted)) {
        openChat(wanted);
      }
    });
    state.refreshTimer = setInterval(refreshChats, CHAT_REFRESH_MS);
  }

  /** Forgets everything of the logged-in user (logout, or the session ended elsewhere). */
  function leaveApp() {
    clearInterval(state.refreshTimer);
    if (state.eb) {
      const eb = state.eb;
      state.eb = null;
      try {
        eb.close();
      } catch (e) {
        // already closed
      }
    }
    state.me = null;
    state.chats.clear();
    state.order = [];
    state.views.clear();
    state.registered.clear();
    state.current = null;
    state.newChatPeople.clear();
    renderNewChatPeople();
    clear(ui.chatList);
    showChatPane(false);
    setConn('offline');
  }

  function sessionEnded() {
    leaveApp();
    showAuth();
    renderError(ui.error, { message: 'Your session has ended; log in again.' });
  }

  // ---- event bus -----------------------------------------------------------------------

  function connectBus() {
    const eb = new EventBus('/eventbus');
    eb.enableReconnect(true);
    state.eb = eb;
    setConn('reconnecting');
    eb.onopen = () => {
      if (state.eb !== eb) {
        return;
      }
      setConn('online');
      // The client forgets its handlers with the old socket; register everything again.
      state.registered.clear();
      for (const v of state.views.values()) {
        v.subscribed = false;
      }
      for (const id of state.chats.keys()) {
        subscribe(id);
      }
      // Chats I was added to while away.
      refreshChats();
    };
    eb.onclose = () => {
      if (state.eb !== eb) {
        return;
      }
      state.registered.clear();
      for (const v of state.views.values()) {
        v.subscribed = false;
      }
      setConn('reconnecting');
    };
    eb.onerror = err => {
      // err frames without an address: a refused register (access_denied) for a chat I just left.
      if (window.console) {
        console.warn('event bus:', err);
      }
    };
  }

  function busOpen() {
    return state.eb && state.eb.state === EventBus.OPEN;
  }

  function subscribe(id) {
    if (!busOpen() || state.registered.has(id)) {
      return;
    }
    const handler = (err, msg) => {
      if (!err && msg && msg.body && typeof msg.body === 'object') {
        onEvent(id, msg.body);
      }
    };
    state.registered.set(id, handler);
    state.eb.registerHandler('chat.' + id, handler);
  }

  function unsubscribe(id) {
    const handler = state.registered.get(id);
    state.registered.delete(id);
    if (handler && busOpen()) {
      try {
        state.eb.unregisterHandler('chat.' + id, handler);
      } catch (e) {
        // the socket went away meanwhile
      }
    }
  }

  function onEvent(chatId, event) {
    if (!state.chats.has(chatId)) {
      return;
    }
    switch (event.type) {
      case 'subscribed': {
        const v = view(chatId);
        v.subscribed = true;
        if (v.loaded) {
          catchUp(chatId);
        }
        break;
      }
      case 'message':
        if (event.message) {
          onLiveMessage(chatId, event.message);
        }
        break;
      case 'participant_added':
        if (event.user) {
          const chat = state.chats.get(chatId);
          if (!chat.participants.some(p => p.id === event.user.id)) {
            chat.participants.push(event.user);
          }
          chatChanged(chatId);
        }
        break;
      case 'participant_removed':
        if (event.user) {
          if (state.me && event.user.id === state.me.id) {
            dropChat(chatId, 'You were removed from the chat \u201c' + state.chats.get(chatId).name + '\u201d.');
          } else {
            const chat = state.chats.get(chatId);
            chat.participants = chat.participants.filter(p => p.id !== event.user.id);
            chatChanged(chatId);
          }
        }
        break;
      case 'message_deleted':
        removeMessage(chatId, event.message_id);
        break;
      case 'chat_deleted':
        dropChat(chatId, 'The chat \u201c' + state.chats.get(chatId).name + '\u201d was deleted.');
        break;
      default:
        // Types this page does not know are ignored, as the contract asks.
        break;
    }
  }

  // ---- chats ---------------------------------------------------------------------------

  async function refreshChats() {
    if (!state.me) {
      return;
    }
    // A chat added or dropped here after the list was read is newer than the list.
    const startSeq = state.seq;
    const newer = id => (state.changedAt.get(id) || 0) > startSeq;
    let list;
    try {
      list = (await api('GET', '/api/chats')).chats;
    } catch (e) {
      if (e.status === 401) {
        showError(e);
      }
      return; // network trouble: try again at the next refresh
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
      state.chats.set(chat.id, chat);
      subscribe(chat.id);
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
    renderChatList();
    if (state.current && state.chats.has(state.current)) {
      renderChatHead();
    }
  }

  function addChat(chat) {
    state.changedAt.set(chat.id, ++state.seq);
    state.chats.set(chat.id, chat);
    state.order = [chat.id].concat(state.order.filter(id => id !== chat.id));
    subscribe(chat.id);
    renderChatList();
  }

  function dropChat(id, why) {
    if (!state.chats.has(id)) {
      return;
    }
    state.changedAt.set(id, ++state.seq);
    unsubscribe(id);
    state.chats.delete(id);
    state.views.delete(id);
    state.order = state.order.filter(c => c !== id);
    renderChatList();
    if (state.current === id) {
      state.current = null;
      showChatPane(false);
    }
    if (why) {
      notify(why);
    }
  }

  function chatChanged(id) {
    renderChatList();
    if (state.current === id) {
      renderChatHead();
    }
  }

  function bump(id) {
    if (state.order[0] !== id) {
      state.order = [id].concat(state.order.filter(c => c !== id));
    }
  }

  function renderChatList() {
    clear(ui.chatList);
    for (const id of state.order) {
      const chat = state.chats.get(id);
      if (!chat) {
        continue;
      }
      const v = state.views.get(id);
      const unread = v && v.unread && id !== state.current ? v.unread : 0;
      const others = chat.participants.filter(p => !state.me || p.id !== state.me.id).map(p => p.username);
      ui.chatList.appendChild(el('li', { className: id === state.current ? 'active' : '' },
        el('button', {
          type: 'button', className: 'chat-item', dataset: { chatId: id },
          on: { click: () => openChat(id) }
        },
        el('span', { className: 'chat-name' }, chat.name),
        unread ? el('span', { className: 'badge', 'aria-label': unread + ' unread' }, String(unread)) : null,
        el('span', { className: 'chat-people muted' }, others.length ? others.join(', ') : 'only you'))));
    }
    ui.noChats.hidden = state.order.length > 0;
  }

  function showChatPane(open) {
    ui.chatView.hidden = !open;
    ui.chatEmpty.hidden = open;
    document.body.classList.toggle('in-chat', open);
    if (!open) {
      clear(ui.messageList);
      if (location.hash) {
        history.replaceState(null, '', location.pathname);
      }
    }
  }

  async function openChat(id) {
    if (!state.chats.has(id)) {
      return;
    }
    state.current = id;
    history.replaceState(null, '', '#chat=' + id);
    const v = view(id);
    v.unread = 0;
    renderChatList();
    showChatPane(true);
    ui.people.hidden = true;
    renderChatHead();
    renderMessages();
    if (!v.loaded) {
      await loadNewest(id);
    }
    if (state.current === id) {
      scrollToBottom();
      ui.sendForm.elements.content.focus();
    }
  }

  function loadNewest(id) {
    const v = view(id);
    if (!v.loading) {
      v.loading = (async () => {
        try {
          const page = await api('GET', '/api/chats/' + id + '/messages?limit=' + PAGE);
          if (state.views.get(id) !== v) {
            return;
          }
          v.loaded = true;
          v.hasOlder = page.has_more;
          addMessages(id, page.messages);
          // A registration confirmed before this page was read may have missed nothing, or not:
          // ask for anything newer than what the page had.
          if (v.subscribed) {
            catchUp(id);
          }
        } catch (e) {
          showError(e);
          if (e.status === 404) {
            dropChat(id);
          }
        } finally {
          v.loading = null;
        }
      })();
    }
    return v.loading;
  }

  /** Fetches every message after the newest one seen, page by page (after a (re)subscription). */
  async function catchUp(id) {
    const v = state.views.get(id);
    if (!v || !v.loaded) {
      return;
    }
    if (v.catchingUp) {
      v.again = true;
      return;
    }
    v.catchingUp = true;
    try {
      do {
        v.again = false;
        for (;;) {
          const query = v.newest ? 'after=' + v.newest + '&limit=' + CATCH_UP_PAGE : 'limit=' + PAGE;
          const page = await api('GET', '/api/chats/' + id + '/messages?' + query);
          if (state.views.get(id) !== v) {
            return;
          }
          addMessages(id, page.messages);
          if (!v.newest || !page.has_more || !page.messages.length) {
            break;
          }
        }
      } while (v.again);
    } catch (e) {
      if (e.status === 404) {
        dropChat(id);
      } else if (e.status !== 0) {
        showError(e);
      }
    } finally {
      v.catchingUp = false;
    }
  }

  // ---- messages ------------------------------------------------------------------------

  function onLiveMessage(chatId, message) {
    const v = view(chatId);
    bump(chatId);
    if (v.loaded) {
      addMessages(chatId, [message]);
    }
    if (chatId !== state.current && !(state.me && message.sender && message.sender.id === state.me.id)) {
      v.unread++;
    }
    renderChatList();
  }

  /** Adds messages not yet known, each in its place by id; returns how many were new. */
  function addMessages(chatId, messages) {
    const v = view(chatId);
    const visible = chatId === state.current;
    const stick = visible && nearBottom();
    let added = 0;
    let mineAdded = false;
    for (const m of messages) {
      if (v.messages.has(m.id)) {
        continue;
      }
      v.messages.set(m.id, m);
      v.oldest = v.oldest === null ? m.id : Math.min(v.oldest, m.id);
      v.newest = v.newest === null ? m.id : Math.max(v.newest, m.id);
      added++;
      if (state.me && m.sender && m.sender.id === state.me.id) {
        mineAdded = true;
      }
      if (visible) {
        insertNode(v, m);
      }
    }
    if (visible) {
      updateLoadOlder();
      if (added && (stick || mineAdded)) {
        scrollToBottom();
      }
    }
    return added;
  }

  function removeMessage(chatId, messageId) {
    const v = state.views.get(chatId);
    if (!v) {
      return;
    }
    v.messages.delete(messageId);
    const node = v.nodes.get(messageId);
    v.nodes.delete(messageId);
    if (node && node.parentNode) {
      node.parentNode.removeChild(node);
    }
  }

  function messageNode(m) {
    const mine = state.me && m.sender && m.sender.id === state.me.id;
    return el('li', { className: 'msg' + (mine ? ' mine' : ''), dataset: { id: m.id } },
      el('div', { className: 'meta' },
        el('span', { className: 'author' }, m.sender ? m.sender.username : '?'),
        ' ',
        el('time', { dateTime: m.created_at, title: m.created_at }, formatTime(m.created_at))),
      el('div', { className: 'content' }, m.content));
  }

  function insertNode(v, m) {
    const node = messageNode(m);
    v.nodes.set(m.id, node);
    // Usually the newest: walk from the end to the first node with a smaller id.
    let after = ui.messageList.lastElementChild;
    while (after && Number(after.dataset.id) > m.id) {
      after = after.previousElementSibling;
    }
    ui.messageList.insertBefore(node, after ? after.nextSibling : ui.messageList.firstChild);
  }

  function renderMessages() {
    clear(ui.messageList);
    const v = view(state.current);
    v.nodes.clear();
    const ids = Array.from(v.messages.keys()).sort((a, b) => a - b);
    for (const id of ids) {
      const node = messageNode(v.messages.get(id));
      v.nodes.set(id, node);
      ui.messageList.appendChild(node);
    }
    updateLoadOlder();
  }

  function updateLoadOlder() {
    const v = state.views.get(state.current);
    ui.loadOlder.hidden = !(v && v.loaded && v.hasOlder);
  }

  function nearBottom() {
    const box = ui.messages;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function scrollToBottom() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  ui.loadOlder.addEventListener('click', async () => {
    const id = state.current;
    const v = state.views.get(id);
    if (!v || v.oldest === null) {
      return;
    }
    ui.loadOlder.disabled = true;
    try {
      const page = await api('GET', '/api/chats/' + id + '/messages?before=' + v.oldest + '&limit=' + PAGE);
      if (state.current !== id) {
        return;
      }
      const box = ui.messages;
      const fromBottom = box.scrollHeight - box.scrollTop;
      v.hasOlder = page.has_more;
      addMessages(id, page.messages);
      box.scrollTop = box.scrollHeight - fromBottom;
    } catch (e) {
      showError(e);
    } finally {
      ui.loadOlder.disabled = false;
    }
  });

  // ---- sending -------------------------------------------------------------------------

  /** Sends over the bridge; rejects with {fallback:true} when REST should be used instead. */
  function sendOverBus(chatId, body) {
    return new Promise((resolve, reject) => {
      if (!busOpen()) {
        reject({ fallback: true });
        return;
      }
      let done = false;
      const timer = setTimeout(() => {
        if (!done) {
          done = true;
          reject({ fallback: true });
        }
      }, SEND_TIMEOUT_MS);
      try {
        state.eb.send('chat.' + chatId + '.send', body, (err, reply) => {
          if (done) {
            return;
          }
          done = true;
          clearTimeout(timer);
          if (!err) {
            resolve(reply.body);
          } else if (typeof err.failureCode === 'number' && err.failureCode >= 400) {
            reject({ status: err.failureCode, code: err.message, message: BUS_FAILURES[err.message] || ('Sending failed: ' + err.message) });
          } else {
            reject({ fallback: true }); // timeout or no handler on the server side
          }
        });
      } catch (e) {
        done = true;
        clearTimeout(timer);
        reject({ fallback: true });
      }
    });
  }

  async function sendMessage(chatId, content) {
    // The same client_id on both paths: if the bridge stored it after all, REST answers with that message.
    const body = { content: content, client_id: newClientId() };
    try {
      return await sendOverBus(chatId, body);
    } catch (e) {
      if (!e.fallback) {
        throw e;
      }
      return api('POST', '/api/chats/' + chatId + '/messages', body);
    }
  }

  ui.sendForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    const id = state.current;
    const box = ui.sendForm.elements.content;
    const content = box.value;
    if (!content.trim()) {
      renderError(ui.error, { message: 'Write something first.' });
      return;
    }
    if (content.length > MAX_CONTENT) {
      renderError(ui.error, { message: 'The message is too long (at most ' + MAX_CONTENT + ' characters).' });
      return;
    }
    hideBox(ui.error);
    box.value = '';
    try {
      const message = await sendMessage(id, content);
      bump(id);
      addMessages(id, [message]);
      renderChatList();
    } catch (e) {
      showError(e);
      if (!box.value) {
        box.value = content;
      }
    }
  });

  ui.sendForm.elements.content.addEventListener('keydown', ev => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ui.sendForm.requestSubmit();
    }
  });

  // ---- chat head, participants ---------------------------------------------------------

  function canRemove(chat, user) {
    if (!state.me) {
      return false;
    }
    return user.id === state.me.id || chat.created_by === state.me.id || state.me.user_type === 'owner';
  }

  function renderChatHead() {
    const chat = state.chats.get(state.current);
    if (!chat) {
      return;
    }
    ui.chatTitle.textContent = chat.name;
    ui.togglePeople.textContent = 'People (' + chat.participants.length + ')';
    clear(ui.participants);
    for (const p of chat.participants) {
      const me = state.me && p.id === state.me.id;
      ui.participants.appendChild(el('li', { dataset: { userId: p.id } },
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
    try {
      const chat = await api('DELETE', '/api/chats/' + chatId + '/participants/' + user.id);
      if (state.me && user.id === state.me.id) {
        dropChat(chatId, 'You left the chat \u201c' + chat.name + '\u201d.');
      } else if (state.chats.has(chatId)) {
        state.chats.set(chatId, chat);
        chatChanged(chatId);
      }
    } catch (e) {
      showError(e);
    }
  }

  ui.togglePeople.addEventListener('click', () => {
    ui.people.hidden = !ui.people.hidden;
  });

  ui.back.addEventListener('click', () => {
    state.current = null;
    showChatPane(false);
    renderChatList();
  });

  function searchUsers(q) {
    return api('GET', '/api/users?limit=10&search=' + encodeURIComponent(q)).then(r => r.users);
  }

  $('add-person-picker').appendChild(userPicker({
    placeholder: 'Add someone by name',
    search: searchUsers,
    exclude: u => {
      const chat = state.chats.get(state.current);
      return !chat || chat.participants.some(p => p.id === u.id);
    },
    onPick: async user => {
      const id = state.current;
      try {
        const chat = await api('POST', '/api/chats/' + id + '/participants', { user_id: user.id });
        if (state.chats.has(id)) {
          state.chats.set(id, chat);
          chatChanged(id);
        }
      } catch (e) {
        showError(e);
      }
    },
    onError: showError
  }));

  // ---- new chat ------------------------------------------------------------------------

  $('new-chat-picker').appendChild(userPicker({
    placeholder: 'Add people by name',
    search: searchUsers,
    exclude: u => (state.me && u.id === state.me.id) || state.newChatPeople.has(u.id),
    onPick: user => {
      state.newChatPeople.set(user.id, user);
      renderNewChatPeople();
    },
    onError: showError
  }));

  function renderNewChatPeople() {
    clear(ui.newChatPeople);
    for (const u of state.newChatPeople.values()) {
      ui.newChatPeople.appendChild(el('li', { className: 'chip', dataset: { userId: u.id } },
        el('span', null, u.username),
        el('button', {
          type: 'button', className: 'chip-remove', 'aria-label': 'Remove ' + u.username,
          on: { click: () => { state.newChatPeople.delete(u.id); renderNewChatPeople(); } }
        }, '\u00d7')));
    }
  }

  ui.newChatForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideBox(ui.error);
    const name = ui.newChatForm.elements.name.value;
    try {
      const chat = await api('POST', '/api/chats', {
        name: name, participant_ids: Array.from(state.newChatPeople.keys())
      });
      ui.newChatForm.reset();
      state.newChatPeople.clear();
      renderNewChatPeople();
      ui.newChat.open = false;
      addChat(chat);
      openChat(chat.id);
    } catch (e) {
      showError(e);
    }
  });

  window.addEventListener('focus', () => refreshChats());

  // For tests and the curious: the page's state and its event bus.
  window.chatbus = {
    state: state,
    get eb() { return state.eb; }
  };

  start();
})();
