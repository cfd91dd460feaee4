/**
 * XMPP namespaces and stanza parsing used by the chat client.
 *
 * Everything here is pure: it reads DOM elements produced by Strophe and
 * returns plain objects, so xmpp.js and room.js share one reading of the
 * wire format (origin-id, stanza-id, MAM results, the product's <status/>,
 * the suggestions offered to a supporter).
 */

import { Strophe } from '/static/vendor/strophe.esm.js';

export const NS = Object.freeze({
  MUC: 'http://jabber.org/protocol/muc',
  MUC_USER: 'http://jabber.org/protocol/muc#user',
  MAM: 'urn:xmpp:mam:2',
  RSM: 'http://jabber.org/protocol/rsm',
  FORWARD: 'urn:xmpp:forward:0',
  DELAY: 'urn:xmpp:delay',
  SID: 'urn:xmpp:sid:0',
  PING: 'urn:xmpp:ping',
  STANZAS: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  PRODUCT: 'urn:customer-chat:0',
});

export const STATUSES = Object.freeze(['bot', 'waiting', 'active', 'ended']);

/** An XMPP-level failure: `condition` is the stanza error condition, "timeout", "offline" or "cancelled". */
export class XmppError extends Error {
  constructor(condition, text = '') {
    super(text || condition);
    this.name = 'XmppError';
    this.condition = condition;
  }
}

/** Return the first direct child of `element` with this local name (and namespace, if given). */
export function child(element, ns, name) {
  if (!element) return null;
  for (const node of element.children) {
    if (node.localName === name && (!ns || node.namespaceURI === ns)) return node;
  }
  return null;
}

/** Return all direct children of `element` with this local name (and namespace, if given). */
export function children(element, ns, name) {
  return Array.from(element ? element.children : []).filter(
    (node) => node.localName === name && (!ns || node.namespaceURI === ns),
  );
}

/** Return an XmppError for an error stanza (condition "timeout" when the stanza is null). */
export function stanzaError(stanza) {
  const error = stanza && child(stanza, null, 'error');
  if (!error) return new XmppError(stanza ? 'undefined-condition' : 'timeout');
  let condition = 'undefined-condition';
  let text = '';
  for (const node of error.children) {
    if (node.namespaceURI !== NS.STANZAS) continue;
    if (node.localName === 'text') text = node.textContent;
    else condition = node.localName;
  }
  return new XmppError(condition, text);
}

/** Return the MUC status codes (e.g. ["110", "201"]) of a room presence. */
export function mucStatusCodes(presence) {
  const x = child(presence, NS.MUC_USER, 'x');
  return children(x, NS.MUC_USER, 'status').map((node) => node.getAttribute('code'));
}

/**
 * ejabberd's stanza-ids are microsecond timestamps; use them as the server
 * time of a live message when they look like one, else null.
 */
export function timeFromStanzaId(id) {
  if (!id || !/^\d{16}$/.test(id)) return null;
  const date = new Date(Number(id) / 1000);
  const year = date.getUTCFullYear();
  return year >= 2020 && year < 2100 ? date : null;
}

/**
 * Read a groupchat message (live, or the one inside a MAM <forwarded/>).
 * Returns {nick, body, originId, status, realJid, sentFor}; `status` is the product's
 * status value or null; `sentFor` {jid, name} names the supporter a reply the bridge
 * posted is from (a suggestion they picked).
 */
export function readRoomMessage(message) {
  const from = message.getAttribute('from') || '';
  const body = child(message, null, 'body');
  const origin = child(message, NS.SID, 'origin-id');
  const statusEl = child(message, NS.PRODUCT, 'status');
  const statusValue = statusEl && statusEl.getAttribute('value');
  const item = child(child(message, NS.MUC_USER, 'x'), NS.MUC_USER, 'item');
  const sentFor = child(message, NS.PRODUCT, 'sent-for');
  return {
    nick: Strophe.getResourceFromJid(from) || '',
    body: body ? body.textContent : '',
    originId: (origin && origin.getAttribute('id')) || null,
    status: STATUSES.includes(statusValue) ? statusValue : null,
    realJid: item && item.getAttribute('jid') ? Strophe.getBareJidFromJid(item.getAttribute('jid')) : null,
    sentFor: sentFor ? { jid: sentFor.getAttribute('jid') || '', name: sentFor.getAttribute('name') || '' } : null,
    answer: readAnswer(child(message, NS.PRODUCT, 'answer')),
  };
}

/**
 * The assistant's <answer/>: {id, text, handedOff, sources: [{id, title, url}]}, or null.
 * `text` is the answer without the "Source:" line the plain body adds for other clients.
 */
function readAnswer(element) {
  if (!element || !element.getAttribute('id')) return null;
  const text = child(element, NS.PRODUCT, 'text');
  return {
    id: element.getAttribute('id'),
    text: text ? text.textContent : '',
    handedOff: element.getAttribute('handed_off') === 'true',
    sources: children(element, NS.PRODUCT, 'source').map((source) => ({
      id: source.getAttribute('id') || '',
      title: source.getAttribute('title') || '',
      url: source.getAttribute('url') || '',
    })),
  };
}

/** Return the stanza-id the room (`roomJid`) assigned to a live message, or null. */
export function roomStanzaId(message, roomJid) {
  for (const node of children(message, NS.SID, 'stanza-id')) {
    if ((node.getAttribute('by') || '').toLowerCase() === roomJid) return node.getAttribute('id');
  }
  return null;
}

/**
 * Read one MAM <result/>: {stanzaId, queryId, time, ...readRoomMessage()},
 * or null when it holds no message.
 */
export function readMamResult(result) {
  const forwarded = child(result, NS.FORWARD, 'forwarded');
  const message = child(forwarded, null, 'message');
  if (!message) return null;
  const delay = child(forwarded, NS.DELAY, 'delay') || child(message, NS.DELAY, 'delay');
  const stanzaId = result.getAttribute('id');
  const stamp = delay ? new Date(delay.getAttribute('stamp')) : null;
  return {
    ...readRoomMessage(message),
    stanzaId,
    queryId: result.getAttribute('queryid'),
    time: stamp && !Number.isNaN(stamp.getTime()) ? stamp : timeFromStanzaId(stanzaId) || new Date(),
  };
}

/**
 * Read the suggestions `suggest@` offers a supporter in a private room message:
 * {chatId, fallback, items: [{id, rank, text, missing: [names]}]}, or null when the
 * message carries none.
 */
export function readSuggestions(message) {
  const offer = child(message, NS.PRODUCT, 'suggestions');
  if (!offer) return null;
  return {
    chatId: offer.getAttribute('chat') || '',
    fallback: offer.getAttribute('fallback') === 'true',
    items: children(offer, NS.PRODUCT, 'suggestion').map((item) => ({
      id: Number(item.getAttribute('id')),
      rank: Number(item.getAttribute('rank')),
      text: item.textContent,
      missing: (item.getAttribute('missing') || '').split(',').filter(Boolean),
    })),
  };
}
