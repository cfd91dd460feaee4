/**
 * The invitation landing of the customer page (/i/{code}): a supporter opened
 * a chat and sent the customer its link. The card welcomes them ("You've been
 * invited to a chat"), asks for a name (optional) and accepts the link; the
 * page then continues exactly like a started chat.
 *
 * An unknown or expired link (404 / 410 from accept) shows the api's `detail`
 * with a "Start a new chat" link to /. The card is cloned from
 * <template id="invite-template"> into <main> by the constructor.
 *
 * Selectors for tests:
 *   #invite-view, #invite-title, #invite-form, #invite-name, #invite-join, #invite-error
 *   #invite-problem, #invite-problem-text, #invite-restart
 */

import { api } from './api.js';
import { show } from './ui.js';

const PATH = /^\/i\/([A-Za-z0-9_-]+)\/?$/;

/** The invitation code of the current page (/i/{code}), or null. */
export function invitationCode(pathname = window.location.pathname) {
  const match = PATH.exec(pathname);
  return match ? match[1] : null;
}

/** POST /api/invitations/{code}/accept -> {user, token, xmpp, chat}. */
export function acceptInvitation(code, displayName = '') {
  return api(`/api/invitations/${encodeURIComponent(code)}/accept`, {
    method: 'POST',
    body: displayName ? { display_name: displayName } : {},
  });
}

/** True for an api error that means the link itself is no good (unknown or expired). */
export const linkRefused = (error) => Boolean(error && (error.status === 404 || error.status === 410));

const $ = (selector) => document.querySelector(selector);

export class InvitePanel {
  /**
   * @param {{code: string, onAccepted: (auth: object) => void}} options
   */
  constructor({ code, onAccepted }) {
    this.code = code;
    this.onAccepted = onAccepted;
    // Built from <template id="invite-template"> only on an invitation page, so the
    // customer page at / keeps a single "Your name" field.
    const view = $('#invite-template').content.firstElementChild.cloneNode(true);
    view.hidden = true;
    $('.customer-main').prepend(view);
    this.ui = {
      view: $('#invite-view'),
      form: $('#invite-form'),
      name: $('#invite-name'),
      join: $('#invite-join'),
      error: $('#invite-error'),
      problem: $('#invite-problem'),
      problemText: $('#invite-problem-text'),
      restart: $('#invite-restart'),
    };
    this.ui.form.addEventListener('submit', (event) => this._submit(event));
  }

  /** The field to point the skip link at. */
  get field() {
    return this.ui.form.hidden ? this.ui.restart : this.ui.name;
  }

  /** Show the welcome card (the name prefilled when known). */
  show({ name = '' } = {}) {
    show(this.ui.view, true);
    show(this.ui.form, true);
    show(this.ui.problem, false);
    show(this.ui.error, false);
    if (name && !this.ui.name.value) this.ui.name.value = name;
    this.ui.name.focus();
  }

  hide() {
    show(this.ui.view, false);
  }

  /** Take the card out of the page (the customer left the link for /). */
  remove() {
    this.ui.view.remove();
  }

  /** The link cannot be used: say why and offer a new chat. */
  showProblem(detail) {
    show(this.ui.view, true);
    show(this.ui.form, false);
    this.ui.problemText.textContent = detail || 'This chat link cannot be used any more.';
    show(this.ui.problem, true);
    this.ui.restart.focus();
  }

  async _submit(event) {
    event.preventDefault();
    const { ui } = this;
    show(ui.error, false);
    ui.join.disabled = true;
    ui.join.textContent = 'Joining…';
    try {
      const auth = await acceptInvitation(this.code, ui.name.value.trim());
      this.onAccepted(auth);
    } catch (error) {
      if (linkRefused(error)) {
        this.showProblem(error.detail);
      } else {
        ui.error.textContent = error.detail || error.message;
        show(ui.error, true);
        ui.name.focus();
      }
    } finally {
      ui.join.disabled = false;
      ui.join.textContent = 'Join the chat';
    }
  }
}
