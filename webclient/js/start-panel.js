/**
 * The start card of the customer page: one of three forms at a time.
 *
 *   guest     #start-form: name + subject -> "Start chat" (a signed-in customer
 *             sees the same form without the name field)
 *   signin    #signin-form: email + password
 *   register  #register-form: name + email + password (>= 8 characters)
 *
 * The panel only collects input: onStart({name, subject}) starts a chat, and
 * onAuth(auth, how) receives the {user, token, xmpp} of a successful sign-in
 * ("signin") or registration ("register").
 */

import { bindForm, checkEmail, checkNewPassword, register, signIn } from './account.js';
import { show } from './ui.js';

const TITLES = {
  guest: 'How can we help?',
  signin: 'Sign in',
  register: 'Create an account',
};

const LEADS = {
  guest: 'Chat with our support team about your leased bike, your contract or an insurance case.',
  signedIn: 'Tell us what it is about and a supporter will be with you shortly.',
  signin: 'Welcome back. Sign in to chat with the account you registered.',
  register: 'With an account you can sign in again and continue your chats.',
};

const $ = (selector) => document.querySelector(selector);

export class StartPanel {
  constructor({ onStart, onAuth, onMode }) {
    this.onStart = onStart;
    this.onAuth = onAuth;
    this.onMode = onMode || (() => {});
    this.mode = 'guest';
    this.signedIn = false;
    this.ui = {
      view: $('#start-view'),
      title: $('#start-title'),
      lead: $('#start-lead'),
      notice: $('#start-notice'),
      startForm: $('#start-form'),
      nameField: $('#name-field'),
      name: $('#name'),
      subject: $('#subject'),
      start: $('#start'),
      startError: $('#start-error'),
      accountLinks: $('#account-links'),
      signinForm: $('#signin-form'),
      signinEmail: $('#signin-email'),
      signinPassword: $('#signin-password'),
      registerForm: $('#register-form'),
      registerName: $('#register-name'),
      registerEmail: $('#register-email'),
      registerPassword: $('#register-password'),
    };
    this._bind();
  }

  /** Show the card in `mode`, with an optional notice and prefilled fields. */
  show({ mode = 'guest', notice = '', name = '', subject = '', email = '' } = {}) {
    const { ui } = this;
    show(ui.view, true);
    ui.notice.textContent = notice;
    show(ui.notice, Boolean(notice));
    if (name && !ui.name.value) ui.name.value = name;
    if (subject && !ui.subject.value) ui.subject.value = subject;
    if (email) ui.signinEmail.value = email;
    this.setMode(mode);
  }

  hide() {
    show(this.ui.view, false);
  }

  /** Signed in (a registered customer): the start form needs no name. */
  setSignedIn(signedIn) {
    this.signedIn = signedIn;
    show(this.ui.nameField, !signedIn);
    show(this.ui.accountLinks, !signedIn);
  }

  setMode(mode) {
    const { ui } = this;
    this.mode = mode;
    ui.title.textContent = TITLES[mode];
    ui.lead.textContent = mode === 'guest' && this.signedIn ? LEADS.signedIn : LEADS[mode];
    show(ui.startForm, mode === 'guest');
    show(ui.signinForm, mode === 'signin');
    show(ui.registerForm, mode === 'register');
    for (const form of [this.startForm, this.signinForm, this.registerForm]) form.clear();
    show(ui.startError, false);
    const field = this.firstField();
    if (field) field.focus();
    this.onMode(mode, field);
  }

  /** The input a keyboard user most likely wants next (the skip link's target). */
  firstField() {
    const { ui } = this;
    if (this.mode === 'signin') return ui.signinEmail.value ? ui.signinPassword : ui.signinEmail;
    if (this.mode === 'register') return ui.registerName;
    return this.signedIn || ui.name.value ? ui.subject : ui.name;
  }

  /** Forget what was typed into the account forms (after a sign-in or sign-out). */
  resetAccountForms() {
    const { ui } = this;
    ui.signinPassword.value = '';
    ui.registerPassword.value = '';
    ui.registerName.value = '';
    ui.registerEmail.value = '';
  }

  clearSubject() {
    this.ui.subject.value = '';
  }

  _bind() {
    const { ui } = this;
    this.startForm = bindForm({
      form: ui.startForm,
      button: ui.start,
      error: ui.startError,
      busyLabel: 'Starting…',
      validate: () =>
        !this.signedIn && !ui.name.value.trim() ? { text: 'Please enter your name.', field: ui.name } : null,
      submit: () => this.onStart({ name: ui.name.value.trim(), subject: ui.subject.value.trim() }),
      done: () => {},
    });
    this.signinForm = bindForm({
      form: ui.signinForm,
      button: $('#signin'),
      error: $('#signin-error'),
      busyLabel: 'Signing in…',
      validate: () =>
        checkEmail(ui.signinEmail) ||
        (ui.signinPassword.value ? null : { text: 'Please enter your password.', field: ui.signinPassword }),
      submit: () => signIn(ui.signinEmail.value.trim(), ui.signinPassword.value),
      done: (auth) => this.onAuth(auth, 'signin'),
    });
    this.registerForm = bindForm({
      form: ui.registerForm,
      button: $('#register'),
      error: $('#register-error'),
      busyLabel: 'Creating account…',
      validate: () =>
        (ui.registerName.value.trim() ? null : { text: 'Please enter your name.', field: ui.registerName }) ||
        checkEmail(ui.registerEmail) ||
        checkNewPassword(ui.registerPassword),
      submit: () =>
        register({
          name: ui.registerName.value.trim(),
          email: ui.registerEmail.value.trim(),
          password: ui.registerPassword.value,
        }),
      done: (auth) => this.onAuth(auth, 'register'),
    });
    $('#show-signin').addEventListener('click', () => this.setMode('signin'));
    $('#show-register').addEventListener('click', () => this.setMode('register'));
    ui.view.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-mode]');
      if (button) this.setMode(button.dataset.mode);
    });
  }
}
