/**
 * The "please sign in again" prompt over the customer's chat.
 *
 * When a registered customer's session ends (token expired or revoked, the
 * server closed the XMPP session), the chat stays on screen, inert, with a
 * small sign-in form over it (email prefilled). The message box keeps its
 * draft. onSignedIn(auth) gets the new {user, token, xmpp}; onLeave() gives up
 * on the chat (back to the start card).
 */

import { bindForm, checkEmail, signIn } from './account.js';
import { show } from './ui.js';

const $ = (selector) => document.querySelector(selector);

export class ReauthPrompt {
  constructor({ behind, onSignedIn, onLeave }) {
    this.behind = behind; // elements made inert while the prompt shows
    this.ui = {
      overlay: $('#reauth'),
      form: $('#reauth-form'),
      text: $('#reauth-text'),
      email: $('#reauth-email'),
      password: $('#reauth-password'),
      submit: $('#reauth-submit'),
      cancel: $('#reauth-cancel'),
    };
    this.form = bindForm({
      form: this.ui.form,
      button: this.ui.submit,
      error: $('#reauth-error'),
      busyLabel: 'Signing in…',
      validate: () =>
        checkEmail(this.ui.email) ||
        (this.ui.password.value ? null : { text: 'Please enter your password.', field: this.ui.password }),
      submit: () => signIn(this.ui.email.value.trim(), this.ui.password.value),
      done: (auth) => {
        this.hide();
        onSignedIn(auth);
      },
    });
    this.ui.cancel.addEventListener('click', () => {
      this.hide();
      onLeave();
    });
  }

  get visible() {
    return !this.ui.overlay.hidden;
  }

  /** Show the prompt with a reason; the password field gets the focus. */
  open({ email, reason }) {
    const { ui } = this;
    if (!this.visible) {
      this.form.clear();
      ui.password.value = '';
    }
    if (email) ui.email.value = email;
    ui.text.textContent = reason;
    for (const element of this.behind) element.inert = true;
    show(ui.overlay, true);
    (ui.email.value ? ui.password : ui.email).focus();
  }

  hide() {
    this.ui.password.value = '';
    for (const element of this.behind) element.inert = false;
    show(this.ui.overlay, false);
  }
}
