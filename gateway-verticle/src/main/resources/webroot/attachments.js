/*
 * Attachments: an Attach button and drag-and-drop on the open chat upload files (XHR, so the
 * upload shows its progress), each upload waits as a chip until the next message carries it
 * (attachment_ids); a message's images show inline as thumbnails (the download URL as <img>,
 * sized by CSS), other files as download links. The server decides every type from the bytes.
 */
import { cookie, ApiError } from './api.js';
import { el, clear, byId } from './dom.js';
import { state, on } from './state.js';
import { showError, hideError } from './feedback.js';

/** The server's default limit (CHAT_MAX_ATTACHMENT_BYTES); the server has the last word (413). */
export const MAX_BYTES = 10 * 1024 * 1024;
/** Attachments one message may carry. */
export const MAX_PER_MESSAGE = 10;
const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

const form = byId('send-form');
const view = byId('chat-view');
/** Uploads done and not sent yet: {chatId, attachment}. */
let pending = [];
let ui = null;

export function initAttachments() {
  const input = el('input', { type: 'file', multiple: true, hidden: true, id: 'attach-input', 'aria-hidden': 'true' });
  const button = el('button', {
    type: 'button', id: 'attach', className: 'small', title: 'Attach files (or drop them on the chat)',
    on: { click: () => input.click() }
  }, 'Attach');
  const progress = el('progress', { id: 'upload-progress', className: 'upload-progress', max: 100, value: 0, hidden: true });
  const chips = el('ul', { id: 'pending-attachments', className: 'chips pending-attachments', 'aria-label': 'Files to send' });
  input.addEventListener('change', () => {
    uploadAll(Array.from(input.files));
    input.value = '';
  });
  form.querySelector('.send-side').appendChild(button);
  form.parentNode.insertBefore(chips, form);
  form.parentNode.insertBefore(progress, form);
  form.appendChild(input);
  ui = { input, button, progress, chips };
  // Another chat was opened: its own pending uploads show.
  on('opened', () => renderPending());
  view.addEventListener('dragover', ev => {
    if (ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes('Files')) {
      ev.preventDefault();
      view.classList.add('dropping');
    }
  });
  view.addEventListener('dragleave', ev => {
    if (ev.target === view) {
      view.classList.remove('dropping');
    }
  });
  view.addEventListener('drop', ev => {
    view.classList.remove('dropping');
    if (ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files.length) {
      ev.preventDefault();
      uploadAll(Array.from(ev.dataTransfer.files));
    }
  });
}

/** The ids of the uploads waiting for the next message of this chat. */
export function pendingIds(chatId) {
  return pending.filter(p => p.chatId === chatId).map(p => p.attachment.id);
}

/** The message carrying them was sent: they are no longer pending. */
export function sent(ids) {
  pending = pending.filter(p => !ids.includes(p.attachment.id));
  renderPending();
}

async function uploadAll(files) {
  const chatId = state.current;
  if (!chatId) {
    return;
  }
  hideError();
  for (const file of files) {
    if (file.size > MAX_BYTES) {
      showError({ message: file.name + ' is too large (at most ' + Math.round(MAX_BYTES / 1048576) + ' MiB).' });
      continue;
    }
    if (pendingIds(chatId).length >= MAX_PER_MESSAGE) {
      showError({ message: 'A message carries at most ' + MAX_PER_MESSAGE + ' files.' });
      break;
    }
    try {
      const attachment = await upload(chatId, file);
      pending.push({ chatId, attachment });
      renderPending();
    } catch (e) {
      showError(e);
    }
  }
}

/** POST multipart/form-data with the part "file"; resolves with the attachment object. */
function upload(chatId, file) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/chats/' + chatId + '/attachments');
    const token = cookie('XSRF-TOKEN');
    if (token) {
      xhr.setRequestHeader('X-XSRF-TOKEN', token);
    }
    xhr.setRequestHeader('Accept', 'application/json');
    ui.progress.hidden = false;
    ui.progress.value = 0;
    ui.button.disabled = true;
    xhr.upload.addEventListener('progress', ev => {
      if (ev.lengthComputable) {
        ui.progress.value = Math.round(100 * ev.loaded / ev.total);
      }
    });
    const done = () => {
      ui.progress.hidden = true;
      ui.button.disabled = false;
    };
    xhr.addEventListener('load', () => {
      done();
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      if (xhr.status === 201 && data) {
        resolve(data);
      } else {
        const error = (data && data.error) || {};
        reject(new ApiError(xhr.status, error.code || ('http_' + xhr.status),
          xhr.status === 413 ? file.name + ' is too large.' : (error.message || ('The upload failed (' + xhr.status + ').')),
          error.fields));
      }
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ApiError(0, 'network', 'The upload of ' + file.name + ' failed. Check your connection and try again.'));
    });
    const body = new FormData();
    body.append('file', file, file.name);
    xhr.send(body);
  });
}

function renderPending() {
  if (!ui) {
    return;
  }
  clear(ui.chips);
  for (const p of pending.filter(x => x.chatId === state.current)) {
    const a = p.attachment;
    ui.chips.appendChild(el('li', { className: 'chip', dataset: { attachmentId: a.id } },
      a.filename + ' (' + size(a.size) + ') ',
      el('button', {
        type: 'button', className: 'small', 'aria-label': 'Remove ' + a.filename,
        on: { click: () => { pending = pending.filter(x => x !== p); renderPending(); } }
      }, '\u00d7')));
  }
}

/** A message's attachments: thumbnails for images, download links for the rest (null when none). */
export function attachmentsNode(m) {
  const list = m.attachments || [];
  if (!list.length) {
    return null;
  }
  return el('ul', { className: 'attachments' }, list.map(a => {
    const url = '/api/chats/' + m.chat_id + '/attachments/' + a.id;
    if (IMAGES.includes(a.content_type)) {
      return el('li', { className: 'attachment image' },
        el('a', { href: url, target: '_blank', rel: 'noopener' },
          el('img', { src: url, alt: a.filename, title: a.filename + ' (' + size(a.size) + ')', loading: 'lazy' })));
    }
    return el('li', { className: 'attachment file' },
      el('a', { href: url, download: a.filename }, a.filename), ' ', el('span', { className: 'muted' }, size(a.size)));
  }));
}

function size(bytes) {
  if (bytes < 1024) {
    return bytes + ' B';
  }
  if (bytes < 1048576) {
    return (bytes / 1024).toFixed(1) + ' KiB';
  }
  return (bytes / 1048576).toFixed(1) + ' MiB';
}
