/**
 * One chat room (a members-only MUC with MAM) as seen by a ChatClient.
 *
 * Lifecycle on every (re)connect: join (presence with history maxstanzas=0,
 * nick "name", "name (2)" ... on conflict) -> catch up from MAM after the
 * last stanza-id seen, in pages of 50 -> replay live messages that arrived
 * meanwhile -> resend still-pending messages with their SAME origin-id.
 * Each message is kept once: by stanza-id, and by origin-id for our own.
 *
 * Message objects (stable identity, fields updated in place):
 *   {stanzaId, originId, nick, body, time: Date, own, kind, status, answer, state, error}
 *   kind:  "own" | "other" | "system" (bridge notice) | "status" (status change)
 *   answer: the assistant's {id, text, handedOff, sources} (see stanza.js), else null
 *   state: "pending" | "sent" | "failed"
 *
 * Events: "messages" {message, live}  the list changed (new or updated message)
 *         "status"   {status, text}   the chat status changed (latest <status/> wins)
 *         "phase"    {phase}          idle | joining | catching-up | ready | left | error
 *         "left"     {codes}          the server removed us from the room
 *         "suggestions" {chatId, fallback, items}  suggest@ offered replies in a private
 *                                      message (any occupant can send one: treat it as a hint)
 */

import { $iq, $msg, $pres, Strophe } from '/static/vendor/strophe.esm.js';
import {
  NS,
  XmppError,
  child,
  mucStatusCodes,
  readMamResult,
  readRoomMessage,
  readSuggestions,
  roomStanzaId,
  stanzaError,
  timeFromStanzaId,
} from './stanza.js';
import { loadPending, loadRoomState, savePending, saveRoomState } from './store.js';

export const BRIDGE_NICK = 'Support';
export const ASSISTANT_NICK = 'Assistant';

export const STATUS_TEXT = Object.freeze({
  bot: 'Chatting with our assistant',
  waiting: 'Waiting for supporter',
  active: 'Chat active',
  ended: 'Chat was ended by the supporter',
});

export const Phase = Object.freeze({
  IDLE: 'idle',
  JOINING: 'joining',
  CATCHING_UP: 'catching-up',
  READY: 'ready',
  LEFT: 'left',
  ERROR: 'error',
});

const MAM_PAGE_SIZE = 50;
const MAX_MAM_PAGES = 1000;
const JOIN_TIMEOUT_MS = 15000;
const MAX_NICK_ATTEMPTS = 9;
const DELIVERY_CHECK_MS = 10000;
const MAX_RETRY_MS = 60000;

/** Conditions meaning "you are not (or no longer) an occupant": rejoin, then resend. */
const NOT_IN_ROOM = new Set(['not-acceptable', 'item-not-found', 'recipient-unavailable']);

export class Room extends EventTarget {
  constructor(client, jid, nick) {
    super();
    this.client = client;
    this.jid = jid;
    this.baseNick = nick;
    this.nick = nick;
    this.phase = Phase.IDLE;
    this.wanted = false;
    this.joined = false;
    this.status = null;
    this.statusText = '';
    this.confirmed = [];
    this.pending = [];
    this.lastStanzaId = null;
    this._byStanzaId = new Map();
    this._byOriginId = new Map();
    this._ownNicks = new Set();
    this._ownOriginIds = new Set();
    this._mamQueries = new Map();
    this._liveBuffer = null;
    this._joinWaiter = null;
    this._run = 0;
    this._failures = 0;
    this._retryTimer = null;
    this._deliveryTimer = null;
    this._restore();
  }

  /** All messages in display order: confirmed (archive order), then pending. */
  get messages() {
    return this.confirmed.concat(this.pending);
  }

  get ready() {
    return this.phase === Phase.READY;
  }

  /** Enter the room (now if online, else on the next connect) and keep it joined. */
  join() {
    this.wanted = true;
    const idle = [Phase.IDLE, Phase.LEFT, Phase.ERROR].includes(this.phase);
    if (this.client.online && idle) this._enter();
  }

  /** Leave the room; stored history and pending messages stay. */
  leave() {
    this.wanted = false;
    this._cancel();
    if (this.joined && this.client.online) {
      this.client.send($pres({ to: `${this.jid}/${this.nick}`, type: 'unavailable' }));
    }
    this.joined = false;
    this._setPhase(Phase.LEFT);
  }

  /** Queue a message; it is sent now if the room is ready, else after the next catch-up. */
  send(body) {
    const text = String(body);
    if (!text.trim()) return null;
    const originId = crypto.randomUUID();
    const message = {
      stanzaId: null,
      originId,
      nick: this.nick,
      body: text,
      time: new Date(),
      own: true,
      kind: 'own',
      status: null,
      answer: null,
      state: 'pending',
      error: null,
    };
    this.pending.push(message);
    this._ownOriginIds.add(originId);
    this._savePending();
    this._emit('messages', { message, live: true });
    if (this.ready) this._transmit(message);
    return message;
  }

