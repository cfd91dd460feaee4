/**
 * "Suggested replies" under the console's composer: the three replies suggest@
 * offered the supporter in the open chat, as chips.
 *
 * A chip's text sends it as suggested (POST /api/suggestions/{id}/send {}); "Edit"
 * lends the composer to the suggestion: the supporter changes the text and Enter
 * sends it as edited ({"text": …}; with only its placeholders filled in, as chosen
 * with {"values": […]}), Escape or Cancel gives the composer its draft back. A chip
 * with open placeholders ({{Number}}) cannot be sent blind: its text opens the
 * editor with the first one selected. Thumbs up / down rate a chip (POST …/feedback);
 * pressing the pressed thumb again takes the rating back ({"rating": null}).
 *
 * The offer itself always comes from GET /api/chats/{id}/suggestions: suggest@'s
 * private room message only says that there is a new one (any occupant could send
 * such a message), and is read for the chat the supporter is looking at, the other
 * chats' when they are opened. The api's offer says whether the model was unsure
 * ("Not sure — most used answers") and, after a reload too, which chips were sent
 * and how each is rated. Chip texts go in as text nodes, never as HTML.
 *
 * Selectors for tests:
 *   #suggestions (hidden without an offer), #suggestions-note (the fallback hint),
 *   li.suggestion-chip[data-suggestion-id][data-rank][data-state=ready|sending|sent] with
 *     [data-action=send] (.suggestion-text), [data-action=edit], [data-action=up|down][aria-pressed]
 *   #suggestion-error, #suggestion-editing (the composer's edit bar), #suggestion-edit-cancel
 */

import { h, show } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const THUMB = 'M3 10h4v11H3zM7 10l4-7c1.5 0 2.5 1 2.5 2.5V9h5.2a2 2 0 0 1 2 2.4l-1.3 7.3a2 2 0 0 1-2 1.8H7';
const PLACEHOLDER = /\{\{\s*[^{}]+?\s*\}\}/;
const RATING_TEXT = { up: 'helpful', down: 'not helpful' };

const $ = (selector) => document.querySelector(selector);

