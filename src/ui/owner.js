// One phone per browser: the tab holding the Web Lock owns the line (registration and media);
// the others queue on the lock and talk to the owner over a BroadcastChannel.

// Queues on the lock for as long as the page lives; `onGranted` runs once this tab owns the line.
// Returns false when the browser has no Web Locks (then every tab keeps its own phone).
// `onWaiting` runs when another tab holds the line already.
export function claimLine(name, onGranted, onWaiting) {
  if (!navigator.locks || typeof navigator.locks.request !== 'function') return false;
  let granted = false;
  navigator.locks.request(name, () => {
    granted = true;
    // For the tests' takeover figure: when this tab got the line (wall clock, comparable across tabs).
    window.softphoneLineGrantedAt = Date.now();
    onGranted();
    // Never settles: the lock is released only when the page goes away.
    return new Promise(() => {});
  }).catch(() => {});
  navigator.locks.query().then((state) => {
    if (!granted && state.held.some((lock) => lock.name === name)) onWaiting();
  }).catch(() => {});
  return true;
}

export function openChannel(name, onMessage) {
  if (typeof BroadcastChannel !== 'function') return undefined;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (e) => onMessage(e.data);
  return channel;
}

export function post(channel, message) {
  if (channel) channel.postMessage(message);
}
