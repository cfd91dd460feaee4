/**
 * A small Markdown renderer that builds DOM nodes (never HTML strings), for
 * the knowledge-base editor's preview.
 *
 * renderMarkdown(text) -> DocumentFragment. Blocks: ATX headings (#..######),
 * paragraphs, "-", "*", "+" and "1." lists, "> " quotes, ``` fences, "---"
 * rules. Inline: **strong**, *em* / _em_, `code`, [text](url) with http(s),
 * mailto and tel links only (anything else stays text). Every piece of the
 * article becomes a text node, so markup in it is shown, never parsed: no
 * sanitiser is needed and the strict CSP stays as it is.
 */

import { h } from './ui.js';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|\b_([^_\s](?:[^_]*[^_\s])?)_\b|\[([^\]]+)\]\(\s*([^()\s]+)\s*\)/;

/** The URL if it is absolute and uses a safe protocol, else null. */
export function safeUrl(href) {
  try {
    const url = new URL(href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** Inline Markdown of one block as a list of nodes. */
export function renderInline(text) {
  const nodes = [];
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      nodes.push(rest);
      break;
    }
    if (match.index > 0) nodes.push(rest.slice(0, match.index));
    const [whole, code, strong, strong2, em, em2, label, href] = match;
    if (code !== undefined) nodes.push(h('code', {}, code));
    else if (strong !== undefined || strong2 !== undefined) nodes.push(h('strong', {}, renderInline(strong ?? strong2)));
    else if (em !== undefined || em2 !== undefined) nodes.push(h('em', {}, renderInline(em ?? em2)));
    else {
      const url = safeUrl(href);
      nodes.push(url ? h('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, renderInline(label)) : whole);
    }
    rest = rest.slice(match.index + whole.length);
  }
  return nodes;
}

/** The Markdown as DOM nodes, ready to append. */
export function renderMarkdown(text) {
  const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
  const fragment = document.createDocumentFragment();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i += 1;
    } else if (FENCE.test(line)) {
      const marker = FENCE.exec(line)[1];
      const code = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(marker)) code.push(lines[i++]);
      i += 1;
      fragment.append(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (HEADING.test(line)) {
      const [, hashes, title] = HEADING.exec(line);
      fragment.append(h(`h${hashes.length}`, {}, renderInline(title)));
      i += 1;
    } else if (RULE.test(line)) {
      fragment.append(h('hr'));
      i += 1;
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const pattern = BULLET.test(line) ? BULLET : NUMBERED;
      const items = [];
      while (i < lines.length && lines[i].trim()) {
        const item = pattern.exec(lines[i]);
        if (item) items.push(item[1]);
        else if (items.length && /^\s+/.test(lines[i])) items[items.length - 1] += ` ${lines[i].trim()}`;
        else break;
        i += 1;
      }
      fragment.append(h(pattern === BULLET ? 'ul' : 'ol', {}, items.map((item) => h('li', {}, renderInline(item)))));
    } else if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(QUOTE.exec(lines[i++])[1]);
      fragment.append(h('blockquote', {}, renderMarkdown(quoted.join('\n'))));
    } else {
      const paragraph = [];
      while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) paragraph.push(lines[i++].trim());
      fragment.append(h('p', {}, renderInline(paragraph.join(' '))));
    }
  }
  return fragment;
}

function startsBlock(line) {
  return [FENCE, HEADING, RULE, BULLET, NUMBERED, QUOTE].some((pattern) => pattern.test(line));
}
