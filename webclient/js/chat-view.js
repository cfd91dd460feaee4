/**
 * Rendering of a conversation, shared by the customer page and the console.
 *
 * MessageList keeps an <ol> in step with a Room's messages (or with a static
 * list from the api, for chats the supporter has not joined). Elements:
 *   li.message[data-stanza-id][data-origin-id][data-state]  .message-sender .message-body .message-time
 *     an assistant's answer also: ul.message-sources > li > a (its articles), and with onRate
 *     .message-rating > button.rate-up / button.rate-down [aria-pressed]
 *   li.status-line[data-status]                              a status change from the bridge
 *   li.system-line                                           another notice from the bridge
 * Every name and body goes in via text nodes, never as HTML.
 *
 * bindComposer() wires a textarea form: Enter sends, Shift+Enter adds a line.
 */

import { formatTime } from './format.js';
import { safeUrl } from './markdown.js';
import { h } from './ui.js';
import { BRIDGE_NICK, STATUS_TEXT } from './room.js';

const STATE_TEXT = { pending: 'Sending…', failed: 'Not delivered' };

export class MessageList {
  /**
   * @param {HTMLOListElement} list
   * @param {{emptyText?: string, onRetry?: (originId: string) => void,
   *          onRate?: (message: object, rating: 'up'|'down'|null) => void}} options
   */
  constructor(list, { emptyText = 'No messages yet.', onRetry, onRate } = {}) {
    this.list = list;
    this.emptyText = emptyText;
    this.onRetry = onRetry;
    this.onRate = onRate;
    this.room = null;
    this.staticMessages = null;
    this._elements = new WeakMap();
    this._onChange = () => this.render();
  }

  /** Show a live room (null to clear). */
  bind(room) {
    this.unbind();
    this.room = room;
    this.staticMessages = null;
    if (room) room.addEventListener('messages', this._onChange);
    this.render({ scroll: 'bottom' });
  }

  /** Show messages from GET /api/chats/{id}/messages (read-only preview). */
  showStatic(apiMessages) {
    this.unbind();
    this.staticMessages = apiMessages.map(fromApi);
    this.render({ scroll: 'bottom' });
  }

  unbind() {
    if (this.room) this.room.removeEventListener('messages', this._onChange);
    this.room = null;
    this.staticMessages = null;
  }

  /** Bring the list's children in line with the messages, reusing elements. */
  render({ scroll } = {}) {
    const messages = this.room ? this.room.messages : this.staticMessages || [];
    const stick = scroll === 'bottom' || this._nearBottom();
    const wanted = messages.map((message) => this._elementFor(message));
    if (!wanted.length) wanted.push(this._emptyElement());
    wanted.forEach((element, index) => {
      const current = this.list.children[index];
      if (current !== element) this.list.insertBefore(element, current || null);
    });
    while (this.list.children.length > wanted.length) this.list.lastElementChild.remove();
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  _nearBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.list;
    return scrollHeight - scrollTop - clientHeight < 80;
  }

  _emptyElement() {
    if (!this._empty) this._empty = h('li', { class: 'messages-empty', 'aria-hidden': 'true' }, this.emptyText);
    return this._empty;
  }

  _elementFor(message) {
    const signature = `${message.state}|${message.stanzaId}|${message.time && message.time.getTime()}|${message.error}|${message.rating}`;
    const cached = this._elements.get(message);
    if (cached && cached.signature === signature) return cached.element;
    const element = renderMessage(message, this.onRetry, this.onRate);
    if (cached) cached.element.replaceWith(element);
    this._elements.set(message, { element, signature });
    return element;
  }
}

function timeElement(message) {
  const label = message.state === 'sent' ? formatTime(message.time) : STATE_TEXT[message.state] || '';
  return h(
    'time',
    { class: 'message-time', datetime: message.state === 'sent' ? message.time.toISOString() : null },
    label,
  );
}

