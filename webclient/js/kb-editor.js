/**
 * The article editor of the knowledge-base page: title, language, tags and a
 * Markdown body with a live preview; save (a PUT of the version it edited; a
 * 409 shows who saved meanwhile and offers to load their version while
 * keeping the draft), create, archive/restore (confirmed) and the version
 * history (view an old version; restore its content as a new save).
 * Ctrl+S (Cmd+S) in the form saves.
 *
 * Selectors for tests:
 *   #kb-editor, #kb-editor-title, #kb-meta, #kb-archived, #kb-form, #kb-title, #kb-language,
 *   #kb-tags, #kb-tag-chips li, #kb-body, #kb-preview, #kb-error, #kb-saved,
 *   #kb-save, #kb-revert, #kb-archive, #kb-restore, #kb-history-toggle (aria-expanded),
 *   #kb-conflict, #kb-conflict-text, #kb-conflict-keep, #kb-conflict-discard, #kb-theirs
 *   #kb-history, #kb-versions li[data-version] [data-action=view], #kb-version-view,
 *   #kb-version-title, #kb-version-body, #kb-version-restore, #kb-version-close
 *   and the customer feedback's (see kb-feedback.js)
 */

import { formatTime } from './format.js';
import { ArticleFeedback } from './kb-feedback.js';
import { renderMarkdown } from './markdown.js';
import { h, show, toast, toastError } from './ui.js';

const $ = (selector) => document.querySelector(selector);
const EMPTY = { title: '', language: 'de', tags: [], body: '' };
const LANGUAGE_TEXT = { de: 'Deutsch', en: 'English' };

/** Tags typed as "a, b,, a" -> ["a", "b"]. */
export function parseTags(text) {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
}

/** "v3 · updated 14:05 by Sam" for an article or a version. */
export function savedText(item) {
  const who = item.updated_by ? ` by ${item.updated_by.name || 'a former colleague'}` : ' by an import';
  return `Version ${item.version} · saved ${formatTime(item.updated_at)}${who}`;
}

