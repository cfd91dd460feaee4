/**
 * The supporter console (/console): log in, watch the queue, take chats and
 * talk in several rooms at once.
 *
 * sessionStorage "customer-chat:console" holds {token, user, xmpp} (never the
 * password); "customer-chat:console:drafts" holds per-chat drafts and
 * "customer-chat:console:unread" the unread counts. The chat list (chat-list.js)
 * refreshes on every <queue/> notice from support.<domain> and every 30 s; the
 * chats I hold (their rooms are joined) update at once with every message. A
 * message in a chat I am not looking at counts as unread: badge, a toast, a
 * polite announcement and "(n) " in the title; opening the chat clears it.
 *
 * Selectors for tests:
 *   #login-form, #login-email, #login-password, #login, #login-error, #login-notice
 *   #console-view, #me, #logout, #connection-state[data-state]
 *   #chat-list with its sections and items (see chat-list.js), #announcer (polite live region)
 *   #chat-panel, #chat-title, #chat-subject, #status[data-status], #take-chat, #end-chat, #hand-back,
 *   #handover-note (the assistant's summary of a chat it handed over),
 *   #connection ("Reconnecting…"), #preview-note, #messages, #composer, #message-input, #send
 *   .message[data-stanza-id][data-origin-id][data-state] .message-sender .message-body .message-time
 *   .status-line[data-status], .system-line, #toasts .toast
 *   #team-toggle (admins only, aria-pressed), #team-view (see team.js)
 *   #invite-open and its dialog (invite.js), #transfer-chat and its form (transfer.js),
 *   #archive-toggle (aria-pressed) and #archive-view (archive-view.js)
 *   #kb-link (header) / #kb-link-phone (chat list, phones): the knowledge-base editor at /console/kb
 *   #suggestions ("Suggested replies" under the composer of a chat I hold, suggestions.js):
 *     #suggestions-note, .suggestion-chip[data-suggestion-id][data-rank][data-state] with
 *     [data-action=send], [data-action=edit], [data-action=up], [data-action=down] (aria-pressed);
 *     #suggestion-error, #suggestion-editing and #suggestion-edit-cancel (the composer edits one)
 */

import { api, tokenExpired, tokenExpiry } from './api.js';
import { ArchiveView } from './archive-view.js';
import { MessageList, bindComposer } from './chat-view.js';
import { ChatList, ENDED_LIMIT } from './chat-list.js';
import { toDate } from './format.js';
import { InviteDialog } from './invite.js';
import { STATUS_TEXT } from './room.js';
import { clearAllRooms } from './store.js';
import { SuggestionsPanel } from './suggestions.js';
import { TeamView } from './team.js';
import { TransferControl } from './transfer.js';
import { show, toast, toastError } from './ui.js';
import { UnreadCounts } from './unread.js';
import { ChatClient, ConnectionState } from './xmpp.js';

const SESSION_KEY = 'customer-chat:console';
const DRAFTS_KEY = 'customer-chat:console:drafts';
const UNREAD_KEY = 'customer-chat:console:unread';
const TITLE = 'Support console · customer-chat';
const POLL_MS = 30000;
const TICK_MS = 15000;

const CONNECTION_TEXT = {
  [ConnectionState.IDLE]: 'Connecting…',
  [ConnectionState.CONNECTING]: 'Connecting…',
  [ConnectionState.ONLINE]: 'Online',
  [ConnectionState.RECONNECTING]: 'Reconnecting…',
  [ConnectionState.AUTH_FAILED]: 'Signed out',
  [ConnectionState.STOPPED]: 'Offline',
};

