/*
 * Development stand-in for smallcase's web SDK (scdk.js 2.0.0), served by the Gateway emulator.
 * Same public API: `new window.scDK({ gateway, smallcaseAuthToken, config })` (a singleton),
 * `.init({ smallcaseAuthToken })` and `.triggerTransaction({ transactionId })`, whose promise
 * resolves with the flow's result or rejects with an Error whose `message` is the SDK error name
 * and `code` its number. The broker picker runs in a frame on the emulator's origin and reports
 * back with postMessage, as the real SDK's screens do.
 */
(() => {
  const sdkOrigin = new URL(document.currentScript.src).origin;
  const INIT_SDK = { name: 'init_sdk', code: 3004 };
  const INTERNAL_ERROR = { name: 'internal_error', code: 2000 };
  let instance;

  function sdkError({ name, code }) {
    const error = new Error(name);
    error.code = code;
    return error;
  }

  async function call(path, body) {
    let response;
    try {
      response = await fetch(`${sdkOrigin}/__emulator/sdk${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw sdkError(INTERNAL_ERROR);
    }
    if (!response.ok) throw sdkError(INTERNAL_ERROR);
    return response.json();
  }

  function settle(answer) {
    if (answer.status === 'resolved') return answer.result;
    throw sdkError(answer.status === 'rejected' ? answer.error : INTERNAL_ERROR);
  }

  function styled(element, style) {
    Object.assign(element.style, style);
    return element;
  }

  /** Shows the broker picker in a modal frame; resolves with the answer the picker (or Escape) gave. */
  function runPicker(transactionId, pickerPath) {
    const opener = document.activeElement;
    const dialog = styled(document.createElement('dialog'), {
      padding: '0',
      border: '0',
      borderRadius: '12px',
      width: 'min(420px, calc(100vw - 24px))',
      height: 'min(600px, calc(100vh - 24px))',
      boxShadow: '0 12px 40px rgba(0, 0, 0, 0.35)',
      overflow: 'hidden',
    });
    dialog.setAttribute('aria-label', 'smallcase Gateway');
    const frame = styled(document.createElement('iframe'), {
      border: '0',
      width: '100%',
      height: '100%',
      display: 'block',
    });
    const src = new URL(pickerPath, sdkOrigin);
    src.searchParams.set('origin', window.location.origin);
    frame.src = src.href;
    frame.title = 'smallcase: choose your broker';
    dialog.append(frame);
    document.body.append(dialog);

    return new Promise((resolve) => {
      const done = (answer) => {
        window.removeEventListener('message', onMessage);
        dialog.close();
        dialog.remove();
        if (opener instanceof HTMLElement) opener.focus();
        resolve(answer);
      };
      const onMessage = (event) => {
        // Only the frame we opened, on the SDK's origin, about this transaction.
        if (event.origin !== sdkOrigin || event.source !== frame.contentWindow) return;
        const data = event.data;
        if (data?.source !== 'scdk-stand-in' || data.transactionId !== transactionId) return;
        done(data.answer);
      };
      window.addEventListener('message', onMessage);
      dialog.addEventListener('cancel', (event) => {
        event.preventDefault();
        call(`/transactions/${encodeURIComponent(transactionId)}/finish`, { outcome: 'cancel' }).then(
          done,
          () => done({ status: 'rejected', error: { name: 'user_cancelled', code: 1010 } }),
        );
      });
      frame.addEventListener('load', () => frame.focus(), { once: true });
      dialog.showModal();
    });
  }

  class scDK {
    constructor({ gateway, smallcaseAuthToken, config } = {}) {
      // biome-ignore lint/correctness/noConstructorReturn: the real scDK is a singleton (smallcase's JS SDK docs).
      if (instance) return instance;
      this.gateway = gateway;
      this.config = { amo: false, ...config };
      this.session = undefined;
      if (smallcaseAuthToken) this.startSession(smallcaseAuthToken);
      instance = this;
    }

    /** (Re-)initialises the session with a new token; rejects with `invalid_jwt` when the Gateway refuses it. */
    init({ smallcaseAuthToken } = {}) {
      return this.startSession(smallcaseAuthToken).then(() => undefined);
    }

    startSession(token) {
      const session = call('/session', { gateway: this.gateway, smallcaseAuthToken: token }).then(
        (answer) => {
          if (answer.status !== 'ready') settle(answer);
          return token;
        },
      );
      // A failed session surfaces from triggerTransaction; nobody has to await the constructor's.
      session.catch(() => {});
      this.session = session;
      return session;
    }

    async triggerTransaction({ transactionId } = {}) {
      if (!this.session) throw sdkError(INIT_SDK);
      const token = await this.session;
      const path = `/transactions/${encodeURIComponent(String(transactionId))}`;
      const answer = await call(`${path}/start`, { gateway: this.gateway, smallcaseAuthToken: token });
      if (answer.status !== 'interactive') return settle(answer);
      return settle(await runPicker(transactionId, answer.pickerPath));
    }
  }

  window.scDK = scDK;
})();