export class ArticleEditor {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>,
   *          confirm: (title: string, text: string, ok: string) => Promise<boolean>,
   *          onChanged: (article: object) => void, onUnauthorized: (error: Error) => void,
   *          onBack: () => void}} options
   */
  constructor({ request, confirm, onChanged, onUnauthorized, onBack }) {
    this.request = request;
    this.confirm = confirm;
    this.onChanged = onChanged;
    this.onUnauthorized = onUnauthorized;
    this.article = null; // as last loaded or saved; null while writing a new one
    this.base = EMPTY; // the content the draft started from
    this.viewing = null; // the old version shown in the history
    this.theirs = null; // the newer version a conflicting save ran into
    this.feedback = new ArticleFeedback({ request, onError: (error) => this._fail(error) });
    this.ui = {
      section: $('#kb-editor'),
      heading: $('#kb-editor-title'),
      meta: $('#kb-meta'),
      archived: $('#kb-archived'),
      form: $('#kb-form'),
      title: $('#kb-title'),
      language: $('#kb-language'),
      tags: $('#kb-tags'),
      chips: $('#kb-tag-chips'),
      body: $('#kb-body'),
      preview: $('#kb-preview'),
      error: $('#kb-error'),
      saved: $('#kb-saved'),
      save: $('#kb-save'),
      revert: $('#kb-revert'),
      archive: $('#kb-archive'),
      restore: $('#kb-restore'),
      historyToggle: $('#kb-history-toggle'),
      history: $('#kb-history'),
      versions: $('#kb-versions'),
      versionView: $('#kb-version-view'),
      versionTitle: $('#kb-version-title'),
      versionMeta: $('#kb-version-meta'),
      versionBody: $('#kb-version-body'),
      versionRestore: $('#kb-version-restore'),
      conflict: $('#kb-conflict'),
      conflictText: $('#kb-conflict-text'),
      theirs: $('#kb-theirs'),
      theirsBody: $('#kb-theirs-body'),
    };
    const { ui } = this;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
    ui.form.addEventListener('input', () => this._changed());
    ui.form.addEventListener('keydown', (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
        event.preventDefault(); // Ctrl+S saves the article, not the page
        this.save();
      }
    });
    ui.revert.addEventListener('click', () => this._revert());
    ui.archive.addEventListener('click', () => this._archive(true));
    ui.restore.addEventListener('click', () => this._archive(false));
    ui.historyToggle.addEventListener('click', () => this._toggleHistory());
    ui.versionRestore.addEventListener('click', () => this._restoreVersion());
    $('#kb-version-close').addEventListener('click', () => this._viewVersion(null));
    $('#kb-conflict-keep').addEventListener('click', () => this._rebase());
    $('#kb-conflict-discard').addEventListener('click', () => this._discardForTheirs());
    $('#kb-back').addEventListener('click', () => onBack());
  }

  get visible() {
    return !this.ui.section.hidden;
  }

  /** The form's content as the api takes it. */
  get draft() {
    const { ui } = this;
    return { title: ui.title.value.trim(), language: ui.language.value, tags: parseTags(ui.tags.value), body: ui.body.value };
  }

  /** The draft differs from what was loaded. */
  get dirty() {
    if (!this.visible) return false;
    const draft = this.draft;
    const base = this.base;
    return (
      draft.title !== base.title.trim() ||
      draft.language !== base.language ||
      draft.body !== base.body ||
      draft.tags.join('\n') !== base.tags.join('\n')
    );
  }

  /** Start a new article. */
  openNew() {
    this.article = null;
    this._fill(EMPTY);
    this._render();
    this.feedback.show(null);
    show(this.ui.section, true);
    this.ui.title.focus();
  }

  /** Load an article by id and show it; false if it cannot be loaded (the error is shown). */
  async open(articleId) {
    try {
      const article = await this.request(`/api/kb/articles/${articleId}`);
      this._load(article);
      this.feedback.show(article.id);
      show(this.ui.section, true);
      this.ui.heading.focus({ preventScroll: true });
      return true;
    } catch (error) {
      this._fail(error);
      return false;
    }
  }

  close() {
    this.article = null;
    this.base = EMPTY;
    show(this.ui.section, false);
  }

  /** Save the draft: a new article (POST) or an edit of the loaded version (PUT). */
  async save() {
    const { ui } = this;
    show(ui.error, false);
    const draft = this.draft;
    if (!draft.title) return this._error('Please give the article a title.');
    ui.save.disabled = true;
    try {
      const saved = this.article
        ? await this.request(`/api/kb/articles/${this.article.id}`, {
            method: 'PUT',
            body: { ...draft, version: this.article.version },
          })
        : await this.request('/api/kb/articles', { method: 'POST', body: draft });
      this._load(saved);
      ui.saved.textContent = `Saved version ${saved.version} — searchable in a few seconds.`;
      this.onChanged(saved);
    } catch (error) {
      if (error.status === 409) await this._conflict(error);
      else this._fail(error);
    } finally {
      ui.save.disabled = false;
    }
  }

  // --- internals --------------------------------------------------------------------

  _load(article) {
    this.article = article;
    this._fill(article);
    show(this.ui.conflict, false);
    this._viewVersion(null);
    if (!this.ui.history.hidden) this._loadHistory();
    this._render();
  }

  _fill(content) {
    const { ui } = this;
    this.base = { title: content.title, language: content.language, tags: [...content.tags], body: content.body };
    ui.title.value = content.title;
    ui.language.value = content.language;
    ui.tags.value = content.tags.join(', ');
    ui.body.value = content.body;
    ui.saved.textContent = '';
    show(ui.error, false);
  }

  _render() {
    const { ui, article } = this;
    ui.heading.textContent = article ? article.title : 'New article';
    ui.meta.textContent = article ? `${LANGUAGE_TEXT[article.language] || article.language} · ${savedText(article)}` : 'Not saved yet';
    show(ui.archived, Boolean(article && article.archived));
    show(ui.archive, Boolean(article && !article.archived));
    show(ui.restore, Boolean(article && article.archived));
    ui.historyToggle.disabled = !article;
    if (!article) this._showHistory(false);
    this._changed();
  }

  /** The draft changed: preview, tag chips, and the Discard button. */
  _changed() {
    const { ui } = this;
    ui.preview.replaceChildren(renderMarkdown(ui.body.value));
    ui.chips.replaceChildren(...parseTags(ui.tags.value).map((tag) => h('li', { class: 'kb-chip' }, tag)));
    ui.revert.disabled = !this.dirty;
    if (this.dirty) ui.saved.textContent = '';
  }

  async _revert() {
    if (!(await this.confirm('Discard changes?', 'Your unsaved changes to this article will be lost.', 'Discard'))) return;
    if (this.article) this._fill(this.article);
    else this._fill(EMPTY);
    this._render();
  }

  async _conflict(error) {
    const { ui } = this;
    ui.conflictText.textContent = `Not saved: ${error.detail}`;
    show(ui.theirs, false);
    show(ui.conflict, true);
    try {
      const theirs = await this.request(`/api/kb/articles/${this.article.id}`);
      this.theirs = theirs;
      ui.conflictText.textContent = `Not saved: ${theirs.updated_by ? theirs.updated_by.name : 'someone'} saved version ${theirs.version} at ${formatTime(theirs.updated_at)} while you were editing. Your draft is still here.`;
      ui.theirsBody.replaceChildren(h('p', {}, h('strong', {}, theirs.title)), renderMarkdown(theirs.body));
      show(ui.theirs, true);
    } catch (failure) {
      this._fail(failure);
    }
  }

  /** Take their version as the base but keep my draft in the form: the next save overwrites consciously. */
  _rebase() {
    const { theirs } = this;
    if (!theirs) return;
    const draft = this.draft;
    this._load(theirs);
    this._keepDraft(draft);
    toast(`Version ${theirs.version} loaded; your draft is kept. Save to replace it.`, 'info');
  }

  /** Put a draft back into the form over the loaded article. */
  _keepDraft(draft) {
    const { ui } = this;
    ui.title.value = draft.title;
    ui.language.value = draft.language;
    ui.tags.value = draft.tags.join(', ');
    ui.body.value = draft.body;
    this._changed();
  }

  /** The loaded article is newer than the kept draft's base: show theirs, say what saving does. */
  _warnNewer(theirs, what) {
    const { ui } = this;
    this.theirs = theirs;
    ui.conflictText.textContent = `${what}; your draft is kept, and saving it replaces their text (shown below).`;
    ui.theirsBody.replaceChildren(h('p', {}, h('strong', {}, theirs.title)), renderMarkdown(theirs.body));
    show(ui.theirs, true);
    show(ui.conflict, true);
  }

  /** What to keep of an unsaved draft when the session ends: {articleId, version, draft}, or null. */
  snapshot() {
    if (!this.dirty) return null;
    return { articleId: this.article && this.article.id, version: this.article && this.article.version, draft: this.draft };
  }

  /** Bring back a draft kept at sign-out, over the article as it is now. */
  async resume({ articleId, version, draft }) {
    if (articleId && !(await this.open(articleId))) return false;
    if (!articleId) this.openNew();
    this._keepDraft(draft);
    if (this.article && this.article.version !== version) {
      const who = this.article.updated_by ? this.article.updated_by.name : 'Someone';
      this._warnNewer(this.article, `${who} saved version ${this.article.version} after your draft was started`);
    }
    toast('Your unsaved draft is back.', 'info');
    return true;
  }

  _discardForTheirs() {
    if (this.theirs) this._load(this.theirs);
  }

  async _archive(archive) {
    const { article } = this;
    if (!article) return;
    const ok = archive
      ? await this.confirm('Archive this article?', 'It disappears from search and the assistant at once. You can restore it later.', 'Archive')
      : await this.confirm('Restore this article?', 'It becomes searchable again within a few seconds.', 'Restore');
    if (!ok) return;
    try {
      const saved = await this.request(`/api/kb/articles/${article.id}/${archive ? 'archive' : 'restore'}`, { method: 'POST' });
      const draft = this.draft;
      const wasDirty = this.dirty;
      this._load(saved);
      if (wasDirty) this._keepDraft(draft);
      this.ui.saved.textContent = archive ? 'Archived — hidden from search.' : 'Restored — searchable in a few seconds.';
      // Archive and restore take no version: if a colleague saved in between, a kept
      // draft would silently replace their text on the next save. Say so.
      if (wasDirty && saved.version !== article.version + 1) {
        this._warnNewer(saved, `Someone saved a newer version before this ${archive ? 'archiving' : 'restoring'}`);
      }
      this.onChanged(saved);
    } catch (error) {
      this._fail(error);
    }
  }

  _toggleHistory() {
    this._showHistory(this.ui.history.hidden);
  }

  _showHistory(visible) {
    show(this.ui.history, visible);
    this.ui.historyToggle.setAttribute('aria-expanded', String(visible));
    if (visible) this._loadHistory();
    else this._viewVersion(null);
  }

  async _loadHistory() {
    const { article } = this;
    if (!article) return;
    try {
      const versions = await this.request(`/api/kb/articles/${article.id}/versions`);
      if (this.article !== article) return;
      this.versions = versions;
      this.ui.versions.replaceChildren(...versions.map((version) => this._versionItem(version)));
    } catch (error) {
      this._fail(error);
    }
  }

  _versionItem(version) {
    const current = version.version === this.article.version;
    return h(
      'li',
      { class: 'kb-version', dataset: { version: String(version.version) } },
      h('span', { class: 'kb-version-text' }, savedText(version), current ? ' · current' : '', version.archived ? ' · archived' : ''),
      h(
        'button',
        { type: 'button', class: 'btn btn-ghost btn-small', 'data-action': 'view', onclick: () => this._viewVersion(version) },
        `View version ${version.version}`,
      ),
    );
  }

  _viewVersion(version) {
    const { ui } = this;
    this.viewing = version;
    show(ui.versionView, Boolean(version));
    if (!version) return;
    ui.versionTitle.textContent = `Version ${version.version}: ${version.title}`;
    ui.versionMeta.textContent = `${savedText(version)} · ${LANGUAGE_TEXT[version.language] || version.language}${version.tags.length ? ` · tags: ${version.tags.join(', ')}` : ''}`;
    ui.versionBody.replaceChildren(renderMarkdown(version.body));
    ui.versionRestore.disabled = version.version === this.article.version;
    ui.versionRestore.focus();
  }

  /** Save an old version's content as the newest version. */
  async _restoreVersion() {
    const version = this.viewing;
    if (!version) return;
    const text = this.dirty
      ? 'Its content replaces your unsaved changes and is saved as a new version.'
      : 'Its content is saved as a new version; the history keeps every version.';
    if (!(await this.confirm(`Restore version ${version.version}?`, text, 'Restore version'))) return;
    const { ui } = this;
    ui.title.value = version.title;
    ui.language.value = version.language;
    ui.tags.value = version.tags.join(', ');
    ui.body.value = version.body;
    this._changed();
    await this.save();
  }

  _error(text) {
    this.ui.error.textContent = text;
    show(this.ui.error, true);
  }

  _fail(error) {
    if (error.status === 401 || error.status === 403) this.onUnauthorized(error);
    else if (!this.visible) toastError(error);
    else this._error(error.detail || error.message);
  }
}