const $ = (selector) => document.querySelector(selector);
const ui = {
  loginView: $('#login-view'),
  loginForm: $('#login-form'),
  loginEmail: $('#login-email'),
  loginPassword: $('#login-password'),
  login: $('#login'),
  loginError: $('#login-error'),
  loginNotice: $('#login-notice'),
  consoleView: $('#console-view'),
  consoleBody: $('.console-body'),
  me: $('#me'),
  logout: $('#logout'),
  teamToggle: $('#team-toggle'),
  archiveToggle: $('#archive-toggle'),
  connectionState: $('#connection-state'),
  chatList: $('#chat-list'),
  announcer: $('#announcer'),
  placeholder: $('#chat-placeholder'),
  panel: $('#chat-panel'),
  back: $('#back'),
  title: $('#chat-title'),
  subject: $('#chat-subject'),
  status: $('#status'),
  takeChat: $('#take-chat'),
  endChat: $('#end-chat'),
  handBack: $('#hand-back'),
  handoverNote: $('#handover-note'),
  connection: $('#connection'),
  previewNote: $('#preview-note'),
  messages: $('#messages'),
  composer: $('#composer'),
  input: $('#message-input'),
  send: $('#send'),
};

let session = null; // {token, user, xmpp}
let client = null;
const chats = new Map(); // chat id -> chat object (latest known)
let listed = new Set(); // ids of the chats the list shows
const unread = new UnreadCounts(UNREAD_KEY);
const drafts = new Map(loadJson(DRAFTS_KEY, []));
let openChatId = null;
let pollTimer = null;
let refreshTimer = null;
let expiryTimer = null;
let refreshing = null;
let renderQueued = false;
const messageToasts = new Map(); // chat id -> its latest "New message" toast

const chatList = new ChatList(ui.chatList, {
  onOpen: (chatId) => openChat(chatId),
  onTake: (chatId, button) => takeChat(chatId, button),
});

const messageList = new MessageList(ui.messages, {
  emptyText: 'No messages yet.',
  onRetry: (originId) => openRoom() && openRoom().retry(originId),
});

const team = new TeamView({
  request: (path, options) => authed(path, options),
  me: () => session.user,
  onUnauthorized: (error) => handleApiError(error),
  onSelfReset: () => signOut('Your password was changed. Please log in with the new one.'),
  onBack: () => showTeam(false),
});

const archive = new ArchiveView({
  request: (path, options) => authed(path, options),
  onUnauthorized: (error) => handleApiError(error),
  onBack: () => showArchive(false),
});

const invite = new InviteDialog({
  request: (path, options) => authed(path, options),
  onCreated: (chat) => invited(chat),
  onUnauthorized: (error) => handleApiError(error),
});

const transfer = new TransferControl({
  request: (path, options) => authed(path, options),
  me: () => session.user,
  onTransferred: (chat) => transferred(chat),
  onUnauthorized: (error) => handleApiError(error),
});

const composer = bindComposer({
  form: ui.composer,
  input: ui.input,
  button: ui.send,
  onSend: (text) => {
    if (suggestions.editing) return suggestions.sendEdited(text); // through the api, recorded as edited
    return Boolean(openRoom() && openRoom().send(text));
  },
  onInput: (text) => {
    if (!suggestions.editing) saveDraft(openChatId, text); // an edited suggestion is no draft
  },
});

const suggestions = new SuggestionsPanel({
  request: (path, options) => authed(path, options),
  composer,
  input: ui.input,
  onUnauthorized: (error) => handleApiError(error),
});

// --- helpers ---------------------------------------------------------------------

function loadJson(key, fallback) {
  try {
    return JSON.parse(sessionStorage.getItem(key)) || fallback;
  } catch {
    return fallback;
  }
}

function saveDraft(chatId, text) {
  if (!chatId) return;
  if (text) drafts.set(chatId, text);
  else drafts.delete(chatId);
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify([...drafts]));
}

const authed = (path, options = {}) => api(path, { ...options, token: session.token });
const isMine = (chat) => Boolean(chat && chat.assignee && session && chat.assignee.id === session.user.id);

/** The joined Room of the open chat, if the supporter is in it. */
function openRoom() {
  const chat = chats.get(openChatId);
  return chat && client ? client.rooms.get(chat.room_jid.toLowerCase()) || null : null;
}

