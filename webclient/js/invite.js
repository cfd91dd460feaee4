/**
 * "Invite a customer" in the console: a small dialog with a subject and an
 * optional email -> POST /api/invitations -> the link to send, with a Copy
 * button (navigator.clipboard; when that is refused the link is selected so
 * Ctrl+C copies it). The new chat is already active and held by the
 * supporter: onCreated(chat) lets the console open it behind the dialog.
 *
 * Selectors for tests:
 *   #invite-open, #invite-dialog, #invite-form, #invite-subject, #invite-email,
 *   #invite-create, #invite-cancel, #invite-error,
 *   #invite-result, #invite-link (readonly input), #invite-copy, #invite-copy-status,
 *   #invite-expiry, #invite-done
 */

import { checkEmail } from './account.js';
import { formatTime } from './format.js';
import { show } from './ui.js';

const $ = (selector) => document.querySelector(selector);

export class InviteDialog {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>,
   *          onCreated: (chat: object) => void, onUnauthorized: (error: Error) => void}} options
   */
  constructor({ request, onCreated, onUnauthorized }) {
    this.request = request;
    this.onCreated = onCreated;
    this.onUnauthorized = onUnauthorized;
    this.ui = {
      open: $('#invite-open'),
      dialog: $('#invite-dialog'),
      form: $('#invite-form'),
      subject: $('#invite-subject'),
      email: $('#invite-email'),
      create: $('#invite-create'),
      cancel: $('#invite-cancel'),
      error: $('#invite-error'),
      result: $('#invite-result'),
      link: $('#invite-link'),
      copy: $('#invite-copy'),
      copyStatus: $('#invite-copy-status'),
      expiry: $('#invite-expiry'),
      done: $('#invite-done'),
    };
    const { ui } = this;
    ui.open.addEventListener('click', () => this.open());
    ui.form.addEventListener('submit', (event) => this._create(event));
    ui.cancel.addEventListener('click', () => this.close());
    ui.done.addEventListener('click', () => this.close());
    ui.copy.addEventListener('click', () => this._copy());
    ui.link.addEventListener('focus', () => ui.link.select());
    ui.dialog.addEventListener('close', () => ui.open.focus());
  }

  /** Show the empty form. */
  open() {
    const { ui } = this;
    ui.form.reset();
    show(ui.form, true);
    show(ui.error, false);
    show(ui.result, false);
    ui.link.value = '';
    ui.copyStatus.textContent = '';
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.subject.focus();
  }

  close() {
    if (this.ui.dialog.open) this.ui.dialog.close();
  }

  async _create(event) {
    event.preventDefault();
    const { ui } = this;
    show(ui.error, false);
    const email = ui.email.value.trim();
    const problem = email ? checkEmail(ui.email) : null;
    if (problem) {
      this._fail(problem.text, problem.field);
      return;
    }
    ui.create.disabled = true;
    try {
      const body = { subject: ui.subject.value.trim() };
      if (email) body.email = email;
      const invitation = await this.request('/api/invitations', { method: 'POST', body });
      this._showLink(invitation);
      this.onCreated(invitation.chat);
    } catch (error) {
      if (error.status === 401) {
        this.close();
        this.onUnauthorized(error);
      } else {
        this._fail(error.detail || error.message, ui.subject);
      }
    } finally {
      ui.create.disabled = false;
    }
  }

  _showLink(invitation) {
    const { ui } = this;
    show(ui.form, false);
    show(ui.result, true);
    ui.link.value = invitation.url;
    ui.expiry.textContent = invitation.expires_at ? `Valid until ${formatTime(invitation.expires_at)} (Berlin time).` : '';
    ui.copy.focus();
  }

  async _copy() {
    const { ui } = this;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(ui.link.value);
      ui.copyStatus.textContent = 'Link copied.';
    } catch {
      ui.link.focus();
      ui.link.select();
      ui.copyStatus.textContent = 'Copying is not allowed here: the link is selected, press Ctrl+C (⌘C) to copy it.';
    }
  }

  _fail(text, field) {
    this.ui.error.textContent = text;
    show(this.ui.error, true);
    if (field) field.focus();
  }
}
