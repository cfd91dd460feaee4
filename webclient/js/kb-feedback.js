/**
 * "Customer feedback" under the article editor: how customers rated the
 * assistant's answers from the open article, and the latest questions whose
 * answers they rated down (newest first, each with the time of the rating).
 * Questions are customers' own words: they are set as text, never as HTML.
 *
 * Selectors for tests:
 *   #kb-feedback, #kb-feedback-counts, #kb-feedback-down-title,
 *   #kb-feedback-questions li.kb-feedback-item (.kb-feedback-question, time)
 */

import { formatTime } from './format.js';
import { h, show } from './ui.js';

const $ = (selector) => document.querySelector(selector);

/** "3 up · 1 down" for an article's ratings; '' when nobody rated it. */
export function ratingText({ up, down }) {
  return up || down ? `${up} up · ${down} down` : '';
}

export class ArticleFeedback {
  /**
   * @param {{request: (path: string) => Promise<any>, onError: (error: Error) => void}} options
   */
  constructor({ request, onError }) {
    this.request = request;
    this.onError = onError;
    this.articleId = null; // the article shown; a late answer for another one is dropped
    this.ui = {
      section: $('#kb-feedback'),
      counts: $('#kb-feedback-counts'),
      downTitle: $('#kb-feedback-down-title'),
      questions: $('#kb-feedback-questions'),
    };
  }

  /** Show the figures of a saved article (null: a new one, which has none). */
  async show(articleId) {
    this.articleId = articleId;
    this._clear();
    show(this.ui.section, Boolean(articleId));
    if (!articleId) return;
    try {
      const found = await this.request(`/api/kb/articles/${articleId}/ratings`);
      if (this.articleId === articleId) this._render(found);
    } catch (error) {
      if (this.articleId === articleId) this.onError(error);
    }
  }

  _clear() {
    this.ui.counts.textContent = '';
    this.ui.questions.replaceChildren();
    show(this.ui.downTitle, false);
  }

  _render({ ratings, down_rated: downRated }) {
    const { ui } = this;
    const rated = ratingText(ratings);
    ui.counts.textContent = rated
      ? `Answers from this article were rated ${rated}.`
      : 'No answer from this article has been rated yet.';
    show(ui.downTitle, downRated.length > 0);
    ui.questions.replaceChildren(
      ...downRated.map((item) =>
        h(
          'li',
          { class: 'kb-feedback-item' },
          h('q', { class: 'kb-feedback-question' }, item.question),
          h('time', { datetime: item.rated_at }, formatTime(item.rated_at)),
        ),
      ),
    );
  }
}