function handleApiError(error) {
  if (error.status === 401) signOut('Your session has expired. Please log in again.');
  else toastError(error);
}

// --- login / logout ------------------------------------------------------------

async function login(event) {
  event.preventDefault();
  show(ui.loginError, false);
  const email = ui.loginEmail.value.trim();
  const password = ui.loginPassword.value;
  if (!email || !password) {
    showLoginError('Please enter your email or username and your password.');
    return;
  }
  ui.login.disabled = true;
  ui.login.textContent = 'Logging in…';
  try {
    const auth = await api('/api/auth/login', { method: 'POST', body: { email, password } });
    if (!auth.user || auth.user.role === 'user') {
      showLoginError('This account has no access to the support console. Please log in with a supporter account.');
      return;
    }
    ui.loginPassword.value = '';
    session = { token: auth.token, user: auth.user, xmpp: auth.xmpp };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    enterConsole();
  } catch (error) {
    showLoginError(error.status === 401 ? error.detail || 'Wrong email/username or password.' : error.detail || error.message);
  } finally {
    ui.login.disabled = false;
    ui.login.textContent = 'Log in';
  }
}

function showLoginError(text) {
  ui.loginError.textContent = text;
  show(ui.loginError, true);
}

async function logout() {
  const token = session && session.token;
  signOut('You are logged out.', { forget: true });
  if (token) api('/api/auth/logout', { method: 'POST', token }).catch(() => {});
}

/**
 * Drop the session and everything joined, and show the login form. Only an
 * explicit logout forgets the stored rooms and drafts; after an expiry the
 * next login in this tab still resends what was pending.
 */
function signOut(notice, { forget = false } = {}) {
  clearInterval(pollTimer);
  clearTimeout(refreshTimer);
  clearTimeout(expiryTimer);
  if (client) client.stop();
  client = null;
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  if (forget) {
    sessionStorage.removeItem(DRAFTS_KEY);
    clearAllRooms();
    drafts.clear();
  }
  chats.clear();
  listed = new Set();
  unread.reset();
  openChatId = null;
  messageList.bind(null);
  team.clear();
  showTeam(false);
  invite.close();
  suggestions.clear();
  archive.clear();
  showArchive(false);
  show(ui.teamToggle, false);
  document.title = TITLE;
  show(ui.consoleView, false);
  show(ui.loginView, true);
  ui.loginNotice.textContent = notice || '';
  show(ui.loginNotice, Boolean(notice));
  ui.loginEmail.focus();
}

function enterConsole() {
  show(ui.loginView, false);
  show(ui.consoleView, true);
  show(ui.loginNotice, false);
  ui.me.textContent = session.user.display_name;
  show(ui.teamToggle, session.user.role === 'admin');
  closeChat();

  client = new ChatClient({
    websocketUrl: session.xmpp.websocket_url,
    jid: session.xmpp.jid,
    password: session.token,
    domain: session.xmpp.domain,
  });
  client.addEventListener('connection', onConnection);
  client.addEventListener('queue', () => scheduleRefresh());
  client.start();

  refreshChats();
  pollTimer = setInterval(refreshChats, POLL_MS);
  const expiry = tokenExpiry(session.token);
  if (expiry !== null) {
    expiryTimer = setTimeout(
      () => signOut('Your session has expired. Please log in again.'),
      Math.max(0, Math.min(expiry - Date.now(), 2 ** 31 - 1)),
    );
  }
}

function onConnection(event) {
  const { state } = event.detail;
  ui.connectionState.dataset.state = state;
  ui.connectionState.textContent = CONNECTION_TEXT[state] || state;
  show(ui.connection, state === ConnectionState.RECONNECTING);
  if (state === ConnectionState.AUTH_FAILED) {
    authed('/api/me').catch((error) => handleApiError(error));
  }
}

/** Switch between the chats and (admins) the Team view. */
function showTeam(visible) {
  if (visible && archive.visible) {
    archive.close();
    ui.archiveToggle.setAttribute('aria-pressed', 'false');
  }
  show(ui.consoleBody, !visible);
  ui.teamToggle.setAttribute('aria-pressed', String(visible));
  if (visible) team.open();
  else if (team.visible) {
    team.close();
    ui.teamToggle.focus();
    markOpenChatRead();
  }
}

