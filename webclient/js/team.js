/**
 * The "Team" view of the console, for admins: the staff accounts with role
 * and status, a form to add a supporter or admin, disable/enable, and a
 * password reset (an inline form per person). Every failure shows the api's
 * `detail`; a 401 is handed to onUnauthorized (the console signs out).
 * The view is cloned from <template id="team-template"> when first opened and
 * removed again at sign-out, so its fields never exist for non-admins.
 *
 * Selectors for tests:
 *   #team-view, #staff-form, #staff-name, #staff-email, #staff-role, #staff-password,
 *   #staff-create, #staff-error, #staff-list, #staff-count
 *   li.staff-item[data-user-id][data-role][data-disabled="true|false"]
 *     .staff-name, .staff-meta, .role-pill, .state-pill, .staff-error
 *     [data-action=toggle] ("Disable" / "Enable"), [data-action=reset] ("Reset password")
 *     form.staff-reset: input[type=password], [data-action=save-password], [data-action=cancel]
 */

import { checkEmail, checkNewPassword, errorText } from './account.js';
import { h, show, toast } from './ui.js';

const ROLE_TEXT = { supporter: 'Supporter', admin: 'Admin' };
const $ = (selector) => document.querySelector(selector);

export class TeamView {
  /**
   * @param {{request: (path: string, options?: object) => Promise<any>, me: () => object,
   *          onUnauthorized: (error: Error) => void, onSelfReset: () => void, onBack: () => void}} options
   */
  constructor({ request, me, onUnauthorized, onSelfReset, onBack }) {
    this.request = request;
    this.onBack = onBack;
    this.me = me;
    this.onUnauthorized = onUnauthorized;
    this.onSelfReset = onSelfReset;
    this.view = $('#team-view');
    this.staff = [];
    this.resetting = null; // id of the person whose reset form is open
    this.ui = null; // the mounted view's elements
  }

  get visible() {
    return !this.view.hidden;
  }

  /** Show the view (built from #team-template on first use) and load the staff list. */
  async open() {
    if (!this.ui) this._mount();
    show(this.view, true);
    this.ui.name.focus();
    await this.load();
  }

  close() {
    show(this.view, false);
  }

  /** Remove the view and forget everything (sign-out). */
  clear() {
    this.close();
    this.view.replaceChildren();
    this.ui = null;
    this.staff = [];
    this.resetting = null;
  }

  _mount() {
    this.view.replaceChildren($('#team-template').content.cloneNode(true));
    const find = (selector) => this.view.querySelector(selector);
    this.ui = {
      back: find('#team-back'),
      form: find('#staff-form'),
      name: find('#staff-name'),
      email: find('#staff-email'),
      role: find('#staff-role'),
      password: find('#staff-password'),
      create: find('#staff-create'),
      error: find('#staff-error'),
      list: find('#staff-list'),
      count: find('#staff-count'),
      empty: find('#staff-empty'),
    };
    this.ui.form.addEventListener('submit', (event) => this._create(event));
    this.ui.list.addEventListener('click', (event) => this._onClick(event));
    this.ui.list.addEventListener('submit', (event) => this._onResetSubmit(event));
    this.ui.back.addEventListener('click', () => this.onBack());
  }

  async load() {
    try {
      this.staff = await this.request('/api/admin/users');
      if (this.ui) this.render();
    } catch (error) {
      this._failed(error, (text) => toast(text));
    }
  }

  render() {
    const focused = document.activeElement && document.activeElement.closest('[data-user-id]');
    const focus = focused && { id: focused.dataset.userId, action: document.activeElement.dataset.action };
    const sorted = [...this.staff].sort((a, b) => a.display_name.localeCompare(b.display_name));
    this.ui.list.replaceChildren(...sorted.map((person) => this._item(person)));
    this.ui.count.textContent = String(this.staff.length);
    show(this.ui.empty, !this.staff.length);
    if (focus) {
      const item = this.ui.list.querySelector(`[data-user-id="${CSS.escape(focus.id)}"]`);
      const target = item && (item.querySelector(`[data-action="${focus.action}"]`) || item.querySelector('button'));
      if (target) target.focus();
    }
  }

