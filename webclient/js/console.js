/**
 * The supporter console (/console): log in, watch the queue, take chats and
 * talk in several rooms at once.
 *
 * sessionStorage "customer-chat:console" holds {token, user, xmpp} (never the
 * password); "customer-chat:console:drafts" holds per-chat drafts. The chat
 * list refreshes on every <queue/> notice from support.<domain> and every 30 s.
 *
 * Selectors for tests:
 *   #login-form, #login-email, #login-password, #login, #login-error, #login-notice
 *   #console-view, #me, #logout, #connection-state[data-state]
 *   #chat-list, #waiting-list, #active-list, #waiting-empty ("No chats waiting"), #active-empty
 *   [data-chat-id][data-status] list items; inside: [data-action=open], [data-action=take]
 *     ("Take" / "Take over"), .chat-item-name, .chat-item-subject, .chat-item-meta, .badge
 *   #chat-panel, #chat-title, #chat-subject, #status[data-status], #take-chat, #end-chat,
 *   #connection ("Reconnecting…"), #preview-note, #messages, #composer, #message-input, #send
 *   .message[data-stanza-id][data-origin-id][data-state] .message-sender .message-body .message-time
 *   .status-line[data-status], .system-line, #toasts .toast
 *   #team-toggle (admins only, aria-pressed), #team-view (see team.js)
 *   #invite-open and its dialog (invite.js), #transfer-chat and its form (transfer.js),
 *   #archive-toggle (aria-pressed) and #archive-view (archive-view.js)
 */

import { api, tokenExpired, tokenExpiry } from './api.js';
import { ArchiveView } from './archive-view.js';
import { MessageList, bindComposer } from './chat-view.js';
import { formatSince } from './format.js';
import { InviteDialog } from './invite.js';
import { STATUS_TEXT } from './room.js';
import { clearAllRooms } from './store.js';
import { TeamView } from './team.js';
import { TransferControl } from './transfer.js';
import { h, show, toast, toastError } from './ui.js';
import { ChatClient, ConnectionState } from './xmpp.js';

const SESSION_KEY = 'customer-chat:console';
const DRAFTS_KEY = 'customer-chat:console:drafts';
const POLL_MS = 30000;

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
  waitingList: $('#waiting-list'),
  waitingEmpty: $('#waiting-empty'),
  waitingCount: $('#waiting-count'),
  activeList: $('#active-list'),
  activeEmpty: $('#active-empty'),
  activeCount: $('#active-count'),
  placeholder: $('#chat-placeholder'),
  panel: $('#chat-panel'),
  back: $('#back'),
  title: $('#chat-title'),
  subject: $('#chat-subject'),
  status: $('#status'),
  takeChat: $('#take-chat'),
  endChat: $('#end-chat'),
  connection: $('#connection'),
  previewNote: $('#preview-note'),
  messages: $('#messages'),
  composer: $('#composer'),
  input: $('#message-input'),
  send: $('#send'),
};

let session = null; // {token, user, xmpp}
let client = null;
let lists = { waiting: [], active: [] };
const chats = new Map(); // chat id -> chat object (latest known)
const roomChat = new Map(); // room jid -> chat id
const unread = new Map(); // chat id -> count
const drafts = new Map(loadJson(DRAFTS_KEY, []));
let openChatId = null;
let pollTimer = null;
let refreshTimer = null;
let expiryTimer = null;
let refreshing = null;

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
  onSend: (text) => Boolean(openRoom() && openRoom().send(text)),
  onInput: (text) => saveDraft(openChatId, text),
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
  roomChat.clear();
  unread.clear();
  lists = { waiting: [], active: [] };
  openChatId = null;
  messageList.bind(null);
  team.clear();
  showTeam(false);
  invite.close();
  archive.clear();
  showArchive(false);
  show(ui.teamToggle, false);
  document.title = 'Support console · customer-chat';
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
      const [waiting, active] = await Promise.all([
        authed('/api/chats?status=waiting'),
        authed('/api/chats?status=active'),
      ]);
      if (!session) return;
      lists = { waiting, active };
      [...waiting, ...active].forEach((chat) => chats.set(chat.id, chat));
      if (openChatId && !waiting.concat(active).some((chat) => chat.id === openChatId)) {
        chats.set(openChatId, await authed(`/api/chats/${openChatId}`));
      }
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