/** Switch between the chats and the Archive view. */
function showArchive(visible) {
  if (visible && team.visible) {
    team.close();
    ui.teamToggle.setAttribute('aria-pressed', 'false');
  }
  show(ui.consoleBody, !visible);
  ui.archiveToggle.setAttribute('aria-pressed', String(visible));
  if (visible) archive.open();
  else if (archive.visible) {
    archive.close();
    ui.archiveToggle.focus();
    markOpenChatRead();
  }
}

// --- the chat list --------------------------------------------------------------

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshChats, 250);
}

async function refreshChats() {
  if (!session) return;
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const lists = await Promise.all([
        authed('/api/chats?status=waiting'),
        authed('/api/chats?status=active'),
        authed(`/api/chats?status=ended&order=recent&limit=${ENDED_LIMIT}`),
      ]);
      if (!session) return;
      const fresh = lists.flat();
      fresh.forEach(remember);
      listed = new Set(fresh.map((chat) => chat.id));
      if (openChatId && !listed.has(openChatId)) remember(await authed(`/api/chats/${openChatId}`));
      syncRooms();
      renderList();
      if (openChatId) renderChatHeader();
    } catch (error) {
      if (error.status) handleApiError(error);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * Keep the latest known state of a chat. A list fetched before a change made
 * here (take, end) must not undo it: the later `updated_at` wins. Answers of
 * take/end/transfer carry no `last_message`, and the log may lag behind what
 * the room already showed: the newer last message wins.
 */
function remember(chat) {
  const known = chats.get(chat.id);
  const stale = known && toDate(known.updated_at) > toDate(chat.updated_at);
  const merged = stale ? { ...chat, ...known } : { ...known, ...chat };
  merged.last_message = newer(known && known.last_message, chat.last_message);
  chats.set(chat.id, merged);
}

function newer(one, other) {
  if (!one || !other) return one || other || null;
  return toDate(other.created_at) >= toDate(one.created_at) ? other : one;
}

/** A chat that changed here (taken, ended, transferred, invited): show it where it now belongs. */
function changed(chat) {
  remember(chat);
  listed.add(chat.id);
  renderList();
}

/** Stay in the rooms of my active chats (and the open one); leave the others. */
function syncRooms() {
  const keep = new Set();
  for (const id of listed) {
    const chat = chats.get(id);
    if (chat.status === 'active' && isMine(chat)) {
      ensureRoom(chat).join();
      keep.add(chat.room_jid.toLowerCase());
    }
  }
  const open = chats.get(openChatId);
  if (open) keep.add(open.room_jid.toLowerCase());
  for (const jid of [...client.rooms.keys()]) {
    if (!keep.has(jid)) client.removeRoom(jid);
  }
}

function ensureRoom(chat) {
  const jid = chat.room_jid.toLowerCase();
  const known = client.rooms.has(jid);
  const room = client.room(jid, session.user.display_name);
  if (!known) {
    room.addEventListener('messages', (event) => onRoomMessage(chat.id, event.detail));
    room.addEventListener('status', () => onRoomStatus(chat.id));
    room.addEventListener('left', () => onRoomLeft(chat.id));
    room.addEventListener('suggestions', (event) => suggestions.offered(chat.id, event.detail));
  }
  return room;
}

function renderList() {
  chatList.render({
    chats: [...listed].map((id) => chats.get(id)),
    me: session.user.id,
    openId: openChatId,
    unread: (chatId) => unread.get(chatId),
  });
  const total = unread.total;
  document.title = total ? `(${total}) ${TITLE}` : TITLE;
}

/** Render once after a burst of changes (a room catching up emits one event per message). */
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    if (session) renderList();
  });
}

// --- the open chat ---------------------------------------------------------------

