/**
 * The shared XMPP client of the customer page and the supporter console.
 *
 * One ChatClient owns one Strophe WebSocket connection and any number of
 * joined chat rooms (see room.js). It reconnects by itself with backoff
 * (1, 2, 4 ... max 15 s; at once on the browser's `online` event), sends
 * initial presence, and asks every wanted room to rejoin and catch up from
 * MAM. XEP-0198 stream management is switched on when the server offers it,
 * but nothing relies on it: rooms always rejoin and catch up themselves.
 *
 * Events (CustomEvent, payload in `detail`):
 *   "connection" {state}         state: connecting | online | reconnecting | auth-failed | stopped
 *   "queue"      {chatId, status} a queue notice from support.<domain> (console)
 */

import { $iq, $pres, Strophe } from '/static/vendor/strophe.esm.js';
import { Room } from './room.js';
import { NS, XmppError, child, stanzaError } from './stanza.js';

export { NS, XmppError } from './stanza.js';

Strophe.setLogLevel(Strophe.LogLevel.WARN);

export const ConnectionState = Object.freeze({
  IDLE: 'idle',
  CONNECTING: 'connecting',
  ONLINE: 'online',
  RECONNECTING: 'reconnecting',
  AUTH_FAILED: 'auth-failed',
  STOPPED: 'stopped',
});

const MAX_BACKOFF_MS = 15000;
const IQ_TIMEOUT_MS = 20000;
const PING_TIMEOUT_MS = 10000;
const CONNECT_TIMEOUT_MS = 20000;

