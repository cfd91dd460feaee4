/**
 * The customer page (/): start a chat as a guest, then talk in its room.
 *
 * localStorage "customer-chat:customer" holds {token, user, xmpp, chat} so a
 * reload resumes the same chat; "customer-chat:customer:draft" holds the
 * unsent text of the message box (kept when the session expires).
 *
 * Selectors for tests:
 *   #start-form, #name, #subject, #start, #start-error, #start-notice
 *   #chat-view, #status[data-status], #connection ("Reconnecting…"), #messages
 *   #composer, #message-input, #send, #ended, #new-chat, #toasts .toast
 *   .message[data-stanza-id][data-origin-id][data-state] (.message--own / .message--other)
 *     .message-sender, .message-body, .message-time
 *   .status-line[data-status], .system-line
 */

import { api, tokenExpired, tokenExpiry } from './api.js';
import { MessageList, bindComposer } from './chat-view.js';
import { STATUS_TEXT } from './room.js';
import { clearRoom } from './store.js';
import { show, toastError } from './ui.js';
import { ChatClient, ConnectionState } from './xmpp.js';

const SESSION_KEY = 'customer-chat:customer';
const DRAFT_KEY = 'customer-chat:customer:draft';
const TOKEN_MARGIN_MS = 5 * 60 * 1000;

const $ = (selector) => document.querySelector(selector);
const ui = {
  startView: $('#start-view'),
  startForm: $('#start-form'),
  name: $('#name'),
  subject: $('#subject'),
  start: $('#start'),
  startError: $('#start-error'),
  startNotice: $('#start-notice'),
  chatView: $('#chat-view'),
  chatSubject: $('#chat-subject'),
  status: $('#status'),
  connection: $('#connection'),
  messages: $('#messages'),
  ended: $('#ended'),
  newChat: $('#new-chat'),
  composer: $('#composer'),
  input: $('#message-input'),
  send: $('#send'),
};

let session = null; // {token, user, xmpp, chat}
let client = null;
let room = null;
let expiryTimer = null;

const messageList = new MessageList(ui.messages, {
  emptyText: 'Say hello: tell us what you need and a supporter will be with you shortly.',
  onRetry: (originId) => room && room.retry(originId),
});

const composer = bindComposer({
  form: ui.composer,
  input: ui.input,
  button: ui.send,
  onSend: (text) => Boolean(room && room.send(text)),
  onInput: (text) => saveDraft(text),
});

// --- storage --------------------------------------------------------------------

function loadSession() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function saveSession() {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
}

function saveDraft(text) {
  if (text) localStorage.setItem(DRAFT_KEY, text);
  else localStorage.removeItem(DRAFT_KEY);
}

// --- views ----------------------------------------------------------------------

function showStart({ notice = '', name = '', subject = '' } = {}) {
  show(ui.chatView, false);
  show(ui.startView, true);
  ui.startNotice.textContent = notice;
  show(ui.startNotice, Boolean(notice));
  show(ui.startError, false);
  if (name && !ui.name.value) ui.name.value = name;
  if (subject && !ui.subject.value) ui.subject.value = subject;
  ui.start.disabled = false;
  (ui.name.value ? ui.subject : ui.name).focus();
}

function showChat() {
  const { chat, user } = session;
  show(ui.startView, false);
  show(ui.chatView, true);
  ui.chatSubject.textContent = chat.subject || '';
  show(ui.chatSubject, Boolean(chat.subject));

  client = new ChatClient({
    websocketUrl: session.xmpp.websocket_url,
    jid: session.xmpp.jid,
    password: session.token,
    domain: session.xmpp.domain,
  });
  client.addEventListener('connection', onConnection);
  room = client.room(chat.room_jid, user.display_name);
  room.addEventListener('status', () => renderStatus());
  messageList.bind(room);
  renderStatus();
  room.join();
  client.start();
  scheduleExpiry();
  if (!ui.input.disabled) composer.focus();
}