async function openChat(chatId) {
  const chat = chats.get(chatId);
  if (!chat) return;
  openChatId = chatId;
  unread.clear(chatId);
  show(ui.placeholder, false);
  show(ui.panel, true);
  ui.consoleBody.classList.add('is-chat-open');
  ui.title.textContent = chat.customer.display_name;
  ui.subject.textContent = chat.subject || 'No subject';
  suggestions.follow(chatId, false); // the header decides whether I can use them
  composer.setValue(drafts.get(chatId) || '');
  showHandover(chat);

  let room = null;
  if (isMine(chat) && chat.status !== 'ended') {
    room = ensureRoom(chat);
    room.join();
  } else {
    room = openRoom(); // e.g. a chat that just ended: keep showing the joined conversation
  }
  if (room) {
    show(ui.previewNote, false);
    messageList.bind(room);
  } else {
    show(ui.previewNote, chat.status !== 'ended');
    messageList.showStatic([]);
    try {
      const messages = await authed(`/api/chats/${chatId}/messages`);
      if (openChatId === chatId && !openRoom()) messageList.showStatic(messages);
    } catch (error) {
      handleApiError(error);
    }
  }
  renderChatHeader();
  renderList();
}

function closeChat() {
  openChatId = null;
  transfer.update(null, false);
  suggestions.follow(null, false);
  messageList.bind(null);
  show(ui.panel, false);
  show(ui.placeholder, true);
  ui.consoleBody.classList.remove('is-chat-open');
}

function renderChatHeader() {
  const chat = chats.get(openChatId);
  if (!chat) return;
  const room = openRoom();
  const status = (room && room.status) || chat.status;
  ui.status.textContent = (room && room.status && room.statusText) || STATUS_TEXT[status] || status;
  ui.status.dataset.status = status;
  const mine = isMine(chat);
  const ended = status === 'ended' || chat.status === 'ended';
  show(ui.takeChat, !mine && !ended && status !== 'bot');
  ui.takeChat.textContent = chat.status === 'waiting' ? 'Take' : 'Take over';
  show(ui.endChat, mine && !ended);
  show(ui.handBack, mine && !ended);
  if (status === 'bot' || ended) show(ui.handoverNote, false);
  transfer.update(chat, mine && !ended);
  const canWrite = Boolean(room) && mine && !ended;
  composer.setEnabled(canWrite, ended ? 'This chat has ended' : canWrite ? 'Write a reply…' : 'Take the chat to reply');
  suggestions.follow(openChatId, canWrite);
}

async function takeChat(chatId, button) {
  if (button) button.disabled = true;
  ui.takeChat.disabled = true;
  try {
    const chat = await authed(`/api/chats/${chatId}/take`, { method: 'POST' });
    changed(chat);
    ensureRoom(chat).join();
    await openChat(chat.id);
    composer.focus();
    scheduleRefresh();
  } catch (error) {
    handleApiError(error);
    scheduleRefresh();
  } finally {
    if (button) button.disabled = false;
    ui.takeChat.disabled = false;
  }
}

/** Why the assistant handed the open chat over and what was asked (only chats it handed over). */
async function showHandover(chat) {
  show(ui.handoverNote, false);
  if (chat.status !== 'waiting' && chat.status !== 'active') return;
  try {
    const handover = await authed(`/api/chats/${chat.id}/handover`);
    if (openChatId !== chat.id) return;
    ui.handoverNote.textContent = handover.summary;
    show(ui.handoverNote, true);
  } catch (error) {
    if (error.status !== 404) handleApiError(error);
  }
}

/** Run a chat action (`end`, `handback`) on the open chat and say what happened. */
async function actOnOpenChat(button, action, done) {
  const chatId = openChatId;
  if (!chatId) return;
  button.disabled = true;
  try {
    const chat = await authed(`/api/chats/${chatId}/${action}`, { method: 'POST' });
    changed(chat);
    if (openChatId === chatId) renderChatHeader();
    toast(done(chat.customer.display_name), 'success');
    scheduleRefresh();
  } catch (error) {
    handleApiError(error);
  } finally {
    button.disabled = false;
  }
}