function renderMessage(message, onRetry, onRate) {
  const ids = {
    'data-stanza-id': message.stanzaId || null,
    'data-origin-id': message.originId || null,
  };
  if (message.kind === 'status') {
    return h(
      'li',
      { class: 'status-line', 'data-status': message.status, 'data-testid': 'status-line', ...ids },
      h('span', { class: 'status-line-text' }, message.body),
      timeElement(message),
    );
  }
  if (message.kind === 'system') {
    return h(
      'li',
      { class: 'system-line', 'data-testid': 'system-line', ...ids },
      h('span', { class: 'system-line-text' }, message.body),
      timeElement(message),
    );
  }
  const side = message.own ? 'own' : 'other';
  const footer = h('div', { class: 'message-footer' }, timeElement(message));
  if (message.state === 'failed' && onRetry) {
    footer.append(
      h(
        'button',
        { type: 'button', class: 'message-retry', onclick: () => onRetry(message.originId) },
        'Retry',
      ),
    );
  }
  return h(
    'li',
    {
      class: `message message--${side} message--${message.state}`,
      'data-state': message.state,
      'data-testid': 'message',
      title: message.error || null,
      ...ids,
    },
    message.own ? null : h('span', { class: 'message-sender' }, message.nick),
    h('p', { class: 'message-body' }, message.body),
    message.answer ? sourcesList(message.answer.sources) : null,
    message.answer && !message.answer.handedOff && onRate ? ratingButtons(message, onRate) : null,
    footer,
  );
}

/** The articles an answer comes from, as links (only http(s) addresses become links). */
function sourcesList(sources) {
  if (!sources.length) return null;
  return h(
    'ul',
    { class: 'message-sources', 'aria-label': 'Sources', 'data-testid': 'answer-sources' },
    ...sources.map((source) => {
      const url = safeUrl(source.url);
      const label = source.title || 'Article';
      return h('li', {}, url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label) : label);
    }),
  );
}

/** Thumbs up and down; pressing the pressed one takes the rating back. */
function ratingButtons(message, onRate) {
  const button = (rating, label, symbol) =>
    h(
      'button',
      {
        type: 'button',
        class: `rate-${rating}`,
        'aria-pressed': String(message.rating === rating),
        'aria-label': label,
        title: label,
        'data-testid': `rate-${rating}`,
        onclick: () => onRate(message, message.rating === rating ? null : rating),
      },
      symbol,
    );
  return h(
    'div',
    { class: 'message-rating', role: 'group', 'aria-label': 'Was this answer helpful?' },
    button('up', 'Helpful', '👍'),
    button('down', 'Not helpful', '👎'),
  );
}

/** Turn an api message into the shape MessageList renders. */
function fromApi(item) {
  const isStatus = item.kind === 'system' && Object.values(STATUS_TEXT).includes(item.body);
  const status = isStatus ? Object.keys(STATUS_TEXT).find((key) => STATUS_TEXT[key] === item.body) : null;
  return {
    stanzaId: item.stanza_id,
    originId: item.origin_id,
    nick: item.sender_name || (item.kind === 'system' ? BRIDGE_NICK : ''),
    body: item.body,
    time: new Date(item.created_at),
    own: false,
    kind: status ? 'status' : item.kind === 'system' ? 'system' : 'other',
    status,
    state: 'sent',
    error: null,
  };
}

/**
 * Wire a composer form. onSend(text) returns true when the text was taken.
 * Returns {setEnabled(enabled, placeholder?), setValue(text), focus()}.
 */
export function bindComposer({ form, input, button, onSend, onInput }) {
  const autosize = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  };
  const refresh = () => {
    button.disabled = input.disabled || !input.value.trim();
    autosize();
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    refresh();
    if (onInput) onInput(input.value);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.disabled || !input.value.trim()) return;
    if (onSend(input.value)) {
      input.value = '';
      refresh();
      if (onInput) onInput('');
    }
    input.focus();
  });
  refresh();
  return {
    setEnabled(enabled, placeholder) {
      input.disabled = !enabled;
      if (placeholder) input.placeholder = placeholder;
      refresh();
    },
    setValue(text) {
      input.value = text || '';
      refresh();
    },
    focus() {
      input.focus();
    },
  };
}