export class SuggestionsPanel {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>,
   *          composer: {setValue: (text: string) => void, focus: () => void},
   *          input: HTMLTextAreaElement, onUnauthorized: (error: Error) => void}} options
   */
  constructor({ request, composer, input, onUnauthorized }) {
    this.request = request;
    this.composer = composer;
    this.input = input;
    this.onUnauthorized = onUnauthorized;
    this.ui = {
      root: $('#suggestions'),
      note: $('#suggestions-note'),
      list: $('#suggestion-list'),
      error: $('#suggestion-error'),
      editing: $('#suggestion-editing'),
      editingText: $('#suggestion-editing-text'),
      editCancel: $('#suggestion-edit-cancel'),
      send: $('#send'),
    };
    this.chatId = null;
    this.usable = false;
    this.offers = new Map(); // chat id -> the offer as the api gave it last
    this.ratings = new Map(); // suggestion id -> "up" | "down" | null, as rated here since
    this.states = new Map(); // suggestion id -> "sending" | "sent", as sent here since
    this.edit = null; // {item, draft} while the composer edits a suggestion
    this._loads = 0;

    this.ui.list.addEventListener('click', (event) => this._onClick(event));
    this.ui.editCancel.addEventListener('click', () => this.cancelEdit());
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.edit) {
        event.preventDefault();
        this.cancelEdit();
      }
    });
  }

  /** True while the composer holds a suggestion being edited (its text is no draft). */
  get editing() {
    return this.edit !== null;
  }

  /** Follow the open chat; `usable` while I hold it and can write in it. */
  follow(chatId, usable) {
    if (chatId !== this.chatId) {
      this._stopEditing({ restore: false }); // the console puts the other chat's draft in
      this.chatId = chatId;
      this.usable = usable;
      this._showError(null);
      if (usable) this._load();
    } else if (usable !== this.usable) {
      this.usable = usable;
      if (usable) this._load();
      else this._stopEditing({ restore: true });
    } else {
      return;
    }
    this._render();
  }

  /** suggest@ told the supporter about a new offer in this chat. */
  offered(chatId, { chatId: named }) {
    if (named !== chatId) return;
    if (chatId === this.chatId && this.usable) this._load();
    else this.offers.delete(chatId); // read when it is opened, never shown stale
  }

  /** Forget everything (sign-out). */
  clear() {
    this._stopEditing({ restore: false });
    this.chatId = null;
    this.usable = false;
    this.offers.clear();
    this.ratings.clear();
    this.states.clear();
    this._showError(null);
    this._render();
  }

  /**
   * Send the edited suggestion from the composer. Returns false: the composer keeps
   * the text until the api took it (then the draft comes back), or shows why not.
   */
  sendEdited(text) {
    const edit = this.edit;
    if (!edit || this.states.get(edit.item.id) === 'sending') return false;
    const open = text.match(PLACEHOLDER);
    if (open) {
      this._showError(`Fill in ${open[0]} first.`);
      this._selectPlaceholder();
      return false;
    }
    this._sendItem(edit.item, asSent(edit.item, text)).then((sent) => {
      if (sent && this.edit === edit) {
        this._stopEditing({ restore: true });
        this.composer.focus();
      }
    });
    return false;
  }

  /** Leave the editor and give the composer its draft back. */
  cancelEdit() {
    if (!this.edit) return;
    this._stopEditing({ restore: true });
    this._showError(null);
    this.composer.focus();
  }

  // --- the offer ---------------------------------------------------------------------

  async _load() {
    const chatId = this.chatId;
    const load = ++this._loads;
    try {
      const offer = await this.request(`/api/chats/${chatId}/suggestions`);
      if (load !== this._loads || chatId !== this.chatId) return;
      this.offers.set(chatId, offer);
      this._render();
    } catch (error) {
      if (load === this._loads && chatId === this.chatId) this._failed(error);
    }
  }

  /** The open chat's suggestions, if I can use them. */
  _items() {
    const offer = this.usable && this.offers.get(this.chatId);
    return offer ? offer.suggestions : [];
  }

  /** Redraw the chips, keeping the focus on the same button of the same place. */
  _render() {
    const items = this._items();
    show(this.ui.note, Boolean(items.length && this.offers.get(this.chatId).fallback));
    this._showPanel();
    const focused = document.activeElement;
    const place = focused && focused.closest('.suggestion-chip');
    const focus = place && this.ui.list.contains(place) && { rank: place.dataset.rank, action: focused.dataset.action };
    const editing = this.edit && this.edit.item.id;
    const state = (item) => this.states.get(item.id) || (item.sent ? 'sent' : 'ready');
    const rating = (item) => (this.ratings.has(item.id) ? this.ratings.get(item.id) : item.rating);
    this.ui.list.replaceChildren(
      ...items.map((item) => chip(item, { state: state(item), rating: rating(item), editing: item.id === editing })),
    );
    if (focus) {
      const again = this.ui.list.querySelector(`[data-rank="${CSS.escape(focus.rank)}"]`);
      const target = again && again.querySelector(`[data-action="${CSS.escape(focus.action)}"]`);
      (target || this.input).focus();
    }
  }

  _showPanel() {
    show(this.ui.root, this.usable && (this._items().length > 0 || !this.ui.error.hidden));
  }

  _onClick(event) {
    const button = event.target.closest('button[data-action]');
    const place = button && button.closest('.suggestion-chip');
    if (!place || !this.ui.list.contains(place)) return;
    const item = this._item(Number(place.dataset.suggestionId));
    if (!item) return;
    const { action } = button.dataset;
    if (action === 'send') this._send(item);
    else if (action === 'edit') this._startEdit(item);
    else this._rate(item, action);
  }

  _item(id) {
    return this._items().find((item) => item.id === id) || null;
  }

  // --- send, edit, rate ------------------------------------------------------------------

  _send(item) {
    if (this.states.has(item.id) || item.sent) return; // on its way, or sent (Edit sends a variant)
    if (item.missing.length) {
      this._startEdit(item); // it cannot go out with {{…}} in it
      return;
    }
    this._sendItem(item, {});
  }

  /** POST the suggestion (as suggested, or `{text}` as edited); true when the api took it. */
  async _sendItem(item, body) {
    if (this.states.get(item.id) === 'sending') return false;
    this._showError(null);
    this.states.set(item.id, 'sending');
    this._render();
    try {
      await this.request(`/api/suggestions/${item.id}/send`, { method: 'POST', body });
      this.states.set(item.id, 'sent');
      return true;
    } catch (error) {
      this.states.delete(item.id);
      if (error.status === 422 && !this.edit && !body.text) this._startEdit(item); // a placeholder is open
      this._failed(error);
      return false;
    } finally {
      this._render();
    }
  }

  _startEdit(item) {
    if (!this.edit) this.edit = { item, draft: this.input.value };
    else this.edit.item = item;
    this._showError(null);
    this.composer.setValue(item.text);
    this.ui.editingText.textContent = `Editing suggestion ${item.rank}: Enter sends it, Escape cancels.`;
    show(this.ui.editing, true);
    this.ui.send.textContent = 'Send edited';
    this.input.setAttribute('aria-describedby', 'suggestion-editing-text composer-hint');
    this.composer.focus();
    if (!this._selectPlaceholder()) this.input.setSelectionRange(item.text.length, item.text.length);
    this._render();
  }

  /** Select the first open {{placeholder}} in the editor, so typing replaces it. */
  _selectPlaceholder() {
    const open = this.input.value.match(PLACEHOLDER);
    if (!open) return false;
    this.input.focus();
    this.input.setSelectionRange(open.index, open.index + open[0].length);
    return true;
  }

  _stopEditing({ restore }) {
    const edit = this.edit;
    if (!edit) return;
    this.edit = null;
    if (restore) this.composer.setValue(edit.draft);
    show(this.ui.editing, false);
    this.ui.send.textContent = 'Send';
    this.input.setAttribute('aria-describedby', 'composer-hint');
    this._render();
  }

  /** Rate the chip, or take the rating back when its thumb is pressed already. */
  async _rate(item, thumb) {
    const known = this.ratings.has(item.id);
    const before = known ? this.ratings.get(item.id) : item.rating;
    const rating = before === thumb ? null : thumb;
    this._showError(null);
    this.ratings.set(item.id, rating);
    this._render();
    try {
      await this.request(`/api/suggestions/${item.id}/feedback`, { method: 'POST', body: { rating } });
    } catch (error) {
      if (known) this.ratings.set(item.id, before);
      else this.ratings.delete(item.id);
      this._render();
      this._failed(error);
    }
  }

  // --- errors ------------------------------------------------------------------------

  _failed(error) {
    if (error.status === 401) this.onUnauthorized(error);
    else this._showError(error.detail || error.message);
  }

  _showError(text) {
    this.ui.error.textContent = text || '';
    show(this.ui.error, Boolean(text));
    this._showPanel();
  }
}

