/*
 * The chat page (ES modules, no globals between files). REST for everything that is asked
 * (auth, chats, history, participants, edits, reactions, read markers), the SockJS event-bus
 * bridge for what happens (events on chat.{id} and the user's own user.{id}) and for sending
 * (chat.{id}.send, REST when the bridge is down).
 *
 *   api.js           REST, CSRF, the error shape
 *   dom.js           text-only DOM building (never innerHTML with data); picker.js picks users
 *   bus.js           the bridge client: connect, reconnect, registrations, `subscribed`
 *   state.js         what the page knows: chats, messages by chat, seq applied, read markers
 *   sync.js          the chat list, events in seq order, recovery from the feed, marking read
 *   feedback.js      error and notice banners
 *   auth.js          login, register, logout
 *   chatlist.js      the sidebar's chat list with unread badges and online dots
 *   conversation.js  the open chat: messages, edit, delete, reactions, Seen by, the typing line
 *   composer.js      the message box and its code-point counter
 *   attachments.js   uploads (button, drag-and-drop, progress), thumbnails and download links
 *   typing.js        who is typing (live typing events) and my own typing notices
 *   presence.js      who is online per chat (GET /presence, live presence events)
 *   people.js        the chat head (rename) and participants, with online dots
 *   newchat.js       the New chat form
 *   search.js        the search box over my chats, its results, jumping to a message
 */
import { el, clear, byId, userTypeLabel } from './dom.js';
import { Bus } from './bus.js';
import { state, reset } from './state.js';
import * as sync from './sync.js';
import { onSessionEnd, showError } from './feedback.js';
import { initAuth, currentUser } from './auth.js';
import { initChatList } from './chatlist.js';
import { initConversation, openChat, closeChat, showPane } from './conversation.js';
import { initComposer } from './composer.js';
import { initAttachments } from './attachments.js';
import { initPeople } from './people.js';
import { initNewChat, resetNewChat } from './newchat.js';
import { initSearch, resetSearch } from './search.js';

const ui = {
  conn: byId('conn'), me: byId('me'), adminLink: byId('admin-link'), logout: byId('logout'),
  auth: byId('auth'), app: byId('app')
};

function setConn(s) {
  ui.conn.dataset.state = s;
  ui.conn.textContent = { online: 'live', reconnecting: 'reconnecting\u2026', offline: 'offline' }[s] || s;
}

let bus = null;

function showAuth() {
  ui.app.hidden = true;
  ui.auth.hidden = false;
  ui.logout.hidden = true;
  ui.conn.hidden = true;
  ui.adminLink.hidden = true;
  ui.me.textContent = '';
}

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
  bus = new Bus('/eventbus', setConn);
  sync.useBus(bus);
  // The list is read again each time user.{me} is (re)confirmed; chat_added etc. keep it current.
  sync.watchMe();
  bus.start();
  sync.refreshChats().then(() => {
    const wanted = Number(new URLSearchParams(location.hash.substring(1)).get('chat'));
    if (wanted && state.chats.has(wanted)) {
      openChat(wanted);
    }
  });
}

/** Forgets everything of the logged-in user (logout, or the session ended elsewhere). */
function leaveApp() {
  if (bus) {
    bus.close();
  }
  reset();
  sync.forget();
  resetNewChat();
  resetSearch();
  showPane(false);
  setConn('offline');
  showAuth();
}

onSessionEnd(() => !!state.me, () => {
  leaveApp();
  showError({ message: 'Your session has ended; log in again.' });
});

initAuth(enterApp, leaveApp);
initChatList(openChat);
initConversation();
initAttachments();
initComposer({ request: (...args) => bus.request(...args), notify: (...args) => bus.notify(...args) });
initPeople();
initNewChat(openChat);
initSearch();
byId('back').addEventListener('click', closeChat);

currentUser().then(me => (me ? enterApp(me) : showAuth()));
