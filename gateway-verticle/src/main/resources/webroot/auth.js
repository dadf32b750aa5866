/* Logging in, registering (then logged in at once) and logging out. */
import { api } from './api.js';
import { byId } from './dom.js';
import { showError, hideError } from './feedback.js';

const loginForm = byId('login-form');
const registerForm = byId('register-form');

function formData(form) {
  const data = {};
  for (const field of form.elements) {
    if (field.name) {
      data[field.name] = field.value;
    }
  }
  return data;
}

/** onEnter(me) when a user is logged in; onLeave() after logging out. */
export function initAuth(onEnter, onLeave) {
  loginForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideError();
    const data = formData(loginForm);
    try {
      const me = await api('POST', '/api/auth/login', { username: data.username.trim(), password: data.password });
      loginForm.reset();
      onEnter(me);
    } catch (e) {
      showError(e);
    }
  });

  registerForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    hideError();
    const data = formData(registerForm);
    const creds = { username: data.username.trim(), password: data.password };
    try {
      await api('POST', '/api/auth/register', {
        username: creds.username, email: data.email.trim(), password: data.password, user_type: data.user_type
      });
      const me = await api('POST', '/api/auth/login', creds);
      registerForm.reset();
      onEnter(me);
    } catch (e) {
      showError(e);
    }
  });

  byId('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch (e) {
      showError(e);
    }
    onLeave();
  });
}

/** The session this browser already has, or null. */
export async function currentUser() {
  try {
    await api('GET', '/api/auth/csrf');
  } catch (e) {
    showError(e);
  }
  try {
    return await api('GET', '/api/auth/me');
  } catch (e) {
    if (e.status !== 401) {
      showError(e);
    }
    return null;
  }
}
