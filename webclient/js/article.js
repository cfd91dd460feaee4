/**
 * A published help article (/kb/{slug}), where the assistant's answers link their sources.
 *
 * Reads GET /api/help/articles/{slug} and renders the Markdown as DOM nodes
 * (markdown.js): the article's text is never parsed as HTML.
 * Selectors for tests: #article-title, #article-updated, #article-body
 */

import { api } from './api.js';
import { formatTime } from './format.js';
import { renderMarkdown } from './markdown.js';

const slug = decodeURIComponent(window.location.pathname.split('/').pop() || '');
const title = document.querySelector('#article-title');
const updated = document.querySelector('#article-updated');
const body = document.querySelector('#article-body');

async function show() {
  try {
    const article = await api(`/api/help/articles/${encodeURIComponent(slug)}`);
    document.title = `${article.title} · customer-chat`;
    document.documentElement.lang = article.language;
    title.textContent = article.title;
    updated.textContent = `Updated ${formatTime(new Date(article.updated_at))}`;
    body.replaceChildren(renderMarkdown(article.body));
  } catch (error) {
    title.textContent = error.status === 404 ? 'This article is not available.' : 'The article could not be loaded.';
  }
}

show();