/** Make a ws(s):// URL absolute (the api may hand out a path). */
function webSocketUrl(url) {
  if (/^wss?:\/\//i.test(url)) return url;
  const absolute = new URL(url, window.location.href);
  absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
  return absolute.toString();
}

export class ChatClient extends EventTarget {
  /**
   * @param {{websocketUrl: string, jid: string, password: string, domain?: string}} options
   */
  constructor({ websocketUrl, jid, password, domain }) {
    super();
    this.service = webSocketUrl(websocketUrl);
    this.jid = jid;
    this.password = password;
    this.domain = domain || Strophe.getDomainFromJid(jid);
    this.supportJid = `support.${this.domain}`;
    this.state = ConnectionState.IDLE;
    this.rooms = new Map();
    this.conn = null;
    this._attempt = 0;
    this._retryTimer = null;
    this._authFailed = false;
    this._inflight = new Set();
    this._probe = null;
    this._onBrowserOnline = () => this._reconnectNow();
  }

  /** True while the stream is authenticated and usable. */
  get online() {
    return this.state === ConnectionState.ONLINE;
  }

  /** True when the current session was resumed with XEP-0198 (server kept room presence). */
  get resumed() {
    return Boolean(this.conn && this.conn.hasResumed && this.conn.hasResumed());
  }

  /** Connect and keep the connection up until stop(). */
  start() {
    if (this.state !== ConnectionState.IDLE && this.state !== ConnectionState.STOPPED) return;
    window.addEventListener('online', this._onBrowserOnline);
    this._authFailed = false;
    this._connect(ConnectionState.CONNECTING);
  }

  /** Leave all rooms, disconnect cleanly and stop reconnecting. */
  stop() {
    window.removeEventListener('online', this._onBrowserOnline);
    clearTimeout(this._retryTimer);
    for (const room of this.rooms.values()) room.leave();
    const conn = this.conn;
    this.conn = null;
    this._failInflight('offline');
    this._setState(ConnectionState.STOPPED);
    if (conn) {
      try {
        conn.flush();
        conn.disconnect('logout');
      } catch {
        /* the socket may already be gone */
      }
    }
  }

  /** Return the Room for `roomJid` (created on first use); call room.join() to enter it. */
  room(roomJid, nick) {
    const key = roomJid.toLowerCase();
    let room = this.rooms.get(key);
    if (!room) {
      room = new Room(this, key, nick);
      this.rooms.set(key, room);
    }
    return room;
  }

  /** Leave a room and forget it. */
  removeRoom(roomJid) {
    const key = roomJid.toLowerCase();
    const room = this.rooms.get(key);
    if (room) {
      room.leave();
      this.rooms.delete(key);
    }
  }

  /** Send a stanza if online; return false when it could not be handed to the socket. */
  send(stanza) {
    if (!this.online || !this.conn) return false;
    this.conn.send(stanza);
    return true;
  }

  /** Send an IQ and resolve with the result stanza; reject with XmppError. */
  iq(stanza, timeout = IQ_TIMEOUT_MS) {
    const conn = this.conn;
    if (!this.online || !conn) return Promise.reject(new XmppError('offline'));
    return new Promise((resolve, reject) => {
      const entry = { reject };
      this._inflight.add(entry);
      conn.sendIQ(
        stanza,
        (result) => {
          this._inflight.delete(entry);
          resolve(result);
        },
        (error) => {
          this._inflight.delete(entry);
          reject(stanzaError(error));
        },
        timeout,
      );
    });
  }

  /**
   * Check that the stream is really alive (a half-open socket can look fine
   * for minutes); on timeout drop it and reconnect.
   */
  probe() {
    if (!this.online || this._probe) return this._probe;
    const conn = this.conn;
    this._probe = this.iq($iq({ type: 'get', to: this.domain }).c('ping', { xmlns: NS.PING }), PING_TIMEOUT_MS)
      .catch((error) => {
        // Any answer, even an error, proves the stream works.
        if (error.condition === 'timeout' && conn === this.conn) this._dropConnection();
      })
      .finally(() => {
        this._probe = null;
      });
    return this._probe;
  }

  _connect(state) {
    clearTimeout(this._retryTimer);
    this._setState(state);
    const conn = new Strophe.Connection(this.service, {
      enableStreamManagement: true,
      streamManagement: { requestResume: true },
    });
    this.conn = conn;
    conn.connect(this.jid, this.password, (status, condition) => this._onStatus(conn, status, condition));
    this._watchHandshake(conn);
  }

  /**
   * Strophe has no handshake timeout over WebSocket, and a socket closed
   * cleanly before the stream is up reports nothing at all: watch for both.
   */
  _watchHandshake(conn) {
    const started = Date.now();
    const timer = setInterval(() => {
      if (conn !== this.conn || this.online) {
        clearInterval(timer);
        return;
      }
      const socket = conn._proto && conn._proto.socket;
      const closed = socket && socket.readyState === WebSocket.CLOSED;
      if (closed || Date.now() - started > CONNECT_TIMEOUT_MS) {
        clearInterval(timer);
        this._abandon(conn);
        try {
          conn.disconnect('handshake failed');
        } catch {
          /* already gone */
        }
        this._scheduleReconnect();
      }
    }, 1000);
  }

  _onStatus(conn, status, condition) {
    if (conn !== this.conn) return; // an abandoned connection
    const { Status } = Strophe;
    if (status === Status.CONNECTED || status === Status.ATTACHED) {
      this._onConnected(conn);
    } else if (status === Status.AUTHFAIL) {
      this._authFailed = true;
      this._abandon(conn);
      this._setState(ConnectionState.AUTH_FAILED);
    } else if (status === Status.DISCONNECTED) {
      this._abandon(conn);
      this._scheduleReconnect();
    } else if (status === Status.CONNFAIL && condition === 'conflict') {
      // Kicked (e.g. by the bridge when the token was revoked); the next login decides.
      this._attempt = Math.max(this._attempt, 1);
    }
  }

  _onConnected(conn) {
    this._attempt = 0;
    const guard = (handler) => (stanza) => {
      if (conn === this.conn) {
        try {
          handler.call(this, stanza);
        } catch (error) {
          console.error('customer-chat: stanza handler failed', error);
        }
      }
      return true; // keep the handler
    };
    conn.addHandler(guard(this._onMessage), null, 'message');
    conn.addHandler(guard(this._onPresence), null, 'presence');
    conn.send($pres());
    this._setState(ConnectionState.ONLINE);
    for (const room of this.rooms.values()) room.onConnected();
  }

  _onMessage(stanza) {
    const from = stanza.getAttribute('from') || '';
    const bare = Strophe.getBareJidFromJid(from).toLowerCase();
    const mamResult = child(stanza, NS.MAM, 'result');
    if (mamResult) {
      this.rooms.get(bare)?.onMamResult(mamResult);
      return;
    }
    if (bare === this.supportJid) {
      const queue = child(stanza, NS.PRODUCT, 'queue');
      if (queue && stanza.getAttribute('type') !== 'error') {
        this._emit('queue', { chatId: queue.getAttribute('chat'), status: queue.getAttribute('status') });
      }
      return;
    }
    this.rooms.get(bare)?.onMessage(stanza);
  }

  _onPresence(stanza) {
    const bare = Strophe.getBareJidFromJid(stanza.getAttribute('from') || '').toLowerCase();
    this.rooms.get(bare)?.onPresence(stanza);
  }

  _abandon(conn) {
    if (conn === this.conn) this.conn = null;
    this._failInflight('offline');
    for (const room of this.rooms.values()) room.onDisconnected();
  }

  _dropConnection() {
    const conn = this.conn;
    if (!conn) return;
    this._abandon(conn);
    try {
      conn.disconnect('stale');
    } catch {
      /* the socket is dead anyway */
    }
    this._connect(ConnectionState.RECONNECTING);
  }

  _scheduleReconnect() {
    if (this.state === ConnectionState.STOPPED || this._authFailed) return;
    this._setState(ConnectionState.RECONNECTING);
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this._attempt);
    this._attempt += 1;
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._connect(ConnectionState.RECONNECTING), delay);
  }

  _reconnectNow() {
    if (this.state === ConnectionState.RECONNECTING && !this.conn) {
      this._connect(ConnectionState.RECONNECTING);
    } else if (this.online) {
      this.probe();
    }
  }

  _failInflight(condition) {
    for (const entry of this._inflight) entry.reject(new XmppError(condition));
    this._inflight.clear();
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit('connection', { state });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
