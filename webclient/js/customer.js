/**
 * The customer page (/): start a chat as a guest or with an account, then
 * talk in its room.
 *
 * localStorage "customer-chat:customer" holds {token, user, xmpp, chat} so a
 * reload resumes the same chat; "customer-chat:customer:draft" holds the
 * unsent text of the message box (kept when the session ends).
 *
 * When the session ends (token expired or revoked, XMPP session closed by the
 * server, 401 from the api), a registered customer signs in again over the
 * chat (ReauthPrompt) and continues the same chat, catching up from MAM; a
 * guest goes back to the start card and keeps name, subject and draft.
 *
 * On /i/{code} (an invitation link, see invite-landing.js) the page welcomes
 * the customer, accepts the link and continues like a started chat; the
 * stored session remembers the code ("invite") so a reload of the link
 * continues the same chat, and an expired token is renewed by accepting the
 * link again.
 *
 * Selectors for tests:
 *   #skip-link (targets the main input of the moment), #account, #account-name, #sign-out
 *   #start-view, #start-title, #start-notice
 *   #start-form, #name, #subject, #start, #start-error, #show-signin, #show-register
 *   #signin-form, #signin-email, #signin-password, #signin, #signin-error
 *   #register-form, #register-name, #register-email, #register-password, #register, #register-error
 *   #chat-view, #status[data-status], #talk-to-person (while the assistant answers),
 *   #connection ("Reconnecting…"), #messages
 *   #composer, #message-input, #send, #ended, #new-chat, #toasts .toast
 *   #reauth, #reauth-text, #reauth-email, #reauth-password, #reauth-submit, #reauth-cancel, #reauth-error
 *   .message[data-stanza-id][data-origin-id][data-state] (.message--own / .message--other)
 *     .message-sender, .message-body, .message-time; an assistant's answer also
 *     .message-sources a, .rate-up / .rate-down [aria-pressed]
 *   .status-line[data-status], .system-line
 */

import { isRegistered, signOut } from './account.js';
import { api, tokenExpired, tokenExpiry } from './api.js';
import { MessageList, bindComposer } from './chat-view.js';
import { InvitePanel, acceptInvitation, invitationCode, linkRefused } from './invite-landing.js';
import { ReauthPrompt } from './reauth.js';
import { STATUS_TEXT } from './room.js';
import { StartPanel } from './start-panel.js';
import { clearRoom } from './store.js';
import { show, toastError } from './ui.js';
import { ChatClient, ConnectionState } from './xmpp.js';

const SESSION_KEY = 'customer-chat:customer';
const DRAFT_KEY = 'customer-chat:customer:draft';
const TOKEN_MARGIN_MS = 5 * 60 * 1000;
const ENDED_TEXT = 'Your session has ended. Please sign in again to continue this chat — your message is kept.';
const EXPIRED_TEXT = 'Your session has expired. Please sign in again to continue this chat — your message is kept.';

const $ = (selector) => document.querySelector(selector);
const ui = {
  skipLink: $('#skip-link'),
  account: $('#account'),
  accountName: $('#account-name'),
  signOut: $('#sign-out'),
  chatView: $('#chat-view'),
  chatSubject: $('#chat-subject'),
  status: $('#status'),
  talkToPerson: $('#talk-to-person'),
  connection: $('#connection'),
  messages: $('#messages'),
  ended: $('#ended'),
  newChat: $('#new-chat'),
  composer: $('#composer'),
  input: $('#message-input'),
  send: $('#send'),
};

let session = null; // {token, user, xmpp, chat, invite?, ratings?: {answerId: 'up'|'down'}}
let inviteCode = invitationCode();
let client = null;
let room = null;
let expiryTimer = null;

const messageList = new MessageList(ui.messages, {
  emptyText: 'Say hello: tell us what you need and a supporter will be with you shortly.',
  onRetry: (originId) => room && room.retry(originId),
  onRate: rateAnswer,
});

const composer = bindComposer({
  form: ui.composer,
  input: ui.input,
  button: ui.send,
  onSend: (text) => Boolean(room && room.send(text)),
  onInput: (text) => saveDraft(text),
});

const startPanel = new StartPanel({
  onStart: startChat,
  onAuth: signedIn,
  onMode: (mode, field) => pointSkipLink(field, 'Skip to the form'),
});

const invitePanel = inviteCode ? new InvitePanel({ code: inviteCode, onAccepted: joinInvited }) : null;