  /** Try a failed message again (same origin-id). */
  retry(originId) {
    const message = this.pending.find((m) => m.originId === originId);
    if (!message) return;
    message.state = 'pending';
    message.error = null;
    this._emit('messages', { message, live: false });
    if (this.ready) this._transmit(message);
  }

  // --- called by ChatClient -------------------------------------------------

  onConnected() {
    if (this.wanted && (this.phase === Phase.IDLE || this.phase === Phase.ERROR)) this._enter();
  }

  onDisconnected() {
    this._cancel();
    if (this.phase !== Phase.LEFT) this._setPhase(Phase.IDLE);
  }

  onPresence(stanza) {
    const type = stanza.getAttribute('type');
    if (type === 'error') {
      if (this._joinWaiter) this._joinWaiter.reject(stanzaError(stanza));
      return;
    }
    const codes = mucStatusCodes(stanza);
    if (!codes.includes('110')) return; // someone else's presence
    const nick = Strophe.getResourceFromJid(stanza.getAttribute('from') || '');
    if (type === 'unavailable') {
      if (codes.includes('303')) return; // nick change: the new self-presence follows
      this.joined = false;
      if (this.phase !== Phase.LEFT && !this._joinWaiter) {
        // Kicked, banned or no longer a member (e.g. the chat was taken over).
        this.wanted = false;
        this._cancel();
        this._setPhase(Phase.LEFT);
        this._emit('left', { codes });
      }
      return;
    }
    this.nick = nick;
    if (!this._ownNicks.has(nick)) {
      this._ownNicks.add(nick);
      this._saveState();
    }
    if (this._joinWaiter) this._joinWaiter.resolve();
  }

  onMessage(stanza) {
    const type = stanza.getAttribute('type');
    if (type === 'error') {
      this._onSendError(stanza);
      return;
    }
    if (type === 'chat') {
      // Private MUC messages are not part of the conversation; suggest@'s offers are news.
      const offer = readSuggestions(stanza);
      if (offer) this._emit('suggestions', offer);
      return;
    }
    if (type !== 'groupchat') return;
    if (child(stanza, NS.DELAY, 'delay')) return; // replay; MAM is the only history source
    const stanzaId = roomStanzaId(stanza, this.jid);
    const record = { ...readRoomMessage(stanza), stanzaId, time: timeFromStanzaId(stanzaId) || new Date() };
    if (!record.body && !record.status) return; // subject changes, chat states
    if (this._liveBuffer) {
      this._liveBuffer.push(record);
    } else if (this.ready) {
      this._ingest(record, true);
      this._saveState();
    }
  }

  onMamResult(resultElement) {
    const collected = this._mamQueries.get(resultElement.getAttribute('queryid'));
    if (!collected) return;
    const record = readMamResult(resultElement);
    if (record) collected.push(record);
  }

  // --- join, catch up, resend ------------------------------------------------

  async _enter() {
    const run = ++this._run;
    clearTimeout(this._retryTimer);
    if (this._joinWaiter) this._joinWaiter.reject(new XmppError('cancelled'));
    this._liveBuffer = [];
    try {
      if (!(this.client.resumed && this.joined)) {
        this._setPhase(Phase.JOINING);
        await this._joinWithFreeNick(run);
      }
      this.joined = true;
      this._setPhase(Phase.CATCHING_UP);
      await this._catchUp(run);
      const buffered = this._liveBuffer;
      this._liveBuffer = null;
      for (const record of buffered) {
        if (record.body || record.status) this._ingest(record, true);
      }
      this._saveState();
      this._failures = 0;
      this._setPhase(Phase.READY);
      this._resendPending();
    } catch (error) {
      if (run !== this._run) return; // superseded by a newer run or a disconnect
      this._liveBuffer = null;
      this._failures += 1;
      console.warn(`customer-chat: entering ${this.jid} failed`, error);
      this._setPhase(Phase.ERROR);
      this._emit('error', { error });
      // Right after a take the bridge may not have made us a member yet (a few ms),
      // so the first retries come quickly, later ones back off.
      const delay = Math.min(MAX_RETRY_MS, 250 * 2 ** this._failures);
      this._retryTimer = setTimeout(() => {
        if (run === this._run && this.wanted && this.client.online) this._enter();
      }, delay);
    }
  }

