// The few lines of JavaScript the Open CTI shim needs. Kept here, in one small module, so the
// Rust side never creates a closure per call: each call's callback is the promise's own resolve.

// Loads a script into `win`'s page (a window of this origin: the app's, or a test's frame).
export function loadScript(win, url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const script = win.document.createElement('script');
    const timer = setTimeout(() => { script.remove(); reject(new Error('timed out')); }, timeoutMs);
    script.src = url;
    script.onload = () => { clearTimeout(timer); resolve(); };
    script.onerror = () => { clearTimeout(timer); script.remove(); reject(new Error('not found or blocked')); };
    win.document.head.appendChild(script);
  });
}

export function openCtiApi(win) {
  const sforce = win.sforce;
  return sforce && typeof sforce === 'object' ? sforce.opencti : undefined;
}

// Calls api[method](args) with a callback; resolves with the response, rejects on a throw or
// with { softphoneTimeout: true, late } when no callback comes in time, where `late` is a promise
// of the callback's response should it come after all (a slow save that still landed).
export function invoke(api, method, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    let answerLate;
    let timedOut = false;
    const late = new Promise((r) => { answerLate = r; });
    const timer = setTimeout(() => { timedOut = true; reject({ softphoneTimeout: true, late }); }, timeoutMs);
    args.callback = (response) => {
      if (timedOut) { answerLate(response); return; }
      clearTimeout(timer);
      resolve(response);
    };
    try {
      api[method](args);
    } catch (e) {
      clearTimeout(timer);
      reject(e);
    }
  });
}

// Open CTI has no way to remove a listener: register this forwarder, and empty the slot to stop.
export function trampoline(slot) {
  return (payload) => { const f = slot.f; if (f) f(payload); };
}

export function text(value) {
  return String(value);
}