/** Stay in the rooms of my active chats (and the open one); leave the others. */
function syncRooms() {
  const keep = new Set();
  for (const chat of lists.active) {
    if (isMine(chat)) {
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
    roomChat.set(jid, chat.id);
    room.addEventListener('messages', (event) => onRoomMessage(chat.id, event.detail));
    room.addEventListener('status', () => onRoomStatus(chat.id));
    room.addEventListener('left', () => onRoomLeft(chat.id));
  }
  return room;
}

function renderList() {
  const focused = document.activeElement && document.activeElement.closest('[data-chat-id]');
  const focus = focused && {
    id: focused.dataset.chatId,
    action: document.activeElement.dataset.action,
  };
  ui.waitingList.replaceChildren(...lists.waiting.map((chat) => chatItem(chat)));
  ui.activeList.replaceChildren(...lists.active.map((chat) => chatItem(chat)));
  ui.waitingCount.textContent = String(lists.waiting.length);
  ui.activeCount.textContent = String(lists.active.length);
  show(ui.waitingEmpty, !lists.waiting.length);
  show(ui.activeEmpty, !lists.active.length);
  if (focus) {
    const item = ui.chatList.querySelector(`[data-chat-id="${CSS.escape(focus.id)}"]`);
    const target = item && (item.querySelector(`[data-action="${focus.action}"]`) || item.querySelector('button'));
    if (target) target.focus();
  }
  const total = [...unread.values()].reduce((sum, count) => sum + count, 0);
  document.title = `${total ? `(${total}) ` : ''}Support console · customer-chat`;
}

function chatItem(chat) {
  const mine = isMine(chat);
  const waiting = chat.status === 'waiting';
  let meta;
  if (waiting) {
    const since = formatSince(chat.updated_at || chat.created_at);
    meta = since === 'just now' ? 'Waiting < 1 min' : `Waiting ${since}`;
  }
  else if (mine) meta = 'With you';
  else meta = `With ${chat.assignee ? chat.assignee.display_name : 'nobody'}`;
  const count = unread.get(chat.id) || 0;
  const takeLabel = waiting ? 'Take' : 'Take over';
  return h(
    'li',
    {
      class: `chat-item${chat.id === openChatId ? ' is-open' : ''}${mine ? ' is-mine' : ''}`,
      'data-chat-id': chat.id,
      'data-status': chat.status,
      'data-testid': 'chat-item',
    },
    h(
      'button',
      {
        type: 'button',
        class: 'chat-item-main',
        'data-action': 'open',
        'aria-current': chat.id === openChatId ? 'true' : null,
      },
      h('span', { class: 'chat-item-name' }, chat.customer.display_name),
      h('span', { class: 'chat-item-subject' }, chat.subject || 'No subject'),
      h('span', { class: 'chat-item-meta' }, meta),
      count ? h('span', { class: 'badge', 'aria-label': `${count} unread` }, String(count)) : null,
    ),
    mine
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: `btn btn-small ${waiting ? 'btn-primary' : 'btn-secondary'}`,
            'data-action': 'take',
            'aria-label': `${takeLabel}: chat with ${chat.customer.display_name}`,
          },
          takeLabel,
        ),
  );
}

function onListClick(event) {
  const button = event.target.closest('button[data-action]');
  const item = event.target.closest('[data-chat-id]');
  if (!button || !item) return;
  if (button.dataset.action === 'take') takeChat(item.dataset.chatId, button);
  else openChat(item.dataset.chatId);
}

// --- the open chat ---------------------------------------------------------------

async function openChat(chatId) {
  const chat = chats.get(chatId);
  if (!chat) return;
  openChatId = chatId;
  unread.delete(chatId);
  show(ui.placeholder, false);
  show(ui.panel, true);
  ui.consoleBody.classList.add('is-chat-open');
  ui.title.textContent = chat.customer.display_name;
  ui.subject.textContent = chat.subject || 'No subject';
  composer.setValue(drafts.get(chatId) || '');

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
  show(ui.takeChat, !mine && !ended);
  ui.takeChat.textContent = chat.status === 'waiting' ? 'Take' : 'Take over';
  show(ui.endChat, mine && !ended);
  transfer.update(chat, mine && !ended);
  const canWrite = Boolean(room) && mine && !ended;
  composer.setEnabled(canWrite, ended ? 'This chat has ended' : canWrite ? 'Write a reply…' : 'Take the chat to reply');
}

async function takeChat(chatId, button) {
  if (button) button.disabled = true;
  ui.takeChat.disabled = true;
  try {
    const chat = await authed(`/api/chats/${chatId}/take`, { method: 'POST' });
    chats.set(chat.id, chat);
    ensureRoom(chat).join();
    lists.waiting = lists.waiting.filter((item) => item.id !== chat.id);
    lists.active = [...lists.active.filter((item) => item.id !== chat.id), chat];
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

async function endChat() {
  const chatId = openChatId;
  if (!chatId) return;
  ui.endChat.disabled = true;
  try {
    const chat = await authed(`/api/chats/${chatId}/end`, { method: 'POST' });
    chats.set(chat.id, chat);
    lists.active = lists.active.filter((item) => item.id !== chat.id);
    lists.waiting = lists.waiting.filter((item) => item.id !== chat.id);
    renderList();
    if (openChatId === chatId) renderChatHeader();
    toast(`Chat with ${chat.customer.display_name} ended.`, 'success');
    scheduleRefresh();
  } catch (error) {
    handleApiError(error);
  } finally {
    ui.endChat.disabled = false;
  }
}

/** An invitation opened a chat held by me: show it (the bridge opens its room). */
function invited(chat) {
  chats.set(chat.id, chat);
  lists.active = [...lists.active.filter((item) => item.id !== chat.id), chat];
  if (archive.visible) showArchive(false);
  if (team.visible) showTeam(false);
  openChat(chat.id);
  scheduleRefresh();
}

/** I handed the open chat to a colleague: it is no longer mine. */
function transferred(chat) {
  chats.set(chat.id, chat);
  lists.active = lists.active.map((item) => (item.id === chat.id ? chat : item));
  renderList();
  if (openChatId === chat.id) renderChatHeader();
  const to = chat.assignee ? chat.assignee.display_name : 'a colleague';
  toast(`Chat with ${chat.customer.display_name} handed to ${to}.`, 'success');
  scheduleRefresh();
}

// --- room events -------------------------------------------------------------------

function onRoomMessage(chatId, { message, live }) {
  if (!live || message.own || message.kind !== 'other' || chatId === openChatId) return;
  unread.set(chatId, (unread.get(chatId) || 0) + 1);
  renderList();
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
  ui.chatList.addEventListener('click', onListClick);
  ui.takeChat.addEventListener('click', () => openChatId && takeChat(openChatId, null));
  ui.endChat.addEventListener('click', endChat);
  ui.back.addEventListener('click', closeChat);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && session) refreshChats();
  });
  setInterval(() => session && renderList(), 60000); // keep waiting times fresh

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
