/**
 * Per-tab persistence of chat rooms in sessionStorage.
 *
 * For each room JID (one room per chat) two keys are kept:
 *   customer-chat:room:<jid>     {lastStanzaId, ownNicks, messages}  what was seen
 *   customer-chat:pending:<jid>  [{originId, body, time}]            sent, not yet reflected
 * A reload shows the cached conversation at once, catches up from MAM after
 * lastStanzaId, and resends the pending messages with their origin-id.
 */

const PREFIX = 'customer-chat';

function read(key, fallback) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage disabled: drop the key so that a later
    // load falls back to a full MAM fetch instead of a stale cursor.
    try {
      sessionStorage.removeItem(key);
    } catch {
      /* storage unavailable */
    }
  }
}

const roomKey = (jid) => `${PREFIX}:room:${jid}`;
const pendingKey = (jid) => `${PREFIX}:pending:${jid}`;

/** Return the saved {lastStanzaId, ownNicks, messages} of a room, or null. */
export function loadRoomState(jid) {
  const state = read(roomKey(jid), null);
  return state && Array.isArray(state.messages) ? state : null;
}

/** Save what the room has seen (messages and the last stanza-id together, so they never disagree). */
export function saveRoomState(jid, state) {
  write(roomKey(jid), state);
}

/** Return the room's unconfirmed outgoing messages. */
export function loadPending(jid) {
  const list = read(pendingKey(jid), []);
  return Array.isArray(list) ? list : [];
}

/** Save the room's unconfirmed outgoing messages. */
export function savePending(jid, list) {
  if (list.length) write(pendingKey(jid), list);
  else sessionStorage.removeItem(pendingKey(jid));
}

/** Forget everything stored for one room. */
export function clearRoom(jid) {
  sessionStorage.removeItem(roomKey(jid.toLowerCase()));
  sessionStorage.removeItem(pendingKey(jid.toLowerCase()));
}

/** Forget every stored room (logout). */
export function clearAllRooms() {
  const keys = [];
  for (let i = 0; i < sessionStorage.length; i += 1) {
    const key = sessionStorage.key(i);
    if (key && (key.startsWith(`${PREFIX}:room:`) || key.startsWith(`${PREFIX}:pending:`))) keys.push(key);
  }
  keys.forEach((key) => sessionStorage.removeItem(key));
}
