/**
 * Unread message counts per chat, kept in sessionStorage so a reload keeps
 * the badges (and the "(3) …" in the title).
 */

export class UnreadCounts {
  /** @param {string} storageKey */
  constructor(storageKey) {
    this.storageKey = storageKey;
    this.counts = new Map(this._load());
  }

  /** The chat's unread count (0 when none). */
  get(chatId) {
    return this.counts.get(chatId) || 0;
  }

  /** All unread messages together. */
  get total() {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Count one more unread message in the chat; returns its new count. */
  add(chatId) {
    const count = this.get(chatId) + 1;
    this.counts.set(chatId, count);
    this._save();
    return count;
  }

  /** The chat was read; returns whether it had unread messages. */
  clear(chatId) {
    const had = this.counts.delete(chatId);
    if (had) this._save();
    return had;
  }

  /** Forget every count (logout). */
  reset() {
    this.counts.clear();
    sessionStorage.removeItem(this.storageKey);
  }

  _load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey));
      return Array.isArray(saved) ? saved : [];
    } catch {
      return [];
    }
  }

  _save() {
    sessionStorage.setItem(this.storageKey, JSON.stringify([...this.counts]));
  }
}