/** A chip: its text sends it (or opens the editor), then Edit and the two thumbs. */
function chip(item, { state, rating, editing }) {
  const blind = item.missing.length > 0;
  const verb = blind ? 'Fill in and send' : 'Send';
  return h(
    'li',
    {
      class: `suggestion-chip${editing ? ' is-editing' : ''}`,
      'data-suggestion-id': String(item.id),
      'data-rank': String(item.rank),
      'data-state': state,
      'data-testid': 'suggestion-chip',
    },
    h(
      'button',
      {
        type: 'button',
        class: 'suggestion-text',
        'data-action': 'send',
        title: item.text,
        'aria-disabled': state === 'ready' ? null : 'true', // stays focusable
      },
      h('span', { class: 'visually-hidden' }, `${verb} suggestion ${item.rank}: `),
      h('span', { class: 'suggestion-clamp' }, item.text),
    ),
    h(
      'div',
      { class: 'suggestion-tools' },
      h('span', { class: 'suggestion-state' }, stateText(item, state)),
      h(
        'button',
        {
          type: 'button',
          class: 'suggestion-tool',
          'data-action': 'edit',
          'aria-label': `Edit suggestion ${item.rank}`,
        },
        'Edit',
      ),
      rateButton(item, 'up', rating),
      rateButton(item, 'down', rating),
    ),
  );
}

function stateText(item, state) {
  if (state === 'sent') return 'Sent';
  if (state === 'sending') return 'Sending…';
  return item.missing.length ? `Needs ${item.missing.map((name) => `{{${name}}}`).join(', ')}` : '';
}

function rateButton(item, value, rating) {
  const text = RATING_TEXT[value];
  return h(
    'button',
    {
      type: 'button',
      class: `suggestion-tool suggestion-rate suggestion-rate--${value}`,
      'data-action': value,
      'aria-pressed': String(rating === value),
      'aria-label': `Rate suggestion ${item.rank} ${text}`,
      title: text[0].toUpperCase() + text.slice(1),
    },
    thumb(),
  );
}

/**
 * What to POST for the text the supporter sends from the editor: the suggestion
 * with only its placeholders filled in counts as chosen ({values}), anything
 * else as edited ({text}).
 */
function asSent(item, text) {
  const wanted = text.trim();
  const pattern = item.text
    .trim()
    .split(PLACEHOLDER)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(\\S[\\s\\S]*?)');
  const filled = new RegExp(`^${pattern}$`).exec(wanted);
  return filled ? { values: filled.slice(1).map((value) => value.trim()) } : { text: wanted };
}

/** A thumb icon (the down one is the same, turned by CSS). */
function thumb() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', THUMB);
  svg.append(path);
  return svg;
}