const reauth = new ReauthPrompt({
  behind: [...ui.chatView.children].filter((element) => element.id !== 'reauth'),
  onSignedIn: continueChat,
  onLeave: () => leave('You are signed out. Sign in again to continue your chat.'),
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

const registered = () => Boolean(session && isRegistered(session.user));

// --- views ----------------------------------------------------------------------

function pointSkipLink(target, text) {
  if (!target) return;
  ui.skipLink.href = `#${target.id}`;
  ui.skipLink.textContent = text;
}

function renderAccount() {
  show(ui.account, registered());
  ui.accountName.textContent = registered() ? session.user.display_name : '';
}

function showStart({ notice = '', name = '', subject = '', mode = 'guest', email = '' } = {}) {
  show(ui.chatView, false);
  if (invitePanel) invitePanel.hide();
  reauth.hide();
  renderAccount();
  startPanel.setSignedIn(registered());
  startPanel.show({ mode, notice, name, subject, email });
}

/** Show the session's chat; `connect: false` only shows what this tab has stored. */
function showChat({ connect = true } = {}) {
  const { chat, user } = session;
  startPanel.hide();
  if (invitePanel) invitePanel.hide();
  show(ui.chatView, true);
  renderAccount();
  ui.chatSubject.textContent = chat.subject || '';
  show(ui.chatSubject, Boolean(chat.subject));
  pointSkipLink(ui.input, 'Skip to message box');

  client = new ChatClient({
    websocketUrl: session.xmpp.websocket_url,
    jid: session.xmpp.jid,
    password: session.token,
    domain: session.xmpp.domain,
  });
  client.addEventListener('connection', onConnection);
  room = client.room(chat.room_jid, user.display_name);
  room.addEventListener('messages', showRatings); // before the list renders them
  showRatings();
  room.addEventListener('status', () => renderStatus());
  messageList.bind(room);
  renderStatus();
  if (!connect) return;
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
  show(ui.talkToPerson, status === 'bot');
  if (session.chat.status !== status) {
    session.chat.status = status;
    saveSession();
  }
}

/** "Talk to a person": the chat goes to the queue; the bridge's announcement updates the status. */
async function talkToPerson() {
  ui.talkToPerson.disabled = true;
  try {
    const chat = await api(`/api/chats/${session.chat.id}/handover`, { method: 'POST', token: session.token });
    session.chat.status = chat.status;
    saveSession();
    if (!room || room.status === 'bot') show(ui.talkToPerson, false);
  } catch (error) {
    toastError(error, 'Could not reach our team. Please try again.');
  } finally {
    ui.talkToPerson.disabled = false;
  }
}

/** Give the assistant's answers the ratings this customer gave them (kept with the session). */
function showRatings() {
  const ratings = (session && session.ratings) || {};
  for (const message of room.messages) {
    if (message.answer) message.rating = ratings[message.answer.id] || null;
  }
}

async function rateAnswer(message, rating) {
  const previous = message.rating;
  const keep = (value) => {
    message.rating = value;
    session.ratings = { ...(session.ratings || {}), [message.answer.id]: value };
    if (!value) delete session.ratings[message.answer.id];
    saveSession();
    messageList.render();
  };
  keep(rating);
  try {
    await api(`/api/messages/${encodeURIComponent(message.answer.id)}/rating`, {
      method: 'POST',
      token: session.token,
      body: { rating },
    });
  } catch (error) {
    keep(previous);
    toastError(error, 'Your rating could not be saved.');
  }
}

function onConnection(event) {
  const { state } = event.detail;
  const reconnecting = state === ConnectionState.RECONNECTING;
  ui.connection.textContent = 'Reconnecting…';
  show(ui.connection, reconnecting);
  // The server closes the stream of a revoked session: ask the api at once.
  if (state === ConnectionState.AUTH_FAILED || reconnecting) checkSession();
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
  const delay = Math.max(0, Math.min(expiry - Date.now(), 2 ** 31 - 1));
  expiryTimer = setTimeout(() => sessionEnded(EXPIRED_TEXT), delay);
}

/**
 * The token no longer works. A registered customer signs in again over the
 * chat; a guest goes back to the start card. Name, subject and draft stay.
 */
function sessionEnded(reason = ENDED_TEXT) {
  if (!session) return;
  if (!registered()) {
    expireGuest();
    return;
  }
  clearTimeout(expiryTimer);
  if (client) client.stop(); // the conversation stays on screen behind the prompt
  client = null;
  room = null;
  if (!session.chat) {
    showStart({ mode: 'signin', email: session.user.email, notice: 'Your session has ended. Please sign in again.' });
    return;
  }
  reauth.open({ email: session.user.email, reason });
  pointSkipLink($('#reauth-password'), 'Skip to the sign-in form');
}

function expireGuest() {
  const previous = session;
  if (inviteCode && previous && previous.invite === inviteCode) {
    rejoinInvitation(previous);
    return;
  }
  stopClient();
  session = null;
  saveSession();
  showStart({
    notice: 'Your session has ended. Please start the chat again.',
    name: previous && previous.user.display_name,
    subject: previous && previous.chat && previous.chat.subject,
  });
}

async function checkSession() {
  if (!session) return;
  const { token } = session;
  try {
    await api('/api/me', { token });
  } catch (error) {
    if (error.status === 401 && session && session.token === token) sessionEnded();
  }
}

async function refreshChat() {
  try {
    const chat = await api(`/api/chats/${session.chat.id}`, { token: session.token });
    session.chat = { ...session.chat, ...chat };
    saveSession();
    if (room) renderStatus();
  } catch (error) {
    if (error.status === 401) sessionEnded();
    else if (error.status === 404) forgetChat();
  }
}

function forgetChat() {
  const name = session.user.display_name;
  if (session.chat) clearRoom(session.chat.room_jid);
  stopClient();
  session = { ...session, chat: null, invite: undefined };
  saveSession();
  leaveInvitationPath();
  showStart({ name });
}

// --- actions --------------------------------------------------------------------

/** Start a chat (as a new guest unless signed in); errors go to the start form. */
async function startChat({ name, subject }) {
  let auth = session;
  const fresh = auth && auth.token && !tokenExpired(auth.token, TOKEN_MARGIN_MS);
  if (registered() && !fresh) {
    sessionEnded(EXPIRED_TEXT);
    return;
  }
  if (!fresh || (!registered() && auth.user.display_name !== name)) {
    auth = await api('/api/auth/guest', { method: 'POST', body: { display_name: name } });
  }
  let chat;
  try {
    chat = await api('/api/chats', { method: 'POST', token: auth.token, body: { subject } });
  } catch (error) {
    if (error.status === 401 && registered()) {
      sessionEnded();
      return;
    }
    throw error;
  }
  session = { token: auth.token, user: auth.user, xmpp: auth.xmpp, chat };
  saveSession();
  startPanel.clearSubject();
  showChat();
}

/** Signed in or registered from the start card: continue an open chat, or start one. */
async function signedIn(auth, how) {
  stopClient();
  session = { token: auth.token, user: auth.user, xmpp: auth.xmpp, chat: null };
  saveSession();
  startPanel.resetAccountForms();
  if (how === 'signin') {
    const open = await openChatOf(auth.token);
    if (open) {
      session.chat = open;
      saveSession();
      showChat();
      return;
    }
  }
  showStart();
}

/** The customer's latest chat that has not ended, or null. */
async function openChatOf(token) {
  try {
    const chats = await api('/api/chats', { token });
    return chats.filter((chat) => chat.status !== 'ended').at(-1) || null;
  } catch {
    return null;
  }
}

/** Signed in again over the chat: same account -> same chat, caught up from MAM. */
function continueChat(auth) {
  if (!session || !session.chat || auth.user.id !== session.user.id) {
    // Another account: the chat on screen is not theirs.
    if (session && session.chat) clearRoom(session.chat.room_jid);
    signedIn(auth, 'signin');
    return;
  }
  stopClient();
  session = { ...session, token: auth.token, user: auth.user, xmpp: auth.xmpp };
  saveSession();
  showChat();
  refreshChat();
}

/** Sign out (or give up on an ended session): forget the chat in this tab and the draft. */
function leave(notice) {
  const token = session && session.token;
  if (session && session.chat) clearRoom(session.chat.room_jid);
  stopClient();
  session = null;
  saveSession();
  composer.setValue('');
  saveDraft('');
  showStart({ notice });
  if (token) signOut(token);
}

// --- invitations ----------------------------------------------------------------

/** The link was accepted: continue in the invited chat. */
function joinInvited(auth) {
  stopClient();
  session = { token: auth.token, user: auth.user, xmpp: auth.xmpp, chat: auth.chat, invite: inviteCode };
  saveSession();
  showChat();
}

/** The token of an invited customer ran out: the link (while valid) lets them in again. */
async function rejoinInvitation(previous) {
  stopClient();
  try {
    joinInvited(await acceptInvitation(inviteCode));
  } catch (error) {
    session = null;
    saveSession();
    show(ui.chatView, false);
    if (linkRefused(error)) invitePanel.showProblem(error.detail);
    else invitePanel.show({ name: previous.user.display_name });
    pointSkipLink(invitePanel.field, 'Skip to the form');
  }
}

/** Leave /i/{code} for / (a new chat is not the invited one). */
function leaveInvitationPath() {
  if (!inviteCode) return;
  inviteCode = null;
  if (invitePanel) invitePanel.remove();
  window.history.replaceState(null, '', '/');
}

function bootInvitation() {
  startPanel.hide();
  const stored = session && session.invite === inviteCode ? session : null;
  if (stored && stored.chat && stored.token && stored.user) {
    if (tokenExpired(stored.token, TOKEN_MARGIN_MS)) {
      rejoinInvitation(stored);
      return;
    }
    showChat();
    checkSession();
    refreshChat();
    return;
  }
  invitePanel.show({ name: stored && stored.user ? stored.user.display_name : '' });
  pointSkipLink(invitePanel.field, 'Skip to the form');
}

// --- boot -----------------------------------------------------------------------

function boot() {
  ui.newChat.addEventListener('click', () => forgetChat());
  ui.talkToPerson.addEventListener('click', talkToPerson);
  ui.signOut.addEventListener('click', () => leave('You are signed out.'));
  composer.setValue(localStorage.getItem(DRAFT_KEY) || '');

  session = loadSession();
  if (inviteCode) {
    bootInvitation();
    return;
  }
  if (!session || !session.token || !session.user) {
    session = null;
    showStart();
    return;
  }
  if (tokenExpired(session.token)) {
    if (registered() && session.chat) showChat({ connect: false });
    sessionEnded(EXPIRED_TEXT);
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
