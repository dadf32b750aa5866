/*
 * DOM building for both pages. User data only ever goes into text nodes (never innerHTML), so
 * names and messages cannot inject markup.
 */

/**
 * Builds an element. attrs: className, text, dataset {..}, on {event: fn}, and plain
 * attributes/properties. Children: nodes, or strings (always text nodes).
 */
export function el(tag, attrs, ...children) {
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
  append(node, children);
  return node;
}

export function append(node, child) {
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

export function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
}

export const byId = id => document.getElementById(id);

/** Fills an alert box with an error: its message and, for validation errors, each field's problem. */
export function renderError(box, err) {
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
export function notify(box, text) {
  clear(box);
  box.appendChild(el('span', null, text));
  box.appendChild(el('button', {
    type: 'button', className: 'close', 'aria-label': 'Dismiss', on: { click: () => hideBox(box) }
  }, '\u00d7'));
  box.hidden = false;
}

export function hideBox(box) {
  box.hidden = true;
  clear(box);
}

export function formatTime(iso) {
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

export function debounce(fn, ms) {
  let timer = null;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A dot before a name, filled when the user is online (CSS draws it, the label says it; no text). */
export function presenceDot(online) {
  return el('span', {
    className: 'presence' + (online ? ' online' : ''), dataset: { online: online ? 'true' : 'false' },
    title: online ? 'online' : 'offline', 'aria-label': online ? 'online' : 'offline', role: 'img'
  });
}

export const USER_TYPES = { owner: 'Owner', student: 'Student', university_staff: 'University staff' };

export function userTypeLabel(type) {
  return USER_TYPES[type] || String(type);
}

/** The length of a text in Unicode code points, as the server counts it (an emoji is one, not two). */
export function codePointLength(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A low surrogate right after a high one is the second half of the same code point.
    if (!(unit >= 0xDC00 && unit <= 0xDFFF && i > 0 && isHigh(text.charCodeAt(i - 1)))) {
      n++;
    }
  }
  return n;
}

function isHigh(unit) {
  return unit >= 0xD800 && unit <= 0xDBFF;
}
