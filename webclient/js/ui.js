/**
 * Small DOM helpers shared by both pages.
 *
 * h(tag, props, ...children) builds elements; strings become text nodes, so
 * message and name data can never be interpreted as HTML.
 * toast(text, kind, {silent}) shows a transient notice in #toasts.
 */

/** Create an element; props may hold attributes, `class`, `dataset`, `on<event>` and `hidden`. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * Show a toast for a few seconds; kind is "error" (default), "info" or "success".
 * A silent toast is only seen: the page announces its news to screen readers itself.
 * Returns the toast's element (null when the page has no #toasts).
 */
export function toast(text, kind = 'error', { silent = false } = {}) {
  const region = document.getElementById('toasts');
  if (!region) return null;
  const item = h(
    'div',
    {
      class: `toast toast--${kind}`,
      role: silent ? null : kind === 'error' ? 'alert' : 'status',
      'aria-hidden': silent ? 'true' : null,
      'data-testid': 'toast',
    },
    h('span', { class: 'toast-text' }, text),
    h(
      'button',
      { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', tabindex: silent ? '-1' : null },
      '×',
    ),
  );
  const remove = () => item.remove();
  item.querySelector('button').addEventListener('click', remove);
  region.append(item);
  setTimeout(remove, kind === 'error' ? 8000 : 4000);
  return item;
}

/** Toast an error from the api (its `detail`) or any other Error. */
export function toastError(error, fallback = 'Something went wrong.') {
  toast((error && (error.detail || error.message)) || fallback, 'error');
}

/** Show or hide an element. */
export function show(element, visible = true) {
  if (element) element.hidden = !visible;
}
