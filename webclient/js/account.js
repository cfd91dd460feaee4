/**
 * Customer accounts: the api calls for signing in, registering and signing
 * out, and the plumbing shared by every account form of the customer page
 * (validation, busy button, the api's `detail` shown in the form's error box).
 *
 * bindForm({form, button, error, busyLabel, validate, submit, done})
 *   validate() -> null, or {text, field} to refuse without calling the api
 *   submit()   -> a promise (an api call); its result goes to done(result)
 * A failure shows the api's `detail` ("wrong email or password", "too many
 * failed sign-ins; try again in N seconds", ...) and focuses the first field.
 */

import { api } from './api.js';
import { show } from './ui.js';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_BYTES = 72;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** POST /api/auth/login -> {user, token, xmpp}. */
export function signIn(email, password) {
  return api('/api/auth/login', { method: 'POST', body: { email, password } });
}

/** POST /api/auth/register -> {user, token, xmpp}. */
export function register({ name, email, password }) {
  return api('/api/auth/register', { method: 'POST', body: { display_name: name, email, password } });
}

/** POST /api/auth/logout; failures are ignored (the token is dropped either way). */
export async function signOut(token) {
  try {
    await api('/api/auth/logout', { method: 'POST', token });
  } catch {
    /* an expired or already revoked token: nothing left to end */
  }
}

/** True for a session of a registered customer (guests have no email). */
export const isRegistered = (user) => Boolean(user && user.email);

/** A sentence for a failed account call: the api's detail, or what the status means. */
export function errorText(error) {
  if (error.status === 429 && !error.detail && error.retryAfter !== null) {
    return `Too many attempts; try again in ${error.retryAfter} seconds.`;
  }
  return error.detail || error.message || 'Something went wrong.';
}

/** The checks the api makes on an email address, done before asking it. */
export function checkEmail(input) {
  const email = input.value.trim();
  if (!email) return { text: 'Please enter your email address.', field: input };
  if (!EMAIL.test(email)) return { text: 'Please enter a valid email address.', field: input };
  return null;
}

/** The password rules of the api: at least 8 characters, at most 72 bytes. */
export function checkNewPassword(input) {
  const { value } = input;
  if (value.length < MIN_PASSWORD_LENGTH) {
    return { text: `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`, field: input };
  }
  if (new TextEncoder().encode(value).length > MAX_PASSWORD_BYTES) {
    return { text: `The password may have at most ${MAX_PASSWORD_BYTES} bytes.`, field: input };
  }
  return null;
}

/** Wire one form; returns {clear(), fail(text, field?)}. */
export function bindForm({ form, button, error, busyLabel, validate, submit, done }) {
  const label = button.textContent;
  const fail = (text, field) => {
    error.textContent = text;
    show(error, true);
    if (field) field.focus();
  };
  const clear = () => {
    error.textContent = '';
    show(error, false);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clear();
    const problem = validate ? validate() : null;
    if (problem) {
      fail(problem.text, problem.field);
      return;
    }
    button.disabled = true;
    button.textContent = busyLabel;
    let result;
    try {
      result = await submit();
    } catch (failure) {
      fail(errorText(failure));
      return;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
    done(result);
  });
  return { clear, fail };
}
