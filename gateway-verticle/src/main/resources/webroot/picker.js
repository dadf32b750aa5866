/* A search box that lists matching users to pick from (the chat page and the admin page). */
import { el, clear, debounce, userTypeLabel } from './dom.js';

/**
 * options: search(q) returns a promise of users; onPick(user) is called with the chosen one;
 * onError(err) shows failures; exclude(user) hides some; placeholder.
 */
export function userPicker(options) {
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
