/**
 * "Transfer" in the console's open chat: the supporter holding it picks a
 * colleague (GET /api/supporters, without themselves) and hands the chat over
 * (POST /api/chats/{id}/transfer). A refusal shows the api's `detail` in the
 * form; onTransferred(chat) lets the console move the chat out of "mine".
 *
 * Selectors for tests:
 *   #transfer-chat (the toggle, aria-expanded), #transfer-form, #transfer-to (select),
 *   #transfer-submit, #transfer-cancel, #transfer-error
 */

import { show } from './ui.js';

const $ = (selector) => document.querySelector(selector);

export class TransferControl {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>, me: () => object,
   *          onTransferred: (chat: object) => void, onUnauthorized: (error: Error) => void}} options
   */
  constructor({ request, me, onTransferred, onUnauthorized }) {
    this.request = request;
    this.me = me;
    this.onTransferred = onTransferred;
    this.onUnauthorized = onUnauthorized;
    this.chatId = null;
    this.ui = {
      toggle: $('#transfer-chat'),
      form: $('#transfer-form'),
      to: $('#transfer-to'),
      submit: $('#transfer-submit'),
      cancel: $('#transfer-cancel'),
      error: $('#transfer-error'),
    };
    this.ui.toggle.addEventListener('click', () => (this.ui.form.hidden ? this.open() : this.close()));
    this.ui.cancel.addEventListener('click', () => this.close());
    this.ui.form.addEventListener('submit', (event) => this._transfer(event));
    this.ui.form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
  }

  /** Follow the open chat: the control is there only while I hold it. */
  update(chat, canTransfer) {
    const id = chat ? chat.id : null;
    if (id !== this.chatId || !canTransfer) this._hideForm();
    this.chatId = id;
    show(this.ui.toggle, Boolean(chat) && canTransfer);
  }

  async open() {
    const { ui } = this;
    show(ui.error, false);
    ui.to.replaceChildren(new Option('Loading colleagues…', ''));
    ui.to.disabled = true;
    ui.submit.disabled = true;
    show(ui.form, true);
    ui.toggle.setAttribute('aria-expanded', 'true');
    ui.to.focus();
    try {
      const staff = await this.request('/api/supporters');
      const me = this.me();
      const colleagues = staff
        .filter((person) => person.id !== me.id)
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
      if (ui.form.hidden) return;
      ui.to.replaceChildren(
        new Option(colleagues.length ? 'Choose a colleague' : 'No colleague available', ''),
        ...colleagues.map((person) => new Option(label(person), person.id)),
      );
      ui.to.disabled = !colleagues.length;
      ui.submit.disabled = !colleagues.length;
      ui.to.focus();
    } catch (error) {
      this._failed(error);
    }
  }

  close() {
    const wasOpen = !this.ui.form.hidden;
    this._hideForm();
    if (wasOpen && !this.ui.toggle.hidden) this.ui.toggle.focus();
  }

  _hideForm() {
    show(this.ui.form, false);
    show(this.ui.error, false);
    this.ui.toggle.setAttribute('aria-expanded', 'false');
  }

  async _transfer(event) {
    event.preventDefault();
    const { ui } = this;
    const chatId = this.chatId;
    show(ui.error, false);
    if (!ui.to.value) {
      this._fail('Please choose a colleague.');
      ui.to.focus();
      return;
    }
    ui.submit.disabled = true;
    try {
      const chat = await this.request(`/api/chats/${chatId}/transfer`, {
        method: 'POST',
        body: { supporter_id: ui.to.value },
      });
      this._hideForm();
      this.onTransferred(chat);
    } catch (error) {
      this._failed(error);
    } finally {
      ui.submit.disabled = false;
    }
  }

  _failed(error) {
    if (error.status === 401) this.onUnauthorized(error);
    else this._fail(error.detail || error.message);
  }

  _fail(text) {
    this.ui.error.textContent = text;
    show(this.ui.error, true);
  }
}

function label(person) {
  return person.username ? `${person.display_name} (@${person.username})` : person.display_name;
}
