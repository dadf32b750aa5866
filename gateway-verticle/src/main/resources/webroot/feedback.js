/* The chat page's error and notice banners; a 401 in the middle of a session ends it. */
import { byId, renderError, notify as notifyIn, hideBox } from './dom.js';

const errorBox = byId('error');
const noticeBox = byId('notice');
let onSessionLost = null;
let inSession = () => false;

/** app.js tells how to tell a session is on and what to do when it is lost. */
export function onSessionEnd(isInSession, fn) {
  inSession = isInSession;
  onSessionLost = fn;
}

export function showError(err) {
  if (err && err.status === 401 && inSession() && onSessionLost) {
    onSessionLost();
    return;
  }
  renderError(errorBox, err);
}

export function hideError() {
  hideBox(errorBox);
}

export function notify(text) {
  notifyIn(noticeBox, text);
}
