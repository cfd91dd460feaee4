/**
 * The knowledge-base editor (/console/kb) for supporters and admins: the
 * article list with search and filters, and the editor (kb-editor.js).
 *
 * It shares the console's sign-in: sessionStorage "customer-chat:console"
 * holds {token, user, xmpp}; signed out, the page shows the same login form.
 * "customer-chat:kb:draft" keeps an unsaved draft when the session ends, for
 * the same person's next sign-in in this tab (its base version kept, so a
 * colleague's save in between is shown). "#<article id>" links open one.
 * Customers get no editor (the api answers 403). Unsaved changes are guarded
 * when switching articles, signing out or leaving the page.
 *
 * Selectors for tests:
 *   #login-view, #login-form, #login-email, #login-password, #login, #login-error, #login-notice
 *   #kb-view, #me, #logout, #to-console, #kb-new, #kb-search, #kb-q, #kb-filter-state,
 *   #kb-filter-language, #kb-filter-tag, #kb-list-status,
 *   #kb-list li.kb-item[data-article-id][data-archived] .kb-item-title .kb-item-meta .kb-chip
 *     .kb-item-rating ("3 up · 1 down", only once rated)
 *   #kb-confirm (#kb-confirm-title, #kb-confirm-text, #kb-confirm-ok, #kb-confirm-cancel)
 *   and the editor's (see kb-editor.js)
 */

import { api, tokenExpired, tokenExpiry } from './api.js';
import { formatTime } from './format.js';
import { ArticleEditor } from './kb-editor.js';
import { ratingText } from './kb-feedback.js';
import { h, show, toastError } from './ui.js';

const SESSION_KEY = 'customer-chat:console';
const DRAFT_KEY = 'customer-chat:kb:draft'; // an unsaved draft kept over an expired session
const NO_ACCESS = 'This account cannot edit the knowledge base. Please log in with a supporter account.';

const $ = (selector) => document.querySelector(selector);
const ui = {
  loginView: $('#login-view'),
  loginForm: $('#login-form'),
  loginEmail: $('#login-email'),
  loginPassword: $('#login-password'),
  login: $('#login'),
  loginError: $('#login-error'),
  loginNotice: $('#login-notice'),
  view: $('#kb-view'),
  layout: $('#kb-layout'),
  me: $('#me'),
  logout: $('#logout'),
  toConsole: $('#to-console'),
  create: $('#kb-new'),
  search: $('#kb-search'),
  query: $('#kb-q'),
  state: $('#kb-filter-state'),
  language: $('#kb-filter-language'),
  tag: $('#kb-filter-tag'),
  listStatus: $('#kb-list-status'),
  list: $('#kb-list'),
  placeholder: $('#kb-placeholder'),
  confirm: $('#kb-confirm'),
  confirmTitle: $('#kb-confirm-title'),
  confirmText: $('#kb-confirm-text'),
  confirmOk: $('#kb-confirm-ok'),
};

let session = null;
let articles = []; // every article (summaries), as last listed
let hits = null; // article ids of the search, best first; null without a query
let expiryTimer = null;
let leaving = false; // the supporter agreed to leave with unsaved changes

const authed = (path, options = {}) => api(path, { ...options, token: session.token });

const editor = new ArticleEditor({
  request: (path, options) => authed(path, options),
  confirm: (title, text, ok) => confirm(title, text, ok),
  onChanged: () => loadList(),
  onUnauthorized: (error) => handleApiError(error),
  onBack: () => leaveEditor(),
});

// --- confirmation -----------------------------------------------------------------

/** Ask in a modal dialog (no window.confirm); resolves true for OK. */
function confirm(title, text, ok = 'OK') {
  ui.confirmTitle.textContent = title;
  ui.confirmText.textContent = text;
  ui.confirmOk.textContent = ok;
  ui.confirm.returnValue = '';
  ui.confirm.showModal();
  ui.confirmOk.focus();
  return new Promise((resolve) => {
    ui.confirm.addEventListener('close', () => resolve(ui.confirm.returnValue === 'ok'), { once: true });
  });
}

/** True when there is nothing unsaved, or the supporter agrees to drop it. */
async function mayLeave() {
  if (!editor.dirty) return true;
  return confirm('Discard unsaved changes?', 'You have changed this article without saving. Leave it anyway?', 'Discard changes');
}

