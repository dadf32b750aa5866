/*
 * The message box: Enter sends, Shift+Enter is a new line. Sends over the bridge
 * (chat.{id}.send); when the bridge is down or does not answer in time, the same body goes
 * over REST, and the shared client_id makes that safe (the server stores it once). Typing in
 * it tells the chat's others (typing.js: at most one notice a second).
 */
import { api, newClientId } from './api.js';
import { byId, renderError, codePointLength } from './dom.js';
import { state } from './state.js';
import { messageAnswer } from './sync.js';
import { showError, hideError } from './feedback.js';
import { iTyped } from './typing.js';
import { pendingIds, sent } from './attachments.js';

const SEND_TIMEOUT_MS = 8000;
/** The server's default maximum, in code points (CHAT_MAX_MESSAGE_LENGTH); the server has the last word. */
export const MAX_CONTENT = 8000;

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

const form = byId('send-form');
const box = form.elements.content;
const counter = byId('send-counter');
let bus = null;

export function initComposer(b) {
  bus = b;
  form.addEventListener('submit', onSubmit);
  box.addEventListener('input', count);
  box.addEventListener('input', () => {
    if (box.value) {
      iTyped(bus, state.current);
    }
  });
  count();
  box.addEventListener('keydown', ev => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
}

/** "n / 8000" in code points, as the server counts; marked when over. */
function count() {
  const n = codePointLength(box.value);
  counter.textContent = n + ' / ' + MAX_CONTENT;
  counter.classList.toggle('over', n > MAX_CONTENT);
}

async function sendMessage(chatId, content, attachmentIds) {
  // The same client_id on both paths: if the bridge stored it after all, REST answers with that message.
  const body = { content: content, client_id: newClientId() };
  if (attachmentIds.length) {
    body.attachment_ids = attachmentIds;
  }
  try {
    return await bus.request('chat.' + chatId + '.send', body, SEND_TIMEOUT_MS);
  } catch (e) {
    if (!e.fallback) {
      throw { status: e.failureCode, code: e.code, message: BUS_FAILURES[e.code] || ('Sending failed: ' + e.code) };
    }
    return api('POST', '/api/chats/' + chatId + '/messages', body);
  }
}

async function onSubmit(ev) {
  ev.preventDefault();
  const id = state.current;
  const content = box.value;
  const attachmentIds = pendingIds(id);
  if (!content.trim() && !attachmentIds.length) {
    renderError(byId('error'), { message: 'Write something first.' });
    return;
  }
  if (codePointLength(content) > MAX_CONTENT) {
    renderError(byId('error'), { message: 'The message is too long (at most ' + MAX_CONTENT + ' characters).' });
    return;
  }
  hideError();
  box.value = '';
  count();
  try {
    messageAnswer(id, await sendMessage(id, content, attachmentIds));
    sent(attachmentIds);
  } catch (e) {
    showError(e);
    if (!box.value) {
      box.value = content;
      count();
    }
  }
}
