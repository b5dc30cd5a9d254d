// Draws the Lightning stand-in page from core.js's state: records with click-to-dial phone
// numbers, the Tasks the softphone logged, and the utility bar whose panel frames the softphone.
(async function () {
  'use strict';
  const config = await (await fetch('/__standin/config.json')).json();
  const adapter = new URL(config.adapterUrl);
  const $ = (id) => document.getElementById(id);
  let iframe = null;
  let tasks = [];

  const standin = window.lightningStandinCore.create({
    server: location.origin,
    adapterOrigin: adapter.origin,
    frame: () => (iframe ? iframe.contentWindow : null),
    // ?app=standard plays a standard Lightning app; the default is a console app.
    appMode: new URLSearchParams(location.search).get('app') || 'console',
    // ?user=agent1002 signs this page in to the org as another user (default agent1001).
    user: new URLSearchParams(location.search).get('user') || undefined,
    // Only a saved Task needs the Task list again; everything else only redraws.
    onChange: (_state, what) => { if (what === 'tasks') refreshTasks(); else draw(); },
  });
  // Tests and people drive the page through this object (see dev/console/README.md).
  window.lightningStandin = Object.assign(standin, {
    openUtility() { standin.state.panelVisible = true; draw(); },
    closeUtility() { standin.state.panelVisible = false; draw(); },
  });

  // Lightning frames the adapter URL with its own origin and mode appended.
  const src = new URL(config.adapterUrl);
  src.searchParams.set('sfdcIFrameOrigin', location.origin);
  src.searchParams.set('mode', 'Lightning');
  iframe = document.createElement('iframe');
  iframe.src = src.toString();
  iframe.title = config.displayName || 'Phone';
  iframe.allow = 'microphone; autoplay';
  $('softphone-slot').appendChild(iframe);

  $('utility-item').addEventListener('click', () => { standin.state.panelVisible = !standin.state.panelVisible; draw(); });
  $('panel-minimize').addEventListener('click', () => { standin.state.panelVisible = false; draw(); });
  window.addEventListener('hashchange', route);
  // Coming back to this browser tab or window: Lightning reports the current view again.
  window.addEventListener('focus', () => standin.focused());

  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  function phone(r, field) {
    const n = r[field];
    if (!n) return '';
    return standin.state.clickToDialEnabled
      ? `<a href="#" class="click-to-dial" data-record="${esc(r.Id)}" data-field="${field}" title="Call with the softphone">${esc(n)}</a>`
      : esc(n);
  }

  function route() {
    const h = location.hash.replace(/^#/, '') || '/home';
    const parts = h.split('/').filter(Boolean);
    if (parts[0] === 'r' && parts[1]) standin.openRecord(parts[1]);
    else if (parts[0] === 'o' && parts[1]) standin.navigate({ url: `/lightning/o/${parts[1]}/home` });
    else standin.navigate({ url: '/lightning/page/home' });
  }

  async function refreshTasks() {
    try { tasks = await standin.tasks(); } catch (e) { tasks = []; }
    draw();
  }

  function recordTable(rows) {
    return `<table><thead><tr><th>Name</th><th>Type</th><th>Phone</th><th>Mobile</th></tr></thead><tbody>${rows.map((r) => `
      <tr><td><a href="#/r/${esc(r.Id)}">${esc(r.Name)}</a></td><td>${esc(r.RecordType)}</td><td>${phone(r, 'Phone')}</td><td>${phone(r, 'MobilePhone')}</td></tr>`).join('')}</tbody></table>`;
  }
  // Related lists show the most recent few, as Lightning's do ("View All" is the Tasks tab), so
  // a day of hundreds of calls does not make every redraw slower.
  const RECENT = 10;
  function recentTaskTable(rows) {
    if (rows.length <= RECENT) return taskTable(rows);
    return `${taskTable(rows.slice(-RECENT))}<p class="muted">The ${RECENT} most recent of ${rows.length}; all are on the <a href="#/o/Task">Tasks</a> tab.</p>`;
  }
  function taskTable(rows) {
    if (!rows.length) return '<p class="muted">No call logged yet.</p>';
    return `<table id="task-table"><thead><tr><th>Subject</th><th>Call type</th><th>Duration (s)</th><th>Who</th><th>What</th><th>Disposition</th><th>Call-ID</th></tr></thead><tbody>${rows.map((t) => `
      <tr data-task="${esc(t.Id)}"><td>${esc(t.Subject)}</td><td>${esc(t.CallType)}</td><td>${esc(t.CallDurationInSeconds)}</td><td>${esc(nameOf(t.WhoId))}</td><td>${esc(nameOf(t.WhatId))}</td><td>${esc(t.CallDisposition)}</td><td>${esc(t.CallObject)}</td></tr>`).join('')}</tbody></table>`;
  }
  function nameOf(id) {
    const r = standin.records.find((x) => x.Id === id || (x.PersonContactId && x.PersonContactId === id));
    return r ? r.Name : (id || '');
  }

  function draw() {
    const s = standin.state;
    const v = s.view;
    let html;
    const m = /^\/lightning\/o\/(\w+)\//.exec(v.url || '');
    const q = /^\/lightning\/search\?q=(.*)$/.exec(v.url || '');
    if (v.recordId) {
      const r = standin.records.find((x) => x.Id === v.recordId);
      // A person account's activities are its person contact's.
      const related = tasks.filter((t) => t.WhoId === r.Id || t.WhatId === r.Id || (r.PersonContactId && t.WhoId === r.PersonContactId));
      // A case shows its contact's phone, as Lightning's related-record card does: a click there
      // dials the contact while the case stays the page the agent works on.
      const contact = r.ContactId && standin.records.find((x) => x.Id === r.ContactId);
      const fields = contact
        ? `<dt>Subject</dt><dd>${esc(r.Subject)}</dd><dt>Contact</dt><dd>${esc(contact.Name)}</dd><dt>Contact Phone</dt><dd>${phone(contact, 'Phone')}</dd>`
        : `<dt>Phone</dt><dd>${phone(r, 'Phone')}</dd><dt>Mobile</dt><dd>${phone(r, 'MobilePhone')}</dd>
        <dt>Title</dt><dd>${esc(r.Title || '')}</dd><dt>Company</dt><dd>${esc(r.Company || r.Industry || nameOf(r.AccountId))}</dd>`;
      html = `<div class="card"><div class="object-label">${esc(r.RecordType)}</div><h1 id="record-name">${esc(r.Name)}</h1>
        <dl>${fields}</dl></div>
        <div class="card"><h2>Activity</h2>${recentTaskTable(related)}</div>`;
    } else if (q) {
      const text = decodeURIComponent(q[1]);
      html = `<div class="card"><h1>Search results for “${esc(text)}”</h1>${recordTable(standin.search(text))}</div>`;
    } else if (m && m[1] === 'Task') {
      html = `<div class="card"><h1>Tasks</h1>${taskTable(tasks)}</div>`;
    } else if (m) {
      html = `<div class="card"><h1>${esc(m[1])}s</h1>${recordTable(standin.records.filter((r) => r.RecordType === m[1]))}</div>`;
    } else {
      html = `<div class="card"><h1>Home</h1>${recordTable(standin.records)}</div><div class="card"><h2>Calls logged</h2>${recentTaskTable(tasks)}</div>`;
    }
    html += `<p class="muted" id="current-url">${esc(v.url)}</p>`;
    $('main').innerHTML = html;
    for (const a of document.querySelectorAll('a.click-to-dial')) {
      a.addEventListener('click', (e) => { e.preventDefault(); standin.clickToDial(a.dataset.record, a.dataset.field); });
    }
    for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', location.hash === a.getAttribute('href'));
    $('modal-root').innerHTML = s.modal ? `<div class="modal-backdrop"><div class="modal" role="dialog" aria-label="New ${esc(s.modal.entityName)}">
      <h2>New ${esc(s.modal.entityName)}</h2>${Object.entries(s.modal.defaultFieldValues).map(([k, val]) => `<label>${esc(k)}</label><input name="${esc(k)}" value="${esc(val)}">`).join('')}
      <p><button type="button" id="modal-cancel">Cancel</button></p></div></div>` : '';
    if (s.modal) $('modal-cancel').addEventListener('click', () => { s.modal = null; draw(); });
    const panel = $('utility-panel');
    panel.hidden = !s.panelVisible;
    panel.style.height = `${s.panel.height}px`;
    panel.style.width = `${s.panel.width}px`;
    $('utility-item').setAttribute('aria-expanded', String(s.panelVisible));
    $('item-label').textContent = s.item.label;
    $('item-icon').textContent = `[${s.item.icon}]`;
    $('panel-label').textContent = s.panel.label;
    $('panel-icon').textContent = `[${s.panel.icon}]`;
    $('app-name').textContent = s.appMode === 'console' ? 'Service Console' : 'Sales';
    $('init-state').textContent = s.initialized ? 'Phone ready' : 'Phone loading…';
  }

  route();
  refreshTasks();
})();
