// The login frame Omni-Channel shows (the voice package's SoftphoneLogin page): the agent's SIP
// extension and password go to the connector, a page of the same origin, over a
// BroadcastChannel; neither is stored. The connector answers how the sign-in goes.
(function () {
  'use strict';
  var channel = new BroadcastChannel('softphone-connector-login');
  var form = document.getElementById('sign-in');
  var status = document.getElementById('sign-in-status');
  var password = document.getElementById('sip-password');
  channel.onmessage = function (event) {
    var message = event.data || {};
    if (message.type !== 'status') return;
    status.textContent = message.text;
    form.dataset.state = message.state;
    if (message.state === 'failed') password.focus();
  };
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    channel.postMessage({ type: 'sign-in', user: document.getElementById('sip-user').value.trim(), password: password.value });
    password.value = '';
  });
})();