const endChat = () => actOnOpenChat(ui.endChat, 'end', (name) => `Chat with ${name} ended.`);
const handBack = () =>
  actOnOpenChat(ui.handBack, 'handback', (name) => `The assistant answers ${name} again.`);

/** An invitation opened a chat held by me: show it (the bridge opens its room). */
function invited(chat) {
  changed(chat);
  if (archive.visible) showArchive(false);
  if (team.visible) showTeam(false);
  openChat(chat.id);
  scheduleRefresh();
}

/** I handed the open chat to a colleague: it is no longer mine. */
function transferred(chat) {
  changed(chat);
  if (openChatId === chat.id) renderChatHeader();
  const to = chat.assignee ? chat.assignee.display_name : 'a colleague';
  toast(`Chat with ${chat.customer.display_name} handed to ${to}.`, 'success');
  scheduleRefresh();
}

// --- room events -------------------------------------------------------------------

/** A message in one of my rooms: it is the chat's last message, and unread unless I am looking. */
function onRoomMessage(chatId, { message, live }) {
  if (message.kind !== 'own' && message.kind !== 'other') return; // status lines and notices
  const chat = chats.get(chatId);
  if (!chat) return;
  const last = {
    sender_name: message.nick,
    body: message.body,
    readable: true,
    created_at: message.time.toISOString(),
  };
  remember({ ...chat, last_message: last });
  if (live && message.kind === 'other' && !inView(chatId)) announce(chat, message.nick, unread.add(chatId));
  scheduleRender();
}

/** The supporter is looking at this chat right now. */
function inView(chatId) {
  return chatId === openChatId && document.visibilityState === 'visible' && !team.visible && !archive.visible;
}

/** Back at the open chat (tab shown again, Team or Archive closed): its messages are read. */
function markOpenChatRead() {
  if (openChatId && inView(openChatId) && unread.clear(openChatId)) renderList();
}

/** Tell the supporter about a new message: a toast to see, a polite announcement to hear. */
function announce(chat, sender, count) {
  const text = `New message from ${sender || chat.customer.display_name}`;
  const previous = messageToasts.get(chat.id);
  if (previous) previous.remove();
  messageToasts.set(chat.id, toast(text, 'info', { silent: true }));
  ui.announcer.textContent = `${text}, ${count} unread.`;
}

function onRoomStatus(chatId) {
  if (chatId === openChatId) renderChatHeader();
  scheduleRefresh();
}

function onRoomLeft(chatId) {
  const chat = chats.get(chatId);
  if (chatId === openChatId && chat) {
    toast(`You are no longer in the chat with ${chat.customer.display_name}.`, 'info');
    renderChatHeader();
  }
  scheduleRefresh();
}

// --- boot ---------------------------------------------------------------------------

function boot() {
  ui.loginForm.addEventListener('submit', login);
  ui.logout.addEventListener('click', logout);
  ui.teamToggle.addEventListener('click', () => showTeam(!team.visible));
  ui.archiveToggle.addEventListener('click', () => showArchive(!archive.visible));
  ui.takeChat.addEventListener('click', () => openChatId && takeChat(openChatId, null));
  ui.endChat.addEventListener('click', endChat);
  ui.handBack.addEventListener('click', handBack);
  ui.back.addEventListener('click', closeChat);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !session) return;
    markOpenChatRead();
    refreshChats();
  });
  setInterval(() => session && chatList.tick(), TICK_MS); // waiting times tick live

  const saved = loadJson(SESSION_KEY, null);
  if (!saved || !saved.token || !saved.user || tokenExpired(saved.token)) {
    sessionStorage.removeItem(SESSION_KEY);
    show(ui.consoleView, false);
    show(ui.loginView, true);
    ui.loginEmail.focus();
    return;
  }
  session = saved;
  enterConsole();
  authed('/api/me').catch((error) => handleApiError(error));
}

boot();
