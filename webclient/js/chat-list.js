/**
 * The console's chat list: four sections, each item a chat with its customer,
 * subject, latest message, how long ago, and an unread badge.
 *
 *   Waiting  waiting chats, the longest waiting first, "Waiting 4 min" ticking
 *   Mine     active chats assigned to me
 *   Active   colleagues' active chats (Take over)
 *   Ended    the latest ended chats, most recently ended first
 *
 * Chats are the objects of GET /api/chats (with `last_message` and
 * `waiting_since`). Every name and text goes in as a text node, never as HTML.
 *
 * Selectors:
 *   #<key>-list, #<key>-count, #<key>-empty  for key in waiting | mine | active | ended
 *   li.chat-item[data-chat-id][data-status] (.is-open, .is-mine, .has-unread); inside:
 *     [data-action=open] .chat-item-name .chat-item-time .chat-item-subject .badge
 *     .chat-item-last (.chat-item-last-sender) .chat-item-meta, [data-action=take] ("Take" / "Take over")
 */

import { formatSince, formatTime, toDate } from './format.js';
import { h, show } from './ui.js';

const SECTIONS = [
  { key: 'waiting', title: 'Waiting', empty: 'No chats waiting' },
  { key: 'mine', title: 'Mine', empty: 'No chats with you' },
  { key: 'active', title: 'Active', empty: 'No other active chats' },
  { key: 'ended', title: 'Ended', empty: 'No ended chats yet' },
];

/** How many ended chats the list shows. */
export const ENDED_LIMIT = 20;

const SHORT_TEXT = 80;

/** The section a chat belongs in, for the supporter with id `me` (null: not listed). */
function sectionOf(chat, me) {
  if (chat.status === 'active') return chat.assignee && chat.assignee.id === me ? 'mine' : 'active';
  if (chat.status === 'waiting' || chat.status === 'ended') return chat.status;
  return null; // still with the assistant
}

const time = (value) => (toDate(value) || new Date(0)).getTime();

const byOpened = (a, b) => time(a.created_at) - time(b.created_at);

// Waiting: the longest waiting first; Mine and Active stay put in the order the chats came in.
const ORDER = {
  waiting: (a, b) => time(a.waiting_since || a.created_at) - time(b.waiting_since || b.created_at),
  mine: byOpened,
  active: byOpened,
  ended: (a, b) => time(b.ended_at) - time(a.ended_at),
};

/** The text of a ticking time element: "4 min", or "Waiting 4 min" for a waiting time. */
function sinceText(element, now) {
  const duration = formatSince(element.dataset.since, now);
  if (element.dataset.format === 'waiting') {
    return duration === 'just now' ? 'Waiting < 1 min' : `Waiting ${duration}`;
  }
  return duration;
}

function ticking(tag, { since, format, className }) {
  const element = h(tag, {
    class: className,
    'data-since': since,
    'data-format': format,
    datetime: tag === 'time' ? since : null,
    title: formatTime(since),
  });
  element.textContent = sinceText(element, new Date());
  return element;
}

/** A message body on one short line. */
function shortText(body) {
  const text = String(body || '').replace(/\s+/g, ' ').trim();
  return text.length > SHORT_TEXT ? `${text.slice(0, SHORT_TEXT - 1)}…` : text;
}

