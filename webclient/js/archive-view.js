/**
 * The console's read-only "Archive" view: search archived chats by customer
 * name or subject (GET /api/archive/chats?q=) and read one
 * (GET /api/archive/chats/{id}/messages). There is no composer; times are
 * shown in Europe/Berlin; a message the server cannot open is shown as
 * "This message cannot be decrypted".
 *
 * Selectors for tests:
 *   #archive-toggle (aria-pressed), #archive-view, #archive-back, #archive-search, #archive-q,
 *   #archive-submit, #archive-results, #archive-list, #archive-count, #archive-empty
 *   li.archive-item[data-archive-id] > button[data-action=read] .archive-item-name
 *     .archive-item-subject .archive-item-meta
 *   #archive-chat, #archive-close, #archive-chat-title, #archive-chat-meta, #archive-messages
 *     (li.message .message-sender .message-body .message-time, li.message--unreadable)
 */

import { MessageList } from './chat-view.js';
import { formatTime } from './format.js';
import { h, show } from './ui.js';

export const UNREADABLE_TEXT = 'This message cannot be decrypted';

const $ = (selector) => document.querySelector(selector);

export class ArchiveView {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>,
   *          onUnauthorized: (error: Error) => void, onBack: () => void}} options
   */
  constructor({ request, onUnauthorized, onBack }) {
    this.request = request;
    this.onUnauthorized = onUnauthorized;
    this.chats = [];
    this.openId = null;
    this.searchRun = 0;
    this.ui = {
      view: $('#archive-view'),
      back: $('#archive-back'),
      search: $('#archive-search'),
      q: $('#archive-q'),
      results: $('#archive-results'),
      list: $('#archive-list'),
      count: $('#archive-count'),
      empty: $('#archive-empty'),
      chat: $('#archive-chat'),
      close: $('#archive-close'),
      title: $('#archive-chat-title'),
      meta: $('#archive-chat-meta'),
      messages: $('#archive-messages'),
    };
    this.messageList = new MessageList(this.ui.messages, { emptyText: 'No messages in this chat.' });
    this.ui.back.addEventListener('click', () => onBack());
    this.ui.search.addEventListener('submit', (event) => {
      event.preventDefault();
      this.search();
    });
    this.ui.list.addEventListener('click', (event) => {
      const item = event.target.closest('[data-archive-id]');
      if (item && event.target.closest('button[data-action=read]')) this.read(item.dataset.archiveId);
    });
    this.ui.close.addEventListener('click', () => this.closeChat());
  }

  get visible() {
    return !this.ui.view.hidden;
  }

  /** Show the view with the newest archived chats (or the last search). */
  open() {
    show(this.ui.view, true);
    this.closeChat({ focus: false });
    this.ui.q.focus();
    this.search();
  }

  close() {
    show(this.ui.view, false);
  }

  /** Forget everything (sign-out). */
  clear() {
    this.close();
    this.ui.q.value = '';
    this.chats = [];
    this.openId = null;
    this.ui.list.replaceChildren();
    this.messageList.showStatic([]);
  }

  async search() {
    const run = ++this.searchRun;
    const q = this.ui.q.value.trim();
    try {
      const chats = await this.request(`/api/archive/chats?q=${encodeURIComponent(q)}`);
      if (run !== this.searchRun) return;
      this.chats = chats;
      this.render(q);
    } catch (error) {
      this._failed(error, (text) => this._showEmpty(text));
    }
  }

  render(q) {
    this.ui.list.replaceChildren(...this.chats.map((chat) => this._item(chat)));
    this.ui.count.textContent = String(this.chats.length);
    if (this.chats.length) show(this.ui.empty, false);
    else this._showEmpty(q ? `No archived chats match “${q}”.` : 'No archived chats yet.');
  }

  _showEmpty(text) {
    this.ui.empty.textContent = text;
    show(this.ui.empty, true);
  }

  _item(chat) {
    const who = chat.assignee_name ? ` · with ${chat.assignee_name}` : '';
    return h(
      'li',
      { class: 'chat-item archive-item', 'data-archive-id': chat.id, 'data-testid': 'archive-item' },
      h(
        'button',
        { type: 'button', class: 'chat-item-main', 'data-action': 'read' },
        h('span', { class: 'chat-item-name archive-item-name' }, chat.customer_name),
        h('span', { class: 'chat-item-subject archive-item-subject' }, chat.subject || 'No subject'),
        h('span', { class: 'chat-item-meta archive-item-meta' }, `Ended ${formatTime(chat.ended_at)}${who}`),
      ),
    );
  }

  /** Read one archived chat (read-only). */
  async read(id) {
    const chat = this.chats.find((entry) => entry.id === id);
    if (!chat) return;
    this.openId = id;
    const { ui } = this;
    ui.title.textContent = chat.customer_name;
    const who = chat.assignee_name ? ` · ${chat.assignee_name}` : '';
    ui.meta.textContent = `${chat.subject || 'No subject'}${who} · ended ${formatTime(chat.ended_at)}`;
    this.messageList.showStatic([]);
    show(ui.results, false);
    show(ui.chat, true);
    ui.messages.focus();
    try {
      const messages = await this.request(`/api/archive/chats/${encodeURIComponent(id)}/messages`);
      if (this.openId !== id) return;
      this.messageList.showStatic(messages.map(readableOrNotice));
      const chatMessages = messages.filter((message) => message.kind !== 'system');
      ui.messages.querySelectorAll('li.message').forEach((element, index) => {
        const message = chatMessages[index];
        if (message && message.readable === false) element.classList.add('message--unreadable');
      });
    } catch (error) {
      this._failed(error, (text) => this.messageList.showStatic([notice(text)]));
    }
  }

  closeChat({ focus = true } = {}) {
    const previous = this.openId;
    this.openId = null;
    show(this.ui.chat, false);
    show(this.ui.results, true);
    if (focus && previous) {
      const item = this.ui.list.querySelector(`[data-archive-id="${CSS.escape(previous)}"] button`);
      if (item) item.focus();
    }
  }

  _failed(error, report) {
    if (error.status === 401) this.onUnauthorized(error);
    else report(error.detail || error.message || 'Something went wrong.');
  }
}

function readableOrNotice(message) {
  return message.readable === false ? { ...message, body: UNREADABLE_TEXT } : message;
}

function notice(text) {
  return { stanza_id: '', origin_id: null, sender_name: '', kind: 'system', body: text, created_at: new Date().toISOString() };
}
