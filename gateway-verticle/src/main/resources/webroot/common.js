/*
 * Shared by the chat page and the admin page: JSON calls to the API with the double-submit
 * CSRF header, the API's error body turned into something to show, and DOM building that
 * only ever puts user data into text nodes (never innerHTML), so names and messages cannot
 * inject markup.
 */
'use strict';

window.Chatbus = (function () {

  /** A failed API call: HTTP status, contract error code, message for humans, field problems. */
  class ApiError extends Error {
    constructor(status, code, message, fields) {
      super(message);
      this.status = status;
      this.code = code;
      this.fields = fields || null;
    }
  }

  function cookie(name) {
    const prefix = name + '=';
    for (const part of document.cookie.split(';')) {
      const c = part.trim();
      if (c.startsWith(prefix)) {
        return decodeURIComponent(c.substring(prefix.length));
      }
    }
    return null;
  }

  async function rawRequest(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && method !== 'HEAD') {
      const token = cookie('XSRF-TOKEN');
      if (token) {
        headers['X-XSRF-TOKEN'] = token;
      }
    }
    const init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
    const text = res.status === 204 ? '' : await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!res.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(res.status, error.code || ('http_' + res.status),
        error.message || ('The server answered ' + res.status + '.'), error.fields);
    }
    return data;
  }

  /**
   * One API call. A 403 `csrf` (no token cookie yet, or it was cleared) fetches a token with
   * GET /api/auth/csrf and tries once more.
   */
  async function api(method, path, body) {
    try {
      return await rawRequest(method, path, body);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'csrf') {
        await rawRequest('GET', '/api/auth/csrf');
        return rawRequest(method, path, body);
      }
      throw e;
    }
  }

  /**
   * Builds an element. attrs: className, text, dataset {..}, on {event: fn}, and plain
   * attributes/properties. Children: nodes, or strings (always text nodes).
   */
  function el(tag, attrs) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const key of Object.keys(attrs)) {
        const value = attrs[key];
        if (value === undefined || value === null || value === false) {
          continue;
        }
        if (key === 'className') {
          node.className = value;
        } else if (key === 'text') {
          node.textContent = String(value);
        } else if (key === 'dataset') {
          for (const d of Object.keys(value)) {
            node.dataset[d] = String(value[d]);
          }
        } else if (key === 'on') {
          for (const ev of Object.keys(value)) {
            node.addEventListener(ev, value[ev]);
          }
        } else if (key in node && typeof node[key] !== 'function' && key !== 'list') {
          node[key] = value;
        } else {
          node.setAttribute(key, value === true ? '' : String(value));
        }
      }
    }
    for (let i = 2; i < arguments.length; i++) {
      append(node, arguments[i]);
    }
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) {
      return;
    }
    if (Array.isArray(child)) {
      child.forEach(c => append(node, c));
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  /** Fills an alert box with an error: its message and, for validation errors, each field's problem. */
  function renderError(box, err) {
    clear(box);
    const message = (err && err.message) || String(err);
    box.appendChild(el('span', { className: 'error-message' }, message));
    if (err && err.fields && typeof err.fields === 'object') {
      const list = el('ul', { className: 'error-fields' });
      for (const field of Object.keys(err.fields)) {
        list.appendChild(el('li', { dataset: { field: field } }, el('strong', null, field), ': ', String(err.fields[field])));
      }
      box.appendChild(list);
    }
    box.appendChild(el('button', {
      type: 'button', className: 'close', title: 'Dismiss', 'aria-label': 'Dismiss',
      on: { click: () => { box.hidden = true; } }
    }, '\u00d7'));
    box.dataset.code = (err && err.code) || '';
    box.hidden = false;
  }

  /** Shows a dismissible notice (text only) in the given box. */
  function notify(box, text) {
    clear(box);
    box.appendChild(el('span', null, text));
    box.appendChild(el('button', {
      type: 'button', className: 'close', 'aria-label': 'Dismiss', on: { click: () => hideBox(box) }
    }, '\u00d7'));
    box.hidden = false;
  }

  function hideBox(box) {
    box.hidden = true;
    clear(box);
  }

  function formatTime(iso) {
    if (!iso) {
      return '';
    }
    const d = new Date(iso);
    if (isNaN(d.getTime())) {
      return String(iso);
    }
    const now = new Date();
    const sameDay = d.toDateString() === now.toDateString();
    return sameDay
      ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : d.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  /** A random id for a message's client_id (idempotency key); crypto.randomUUID needs a secure context. */
  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(null, args), ms);
    };
  }

  const USER_TYPES = { owner: 'Owner', student: 'Student', university_staff: 'University staff' };

  function userTypeLabel(type) {
    return USER_TYPES[type] || String(type);
  }

  /**
   * A search box that lists matching users to pick from. search(q) returns a promise of users;
   * onPick(user) is called with the chosen one; onError(err) shows failures.
   */
  function userPicker(options) {
    const input = el('input', {
      type: 'search', className: 'picker-input', placeholder: options.placeholder || 'Add people by name',
      autocomplete: 'off', 'aria-label': options.placeholder || 'Add people by name'
    });
    const results = el('ul', { className: 'picker-results' });
    let seq = 0;
    const run = debounce(async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) {
        clear(results);
        return;
      }
      try {
        const users = await options.search(q);
        if (mine !== seq) {
          return;
        }
        clear(results);
        const shown = users.filter(u => !options.exclude || !options.exclude(u));
        if (!shown.length) {
          results.appendChild(el('li', { className: 'muted' }, 'Nobody found'));
        }
        for (const u of shown) {
          results.appendChild(el('li', null, el('button', {
            type: 'button', className: 'picker-pick', dataset: { userId: u.id, username: u.username },
            on: {
              click: () => {
                options.onPick(u);
                input.value = '';
                clear(results);
              }
            }
          }, u.username, ' ', el('span', { className: 'muted' }, '(' + userTypeLabel(u.user_type) + ')'))));
        }
      } catch (e) {
        options.onError(e);
      }
    }, 200);
    input.addEventListener('input', run);
    input.addEventListener('keydown', ev => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        const first = results.querySelector('button');
        if (first) {
          first.click();
        }
      }
    });
    return el('div', { className: 'picker' }, input, results);
  }

  return {
    ApiError: ApiError,
    api: api,
    cookie: cookie,
    el: el,
    clear: clear,
    renderError: renderError,
    hideBox: hideBox,
    notify: notify,
    formatTime: formatTime,
    newClientId: newClientId,
    debounce: debounce,
    userTypeLabel: userTypeLabel,
    userPicker: userPicker,
    USER_TYPES: USER_TYPES
  };
})();