function renderStatus() {
  const status = (room && room.status) || session.chat.status || 'waiting';
  const text = (room && room.status && room.statusText) || STATUS_TEXT[status] || status;
  ui.status.textContent = text;
  ui.status.dataset.status = status;
  const ended = status === 'ended';
  if (ended && ui.ended.hidden) {
    show(ui.ended, true);
    ui.messages.scrollTop = ui.messages.scrollHeight; // the panel shrank the list
  } else {
    show(ui.ended, ended);
  }
  composer.setEnabled(!ended, ended ? 'This chat has ended' : 'Write a message…');
  if (session.chat.status !== status) {
    session.chat.status = status;
    saveSession();
  }
}

function onConnection(event) {
  const { state } = event.detail;
  const reconnecting = state === ConnectionState.RECONNECTING;
  ui.connection.textContent = 'Reconnecting…';
  show(ui.connection, reconnecting);
  if (state === ConnectionState.AUTH_FAILED) checkSession();
}

function stopClient() {
  clearTimeout(expiryTimer);
  if (client) client.stop();
  messageList.bind(null);
  client = null;
  room = null;
}

// --- session checks -----------------------------------------------------------

function scheduleExpiry() {
  clearTimeout(expiryTimer);
  const expiry = tokenExpiry(session.token);
  if (expiry === null) return;
  // setTimeout cannot wait longer than ~24 days; tokens live one hour.
  expiryTimer = setTimeout(() => expire(), Math.max(0, Math.min(expiry - Date.now(), 2 ** 31 - 1)));
}

/** The token is no longer valid: back to the start form, keeping name, subject and draft. */
function expire() {
  const previous = session;
  stopClient();
  session = null;
  saveSession();
  showStart({
    notice: 'Your session has expired. Please start the chat again.',
    name: previous && previous.user.display_name,
    subject: previous && previous.chat && previous.chat.subject,
  });
}

async function checkSession() {
  if (!session) return;
  try {
    await api('/api/me', { token: session.token });
  } catch (error) {
    if (error.status === 401) expire();
  }
}

async function refreshChat() {
  try {
    const chat = await api(`/api/chats/${session.chat.id}`, { token: session.token });
    session.chat = { ...session.chat, ...chat };
    saveSession();
    if (room) renderStatus();
  } catch (error) {
    if (error.status === 401) expire();
    else if (error.status === 404) forgetChat();
  }
}

function forgetChat() {
  const name = session.user.display_name;
  if (session.chat) clearRoom(session.chat.room_jid);
  stopClient();
  session = { ...session, chat: null };
  saveSession();
  showStart({ name });
}

// --- actions --------------------------------------------------------------------

async function startChat(event) {
  event.preventDefault();
  const name = ui.name.value.trim();
  const subject = ui.subject.value.trim();
  show(ui.startError, false);
  if (!name) {
    ui.startError.textContent = 'Please enter your name.';
    show(ui.startError, true);
    ui.name.focus();
    return;
  }
  ui.start.disabled = true;
  ui.start.textContent = 'Starting…';
  try {
    let auth = session;
    const reusable = auth && auth.token && !tokenExpired(auth.token, TOKEN_MARGIN_MS) && auth.user.display_name === name;
    if (!reusable) auth = await api('/api/auth/guest', { method: 'POST', body: { display_name: name } });
    const chat = await api('/api/chats', { method: 'POST', token: auth.token, body: { subject } });
    session = { token: auth.token, user: auth.user, xmpp: auth.xmpp, chat };
    saveSession();
    ui.subject.value = '';
    showChat();
  } catch (error) {
    ui.startError.textContent = error.detail || error.message;
    show(ui.startError, true);
    toastError(error);
  } finally {
    ui.start.disabled = false;
    ui.start.textContent = 'Start chat';
  }
}

function startNewChat() {
  forgetChat();
}

// --- boot -----------------------------------------------------------------------

function boot() {
  ui.startForm.addEventListener('submit', startChat);
  ui.newChat.addEventListener('click', startNewChat);
  composer.setValue(localStorage.getItem(DRAFT_KEY) || '');

  session = loadSession();
  if (!session || !session.token || !session.user) {
    session = null;
    showStart();
    return;
  }
  if (tokenExpired(session.token)) {
    expire();
    return;
  }
  if (!session.chat) {
    showStart({ name: session.user.display_name });
    return;
  }
  showChat();
  checkSession();
  refreshChat();
}

boot();