// --- session --------------------------------------------------------------------

function loadJson(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

async function login(event) {
  event.preventDefault();
  show(ui.loginError, false);
  const email = ui.loginEmail.value.trim();
  const password = ui.loginPassword.value;
  if (!email || !password) return loginError('Please enter your email or username and your password.');
  ui.login.disabled = true;
  try {
    const auth = await api('/api/auth/login', { method: 'POST', body: { email, password } });
    if (!auth.user || auth.user.role === 'user') return loginError(NO_ACCESS);
    ui.loginPassword.value = '';
    session = { token: auth.token, user: auth.user, xmpp: auth.xmpp };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    enter();
  } catch (error) {
    loginError(error.status === 401 ? error.detail || 'Wrong email/username or password.' : error.detail || error.message);
  } finally {
    ui.login.disabled = false;
  }
}

function loginError(text) {
  ui.loginError.textContent = text;
  show(ui.loginError, true);
}

function signOut(notice, { forget = false } = {}) {
  clearTimeout(expiryTimer);
  const kept = forget || !session ? null : editor.snapshot();
  if (kept) sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ ...kept, userId: session.user.id }));
  else sessionStorage.removeItem(DRAFT_KEY);
  sessionStorage.removeItem(SESSION_KEY);
  session = null;
  articles = [];
  hits = null;
  editor.close();
  ui.list.replaceChildren();
  show(ui.view, false);
  show(ui.loginView, true);
  ui.loginNotice.textContent = notice || '';
  show(ui.loginNotice, Boolean(notice));
  ui.loginEmail.focus();
}

async function logout() {
  if (!(await mayLeave())) return;
  const { token } = session;
  signOut('You are logged out.', { forget: true });
  api('/api/auth/logout', { method: 'POST', token }).catch(() => {});
}

function handleApiError(error) {
  if (error.status === 401) signOut('Your session has expired. Please log in again.');
  else if (error.status === 403) signOut(NO_ACCESS);
  else toastError(error);
}

async function enter() {
  const linked = window.location.hash; // #<article id>, a link to one article
  show(ui.loginView, false);
  show(ui.view, true);
  show(ui.loginNotice, false);
  ui.me.textContent = session.user.display_name;
  await leaveEditor();
  loadList();
  startExpiryTimer();
  const kept = loadJson(DRAFT_KEY);
  sessionStorage.removeItem(DRAFT_KEY);
  if (kept && kept.draft && kept.userId === session.user.id) {
    showEditor();
    if (!(await editor.resume(kept))) await leaveEditor();
  } else if (/^#[0-9a-f-]{36}$/i.test(linked)) {
    showEditor();
    if (await editor.open(linked.slice(1))) history.replaceState(null, '', linked);
    else await leaveEditor();
  }
  if (session) renderList();
}

function startExpiryTimer() {
  const expiry = tokenExpiry(session.token);
  if (expiry !== null) {
    expiryTimer = setTimeout(
      () => signOut('Your session has expired. Please log in again.'),
      Math.max(0, Math.min(expiry - Date.now(), 2 ** 31 - 1)),
    );
  }
}

// --- the list ---------------------------------------------------------------------

async function loadList() {
  if (!session) return;
  try {
    articles = await authed('/api/kb/articles');
    if (!session) return;
    renderTags();
    renderList();
  } catch (error) {
    handleApiError(error);
  }
}

async function runSearch(event) {
  if (event) event.preventDefault();
  const q = ui.query.value.trim();
  if (!q) {
    hits = null;
    renderList();
    return;
  }
  ui.listStatus.textContent = 'Searching…';
  try {
    // A supporter looking an article up wants the ones with the words as much as the meaning.
    const answer = await authed(`/api/kb/search?q=${encodeURIComponent(q)}&limit=50&text_weight=1`);
    hits = [...new Set(answer.hits.map((hit) => hit.article_id))];
    renderList();
  } catch (error) {
    ui.listStatus.textContent = '';
    handleApiError(error);
  }
}

function renderTags() {
  const chosen = ui.tag.value;
  const tags = [...new Set(articles.flatMap((article) => article.tags))].sort((a, b) => a.localeCompare(b));
  ui.tag.replaceChildren(h('option', { value: '' }, 'All tags'), ...tags.map((tag) => h('option', { value: tag }, tag)));
  ui.tag.value = tags.includes(chosen) ? chosen : '';
}