export class ChatList {
  /**
   * @param {HTMLElement} container  where the sections go (appended)
   * @param {{onOpen: (chatId: string) => void, onTake: (chatId: string, button: HTMLButtonElement) => void}} actions
   */
  constructor(container, { onOpen, onTake }) {
    this.container = container;
    this.sections = new Map();
    for (const { key, title, empty } of SECTIONS) {
      const section = {
        list: h('ul', { id: `${key}-list`, class: 'chat-items', 'data-testid': `${key}-list` }),
        count: h('span', { id: `${key}-count`, class: 'count', 'data-testid': `${key}-count` }, '0'),
        empty: h('p', { id: `${key}-empty`, class: 'empty', 'data-testid': `${key}-empty` }, empty),
      };
      container.append(
        h(
          'section',
          { class: 'chat-group', 'aria-labelledby': `${key}-title`, 'data-section': key },
          h('h2', { id: `${key}-title`, class: 'chat-group-title' }, title, ' ', section.count),
          section.list,
          section.empty,
        ),
      );
      this.sections.set(key, section);
    }
    container.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      const item = button && button.closest('[data-chat-id]');
      if (!item || !container.contains(item)) return;
      if (button.dataset.action === 'take') onTake(item.dataset.chatId, button);
      else if (button.dataset.action === 'open') onOpen(item.dataset.chatId);
    });
  }

  /**
   * Show these chats in their sections, keeping the focus on the same button.
   * @param {{chats: object[], me: string, openId: string|null, unread: (chatId: string) => number}} state
   */
  render({ chats, me, openId, unread }) {
    const focused = document.activeElement && document.activeElement.closest('[data-chat-id]');
    const focus = focused && this.container.contains(focused) && {
      id: focused.dataset.chatId,
      action: document.activeElement.dataset.action,
    };
    const grouped = new Map(SECTIONS.map(({ key }) => [key, []]));
    for (const chat of chats) {
      const key = sectionOf(chat, me);
      if (key) grouped.get(key).push(chat);
    }
    for (const [key, items] of grouped) {
      items.sort(ORDER[key]);
      const shown = key === 'ended' ? items.slice(0, ENDED_LIMIT) : items;
      const section = this.sections.get(key);
      const toItem = (chat) => this._item(chat, { mine: key === 'mine', open: chat.id === openId, count: unread(chat.id) });
      section.list.replaceChildren(...shown.map(toItem));
      section.count.textContent = String(shown.length);
      show(section.empty, !shown.length);
    }
    if (focus) {
      const item = this.container.querySelector(`[data-chat-id="${CSS.escape(focus.id)}"]`);
      const target = item && (item.querySelector(`[data-action="${focus.action}"]`) || item.querySelector('button'));
      if (target) target.focus();
    }
  }

  /** Bring every "4 min ago" and waiting time up to date. */
  tick() {
    const now = new Date();
    for (const element of this.container.querySelectorAll('[data-since]')) {
      element.textContent = sinceText(element, now);
    }
  }

  _item(chat, { mine, open, count }) {
    const waiting = chat.status === 'waiting';
    const ended = chat.status === 'ended';
    const last = chat.last_message;
    const activeAt = (last && last.created_at) || chat.waiting_since || chat.updated_at;
    const takeLabel = waiting ? 'Take' : 'Take over';
    const name = chat.customer.display_name;
    return h(
      'li',
      {
        class: `chat-item${open ? ' is-open' : ''}${mine ? ' is-mine' : ''}${count ? ' has-unread' : ''}`,
        'data-chat-id': chat.id,
        'data-status': chat.status,
        'data-testid': 'chat-item',
      },
      h(
        'button',
        { type: 'button', class: 'chat-item-main', 'data-action': 'open', 'aria-current': open ? 'true' : null },
        h('span', { class: 'chat-item-name' }, name),
        ticking('time', { since: activeAt, format: 'ago', className: 'chat-item-time' }),
        h('span', { class: 'chat-item-subject' }, chat.subject || 'No subject'),
        count ? h('span', { class: 'badge', 'aria-hidden': 'true' }, String(count)) : null,
        count ? h('span', { class: 'visually-hidden' }, `, ${count} unread`) : null,
        lastLine(last),
        meta(chat, mine),
      ),
      mine || ended
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: `btn btn-small ${waiting ? 'btn-primary' : 'btn-secondary'}`,
              'data-action': 'take',
              'aria-label': `${takeLabel}: chat with ${name}`,
            },
            takeLabel,
          ),
    );
  }
}

/** How long it has waited (ticking), who has it, or when it ended. */
function meta(chat, mine) {
  if (chat.status === 'waiting') {
    const since = chat.waiting_since || chat.created_at;
    return ticking('span', { since, format: 'waiting', className: 'chat-item-meta' });
  }
  let text = `With ${chat.assignee ? chat.assignee.display_name : 'nobody'}`;
  if (chat.status === 'ended') text = `Ended ${formatTime(chat.ended_at)}`;
  else if (mine) text = 'With you';
  return h('span', { class: 'chat-item-meta' }, text);
}

function lastLine(last) {
  if (!last) return h('span', { class: 'chat-item-last chat-item-last--none' }, 'No messages yet');
  return h(
    'span',
    { class: 'chat-item-last' },
    h('span', { class: 'chat-item-last-sender' }, `${last.sender_name}: `),
    last.readable === false ? 'This message cannot be shown' : shortText(last.body),
  );
}