  async _joinWithFreeNick(run) {
    for (let attempt = 1; attempt <= MAX_NICK_ATTEMPTS; attempt += 1) {
      const nick = attempt === 1 ? this.baseNick : `${this.baseNick} (${attempt})`;
      try {
        await this._joinAs(nick);
        return;
      } catch (error) {
        if (error.condition !== 'conflict' || run !== this._run) throw error;
      }
    }
    throw new XmppError('conflict', 'No free nickname in this room');
  }

  _joinAs(nick) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A resumed stream may keep us in the room without a new self-presence.
        if (this.client.resumed) waiter.resolve();
        else waiter.reject(new XmppError('timeout', 'The room did not answer'));
      }, JOIN_TIMEOUT_MS);
      const waiter = {
        nick,
        resolve: () => {
          clearTimeout(timer);
          this._joinWaiter = null;
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          this._joinWaiter = null;
          reject(error);
        },
      };
      this._joinWaiter = waiter;
      const presence = $pres({ to: `${this.jid}/${nick}` })
        .c('x', { xmlns: NS.MUC })
        .c('history', { maxstanzas: '0' });
      if (!this.client.send(presence)) waiter.reject(new XmppError('offline'));
    });
  }

  async _catchUp(run) {
    let after = this.lastStanzaId;
    for (let page = 0; page < MAX_MAM_PAGES; page += 1) {
      let result;
      try {
        result = await this._queryArchive(after);
      } catch (error) {
        // The archive no longer knows our cursor: read it all, duplicates are dropped.
        if (after && error.condition === 'item-not-found' && run === this._run) {
          after = null;
          continue;
        }
        throw error;
      }
      if (run !== this._run) throw new XmppError('cancelled');
      for (const record of result.records) this._ingest(record, false);
      this._saveState();
      const last = result.last || (result.records.length ? result.records.at(-1).stanzaId : null);
      if (result.complete || !result.records.length || !last) return;
      after = last;
    }
  }

  async _queryArchive(after) {
    const queryId = crypto.randomUUID();
    const records = [];
    this._mamQueries.set(queryId, records);
    const iq = $iq({ type: 'set', to: this.jid })
      .c('query', { xmlns: NS.MAM, queryid: queryId })
      .c('set', { xmlns: NS.RSM })
      .c('max')
      .t(String(MAM_PAGE_SIZE))
      .up();
    if (after) iq.c('after').t(after);
    try {
      const answer = await this.client.iq(iq);
      const fin = child(answer, NS.MAM, 'fin');
      const last = child(child(fin, NS.RSM, 'set'), NS.RSM, 'last');
      return {
        records,
        complete: ['true', '1'].includes(fin && fin.getAttribute('complete')),
        last: last ? last.textContent : null,
      };
    } finally {
      this._mamQueries.delete(queryId);
    }
  }

  _resendPending() {
    for (const message of this.pending) {
      message.state = 'pending';
      message.error = null;
      this._emit('messages', { message, live: false });
      this._transmit(message);
    }
  }

  _transmit(message) {
    const stanza = $msg({ to: this.jid, type: 'groupchat', id: message.originId })
      .c('body')
      .t(message.body)
      .up()
      .c('origin-id', { xmlns: NS.SID, id: message.originId });
    if (this.client.send(stanza)) this._armDeliveryCheck();
  }

  /** If a message stays unreflected, make sure the stream is not silently dead. */
  _armDeliveryCheck() {
    if (this._deliveryTimer) return;
    this._deliveryTimer = setTimeout(() => {
      this._deliveryTimer = null;
      if (!this.pending.some((m) => m.state === 'pending')) return;
      if (this.ready) this.client.probe();
      this._armDeliveryCheck();
    }, DELIVERY_CHECK_MS);
  }

  _onSendError(stanza) {
    const origin = child(stanza, NS.SID, 'origin-id');
    const originId = (origin && origin.getAttribute('id')) || stanza.getAttribute('id');
    const message = this.pending.find((m) => m.originId === originId);
    if (!message || !this.ready) return; // not ours, or it is resent after the rejoin anyway
    const error = stanzaError(stanza);
    if (NOT_IN_ROOM.has(error.condition)) {
      this.joined = false;
      this._enter(); // rejoin, catch up, resend
      return;
    }
    message.state = 'failed';
    message.error = error.message;
    this._emit('messages', { message, live: false });
  }

  // --- the message list ---------------------------------------------------------

  /** Add a reflected/archived message once; confirm our own pending one by origin-id. */
  _ingest(record, live) {
    if (record.stanzaId && this._byStanzaId.has(record.stanzaId)) return;
    const own = this._isOwn(record);
    if (record.originId) {
      const index = this.pending.findIndex((m) => m.originId === record.originId);
      if (index >= 0) {
        const [message] = this.pending.splice(index, 1);
        Object.assign(message, { stanzaId: record.stanzaId, nick: record.nick, time: record.time });
        message.state = 'sent';
        message.error = null;
        this._confirm(message);
        this._savePending();
        this._emit('messages', { message, live: false });
        return;
      }
      const earlier = this._byOriginId.get(record.originId);
      if (earlier && (earlier.nick === record.nick || (earlier.own && own))) {
        // The same message resent after a reconnect: already shown.
        if (record.stanzaId) this._byStanzaId.set(record.stanzaId, earlier);
        this._advance(record.stanzaId);
        return;
      }
    }
    const fromBridge = record.nick === BRIDGE_NICK && !own;
    // Only the assistant's answers can be rated and cite sources; anyone else's element is ignored.
    const answer = record.nick === ASSISTANT_NICK && !own ? record.answer : null;
    const status = fromBridge ? record.status : null;
    // A reply the bridge posted for a supporter shows as theirs.
    const author = fromBridge && record.sentFor && record.sentFor.name ? record.sentFor : null;
    const mine = own || (author !== null && this._isOwn({ realJid: author.jid }));
    const message = {
      stanzaId: record.stanzaId,
      originId: record.originId,
      nick: author ? author.name : record.nick,
      body: (answer && answer.text) || record.body || (status ? STATUS_TEXT[status] : ''),
      time: record.time,
      own: mine,
      kind: status ? 'status' : author ? (mine ? 'own' : 'other') : fromBridge ? 'system' : mine ? 'own' : 'other',
      status,
      answer,
      state: 'sent',
      error: null,
    };
    if (own && message.originId) this._ownOriginIds.add(message.originId);
    this._confirm(message);
    this._emit('messages', { message, live });
    if (status) this._setStatus(status, message.body);
  }

  _confirm(message) {
    this.confirmed.push(message);
    if (message.stanzaId) this._byStanzaId.set(message.stanzaId, message);
    if (message.originId) this._byOriginId.set(message.originId, message);
    this._advance(message.stanzaId);
  }

  _advance(stanzaId) {
    if (stanzaId) this.lastStanzaId = stanzaId;
  }

  _isOwn(record) {
    if (record.realJid) return record.realJid.toLowerCase() === Strophe.getBareJidFromJid(this.client.jid).toLowerCase();
    if (record.originId && this._ownOriginIds.has(record.originId)) return true;
    return this._ownNicks.has(record.nick);
  }

  _setStatus(status, text) {
    if (this.status === status && this.statusText === text) return;
    this.status = status;
    this.statusText = text || STATUS_TEXT[status];
    this._emit('status', { status, text: this.statusText });
  }

  // --- persistence ---------------------------------------------------------------

  _restore() {
    const state = loadRoomState(this.jid);
    if (state) {
      (state.ownNicks || []).forEach((nick) => this._ownNicks.add(nick));
      for (const saved of state.messages) {
        const message = { ...saved, time: new Date(saved.time), state: 'sent', error: null };
        if (message.own && message.originId) this._ownOriginIds.add(message.originId);
        this._confirm(message);
        if (message.status) {
          this.status = message.status;
          this.statusText = message.body;
        }
      }
      this.lastStanzaId = state.lastStanzaId || this.lastStanzaId;
    }
    for (const saved of loadPending(this.jid)) {
      if (!saved.originId || this._byOriginId.has(saved.originId)) continue; // already delivered
      this._ownOriginIds.add(saved.originId);
      this.pending.push({
        stanzaId: null,
        originId: saved.originId,
        nick: this.nick,
        body: saved.body,
        time: new Date(saved.time),
        own: true,
        kind: 'own',
        status: null,
        answer: null,
        state: 'pending',
        error: null,
      });
    }
  }

  _saveState() {
    saveRoomState(this.jid, {
      lastStanzaId: this.lastStanzaId,
      ownNicks: [...this._ownNicks],
      messages: this.confirmed.map(({ stanzaId, originId, nick, body, time, own, kind, status, answer }) => ({
        stanzaId,
        originId,
        nick,
        body,
        time: time.toISOString(),
        own,
        kind,
        status,
        answer: answer || null,
      })),
    });
  }

  _savePending() {
    savePending(
      this.jid,
      this.pending.map(({ originId, body, time }) => ({ originId, body, time: time.toISOString() })),
    );
  }

  // --- plumbing ------------------------------------------------------------------

  _cancel() {
    this._run += 1;
    clearTimeout(this._retryTimer);
    this._liveBuffer = null;
    if (this._joinWaiter) this._joinWaiter.reject(new XmppError('cancelled'));
  }

  _setPhase(phase) {
    if (this.phase === phase) return;
    this.phase = phase;
    this._emit('phase', { phase });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