function shown() {
  const state = ui.state.value;
  const byId = new Map(articles.map((article) => [article.id, article]));
  const pool = hits ? hits.map((id) => byId.get(id)).filter(Boolean) : articles;
  return pool.filter(
    (article) =>
      (state === 'all' || article.archived === (state === 'archived')) &&
      (!ui.language.value || article.language === ui.language.value) &&
      (!ui.tag.value || article.tags.includes(ui.tag.value)),
  );
}

function renderList() {
  const list = shown();
  const openId = editor.article && editor.article.id;
  ui.list.replaceChildren(...list.map((article) => listItem(article, article.id === openId)));
  const count = `${list.length} ${list.length === 1 ? 'article' : 'articles'}`;
  ui.listStatus.textContent = hits ? `${count} found for “${ui.query.value.trim()}”` : count;
}

function listItem(article, current) {
  const by = article.updated_by ? article.updated_by.name : 'import';
  const rated = ratingText(article.ratings);
  return h(
    'li',
    { class: 'kb-item', dataset: { articleId: article.id, archived: String(article.archived) } },
    h(
      'button',
      { type: 'button', class: 'kb-item-open', 'aria-current': current ? 'true' : null, onclick: () => openArticle(article.id) },
      h('span', { class: 'kb-item-title' }, article.title),
      h(
        'span',
        { class: 'kb-item-meta' },
        h('span', { class: 'kb-lang' }, article.language.toUpperCase()),
        article.archived ? h('span', { class: 'state-pill state-pill--archived' }, 'Archived') : null,
        ` ${formatTime(article.updated_at)} · ${by}`,
        rated ? h('span', { class: 'kb-item-rating', title: 'How customers rated answers from it' }, rated) : null,
      ),
      article.tags.length ? h('span', { class: 'kb-chips' }, article.tags.map((tag) => h('span', { class: 'kb-chip' }, tag))) : null,
    ),
  );
}

// --- the editor ---------------------------------------------------------------------

function showEditor() {
  show(ui.placeholder, false);
  ui.layout.classList.add('is-chat-open');
}

async function openArticle(articleId) {
  if (!(await mayLeave())) return;
  showEditor();
  if (!(await editor.open(articleId))) return leaveEditor();
  history.replaceState(null, '', `#${articleId}`); // a link to this article
  renderList();
}

async function newArticle() {
  if (!(await mayLeave())) return;
  showEditor();
  editor.openNew();
  history.replaceState(null, '', window.location.pathname);
  renderList();
}

async function leaveEditor() {
  if (editor.visible && !(await mayLeave())) return;
  editor.close();
  show(ui.placeholder, true);
  ui.layout.classList.remove('is-chat-open');
  history.replaceState(null, '', window.location.pathname);
  if (session) renderList();
}

// --- boot -------------------------------------------------------------------------

function boot() {
  ui.loginForm.addEventListener('submit', login);
  ui.logout.addEventListener('click', logout);
  ui.create.addEventListener('click', newArticle);
  ui.search.addEventListener('submit', runSearch);
  ui.query.addEventListener('search', () => runSearch()); // the field's clear button
  for (const filter of [ui.state, ui.language, ui.tag]) filter.addEventListener('change', renderList);
  ui.toConsole.addEventListener('click', async (event) => {
    if (!editor.dirty) return;
    event.preventDefault();
    if (!(await mayLeave())) return;
    leaving = true;
    window.location.assign(ui.toConsole.href);
  });
  window.addEventListener('beforeunload', (event) => {
    if (editor.dirty && !leaving) event.preventDefault();
  });

  const saved = loadJson(SESSION_KEY);
  if (!saved || !saved.token || !saved.user || tokenExpired(saved.token)) {
    sessionStorage.removeItem(SESSION_KEY);
    show(ui.loginView, true);
    ui.loginEmail.focus();
    return;
  }
  if (saved.user.role === 'user') {
    show(ui.loginView, true);
    ui.loginNotice.textContent = NO_ACCESS;
    show(ui.loginNotice, true);
    return;
  }
  session = saved;
  enter();
}

boot();