  _item(person) {
    const self = person.id === this.me().id;
    const meta = [person.email, person.username && `@${person.username}`].filter(Boolean).join(' · ');
    const resetting = this.resetting === person.id;
    const inputId = `reset-${person.id}`;
    return h(
      'li',
      {
        class: `staff-item${person.disabled ? ' is-disabled' : ''}`,
        'data-user-id': person.id,
        'data-role': person.role,
        'data-disabled': String(person.disabled),
        'data-testid': 'staff-item',
      },
      h(
        'div',
        { class: 'staff-main' },
        h('span', { class: 'staff-name' }, person.display_name, self ? h('span', { class: 'staff-you' }, ' (you)') : null),
        h('span', { class: 'staff-meta' }, meta),
      ),
      h(
        'div',
        { class: 'staff-pills' },
        h('span', { class: 'role-pill', 'data-role': person.role }, ROLE_TEXT[person.role] || person.role),
        h('span', { class: 'state-pill', 'data-disabled': String(person.disabled) }, person.disabled ? 'Disabled' : 'Active'),
      ),
      h(
        'div',
        { class: 'staff-actions' },
        self
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: `btn btn-small ${person.disabled ? 'btn-secondary' : 'btn-danger'}`,
                'data-action': 'toggle',
                'aria-label': `${person.disabled ? 'Enable' : 'Disable'} ${person.display_name}`,
              },
              person.disabled ? 'Enable' : 'Disable',
            ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small btn-ghost',
            'data-action': 'reset',
            'aria-expanded': String(resetting),
            'aria-label': `Reset the password of ${person.display_name}`,
          },
          'Reset password',
        ),
      ),
      resetting
        ? h(
            'form',
            { class: 'staff-reset', novalidate: true, 'data-testid': 'staff-reset' },
            h('label', { for: inputId }, `New password for ${person.display_name}`),
            h('input', {
              id: inputId,
              type: 'password',
              autocomplete: 'new-password',
              minlength: '8',
              required: true,
              'data-testid': 'staff-new-password',
            }),
            h(
              'div',
              { class: 'staff-reset-actions' },
              h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-action': 'cancel' }, 'Cancel'),
              h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-action': 'save-password' }, 'Set password'),
            ),
          )
        : null,
      h('p', { class: 'staff-error form-error', role: 'alert', hidden: true }),
    );
  }

  _onClick(event) {
    const button = event.target.closest('button[data-action]');
    const item = event.target.closest('[data-user-id]');
    if (!button || !item) return;
    const person = this.staff.find((entry) => entry.id === item.dataset.userId);
    if (!person) return;
    const { action } = button.dataset;
    if (action === 'toggle') this._change(person, { disabled: !person.disabled }, button);
    else if (action === 'reset') this._toggleReset(person.id === this.resetting ? null : person.id);
    else if (action === 'cancel') this._toggleReset(null, person.id);
  }

  _toggleReset(id, returnTo = id) {
    const previous = this.resetting;
    this.resetting = id;
    this.render();
    if (id) this.ui.list.querySelector(`#reset-${CSS.escape(id)}`).focus();
    else {
      const item = this.ui.list.querySelector(`[data-user-id="${CSS.escape(returnTo || previous)}"]`);
      if (item) item.querySelector('[data-action=reset]').focus();
    }
  }

  _onResetSubmit(event) {
    event.preventDefault();
    const item = event.target.closest('[data-user-id]');
    const person = item && this.staff.find((entry) => entry.id === item.dataset.userId);
    if (!person) return;
    const input = item.querySelector('input[type=password]');
    const problem = checkNewPassword(input);
    if (problem) {
      this._itemError(person.id, problem.text);
      input.focus();
      return;
    }
    this._change(person, { password: input.value }, item.querySelector('[data-action=save-password]'));
  }

  /** PATCH one person; on success update the list and say what happened. */
  async _change(person, changes, button) {
    button.disabled = true;
    this._itemError(person.id, '');
    try {
      const changed = await this.request(`/api/admin/users/${person.id}`, { method: 'PATCH', body: changes });
      this.staff = this.staff.map((entry) => (entry.id === changed.id ? changed : entry));
      if ('password' in changes) this.resetting = null;
      this.render();
      toast(describe(changed, changes), 'success');
      if ('password' in changes && changed.id === this.me().id) this.onSelfReset();
    } catch (error) {
      button.disabled = false;
      this._failed(error, (text) => this._itemError(person.id, text));
    }
  }

  async _create(event) {
    event.preventDefault();
    const { ui } = this;
    show(ui.error, false);
    const fail = (text, field) => {
      ui.error.textContent = text;
      show(ui.error, true);
      if (field) field.focus();
    };
    const problem =
      (ui.name.value.trim() ? null : { text: 'Please enter a name.', field: ui.name }) ||
      checkEmail(ui.email) ||
      checkNewPassword(ui.password);
    if (problem) {
      fail(problem.text, problem.field);
      return;
    }
    ui.create.disabled = true;
    try {
      const person = await this.request('/api/admin/users', {
        method: 'POST',
        body: {
          email: ui.email.value.trim(),
          display_name: ui.name.value.trim(),
          role: ui.role.value,
          password: ui.password.value,
        },
      });
      this.staff = [...this.staff.filter((entry) => entry.id !== person.id), person];
      this.render();
      ui.form.reset();
      toast(`${person.display_name} can now log in as ${person.username || person.email}.`, 'success');
      ui.name.focus();
    } catch (error) {
      this._failed(error, (text) => fail(text));
    } finally {
      ui.create.disabled = false;
    }
  }

  _itemError(id, text) {
    const item = this.ui.list.querySelector(`[data-user-id="${CSS.escape(id)}"]`);
    const box = item && item.querySelector('.staff-error');
    if (!box) return;
    box.textContent = text;
    show(box, Boolean(text));
  }

  _failed(error, report) {
    if (error.status === 401) this.onUnauthorized(error);
    else report(errorText(error));
  }
}

function describe(person, changes) {
  if ('password' in changes) return `New password set for ${person.display_name}; their sessions have ended.`;
  return person.disabled
    ? `${person.display_name} is disabled and signed out everywhere.`
    : `${person.display_name} is enabled again.`;
}
