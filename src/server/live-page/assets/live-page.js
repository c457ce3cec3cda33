// The live page's script: draws /live/snapshot.json and every update the
// control plane pushes on /live/events (server-sent events). Plain browser
// JavaScript, no framework and no build step. With thousands of backends it
// draws at most PAGE rows per service and SERVICE_PAGE services (each with a
// "show more") and CLIENT_PAGE clients, and the filter box narrows them.
/* global document, EventSource, fetch, window */
'use strict';

const PAGE = 50;
const SERVICE_PAGE = 20;
const CLIENT_PAGE = 200;
const state = { view: undefined, filter: '', rows: new Map(), services: SERVICE_PAGE };

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value);
  }
  for (const child of children ?? []) if (child !== undefined) node.append(child);
  return node;
}

function percent(value) {
  return value === undefined ? '—' : `${value.toFixed(1)} %`;
}

function count(value) {
  return Math.round(value).toLocaleString('en');
}

/** Measured minus intended, in percentage points. */
function deviation(points) {
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} points from intended`;
}

function bar(kind, value) {
  const fill = el('span');
  fill.style.width = `${Math.max(0, Math.min(100, value ?? 0))}%`;
  return el('div', { class: `bar ${kind}`, title: `${kind} ${percent(value)}` }, [fill]);
}

function shares(backend) {
  return el('td', { class: 'bars' }, [
    bar('intended', backend.intendedShare),
    bar('measured', backend.measuredShare),
    el('div', { class: 'share-label' }, [
      el('span', { class: 'intended-share', text: `intended ${percent(backend.intendedShare)}` }),
      el('span', { class: 'measured-share', text: `measured ${percent(backend.measuredShare)}` }),
    ]),
    backend.measuredShare === undefined ? undefined : el('div', { class: `deviation${Math.abs(backend.measuredShare - backend.intendedShare) >= 5 ? ' high-errors' : ''}`, text: deviation(backend.measuredShare - backend.intendedShare) }),
  ]);
}

function matches(text) {
  return state.filter === '' || text.toLowerCase().includes(state.filter);
}

function backendRow(backend) {
  const errors = backend.errorRate;
  return el('tr', { 'data-backend': backend.address }, [
    el('td', { class: 'address', text: backend.address + (backend.weight === undefined ? ' (removed)' : '') }),
    el('td', { class: 'zone', text: backend.zone || '—' }),
    el('td', { class: 'num weight', text: backend.weight === undefined ? '—' : String(backend.weight) }),
    el('td', { class: 'num rank', text: backend.rank || '—' }),
    shares(backend),
    el('td', { class: 'num calls', text: count(backend.succeeded + backend.failed), title: backend.estimatedFrom && `split evenly from ${backend.estimatedFrom}` }),
    el('td', { class: `num errors${errors >= 5 ? ' high-errors' : ''}`, text: percent(errors) }),
  ]);
}

function serviceSection(service) {
  const serviceMatches = matches(`${service.cluster} ${service.portName}`);
  const backends = serviceMatches ? service.backends : service.backends.filter((b) => matches(`${b.address} ${b.zone}`));
  if (!serviceMatches && backends.length === 0) return undefined;
  const limit = state.rows.get(service.cluster) ?? PAGE;
  const body = el('tbody', {}, backends.slice(0, limit).map(backendRow));
  const rest = backends.length - limit;
  const more =
    rest > 0
      ? el('button', {
          class: 'more',
          text: `show ${Math.min(rest, PAGE)} more of ${rest}`,
          onclick: () => {
            state.rows.set(service.cluster, limit + PAGE);
            render();
          },
        })
      : undefined;
  const calls = service.succeeded + service.failed;
  return el('div', { class: 'service', 'data-cluster': service.cluster }, [
    el('h3', {}, [
      el('span', { class: 'name', text: service.cluster }),
      el('span', { class: 'subtle', text: `port ${service.portName || service.port} · ${service.backends.length} backends · ${count(calls)} calls · errors ${percent(service.errorRate)}${service.trafficDistribution ? ` · ${service.trafficDistribution}` : ''}` }),
    ]),
    el('table', {}, [
      el('thead', {}, [
        el('tr', {}, ['backend', 'zone', 'weight', 'rank', 'share', 'calls', 'errors'].map((title) => el('th', { class: ['weight', 'rank', 'calls', 'errors'].includes(title) ? 'num' : undefined, text: title }))),
      ]),
      body,
    ]),
    more,
  ]);
}

function syncCell(client) {
  if (client.inSync === true) return el('td', { class: 'in-sync sync-yes', text: 'in sync' });
  if (client.inSync === false) return el('td', { class: 'in-sync sync-no', text: 'out of sync' });
  return el('td', { class: 'in-sync sync-unknown', text: 'not reported', title: 'the client does not acknowledge versions' });
}

function clientRow(client) {
  // Versions are long hashes: eight characters tell them apart on a screen; the title holds them whole.
  const short = (version) => (version ? version.slice(0, 8) : '—');
  const acked = (v) => (client.inSync === undefined ? '' : v.acked === v.sent ? ' ✓' : ` (acked ${short(v.acked)})`);
  const versions = client.versions.map((v) => `${v.type} ${short(v.sent)}${acked(v)}`).join(', ');
  const fullVersions = client.versions.map((v) => `${v.type}: sent ${v.sent || '—'}, acked ${v.acked || '—'}`).join('\n');
  const nack = client.lastNack ? `${client.lastNack.type} ${client.lastNack.version}: ${client.lastNack.error}` : '';
  return el('tr', { 'data-client': client.clientId || String(client.stream), class: client.connected ? undefined : 'disconnected' }, [
    el('td', { class: 'client-id', text: client.clientId || '(unnamed)' }),
    el('td', { text: client.protocol }),
    el('td', { text: client.zone || '—' }),
    el('td', { class: 'targets', text: client.targets.join(', ') || '—' }),
    el('td', { class: 'versions', text: versions || '—', title: fullVersions || undefined }),
    syncCell(client),
    el('td', { class: 'error', text: nack }),
    el('td', { text: client.lastReport ? new Date(client.lastReport).toLocaleTimeString() : '—' }),
    el('td', { text: client.connected ? `since ${new Date(client.connectedSince).toLocaleTimeString()}` : `left ${new Date(client.disconnectedAt).toLocaleTimeString()}` }),
  ]);
}

function render() {
  const view = state.view;
  if (!view) return;
  document.getElementById('updated').textContent = `updated ${new Date(view.at).toLocaleTimeString()} · window ${Math.round(view.windowMs / 1000)} s`;

  const clients = view.clients.filter((c) => matches(`${c.clientId} ${c.zone} ${c.node} ${c.peer} ${c.targets.join(' ')} ${c.protocol}`));
  const outOfSync = view.clients.filter((c) => c.connected && c.inSync === false).length;
  document.getElementById('clients-summary').textContent = `${view.clients.filter((c) => c.connected).length} connected · ${outOfSync} out of sync${view.dropped.clients ? ` · ${view.dropped.clients} not tracked` : ''}`;
  const clientTable = clients.length
    ? el('table', {}, [
        el('thead', {}, [el('tr', {}, ['client', 'protocol', 'zone', 'targets', 'version sent (acked)', 'sync', 'last NACK', 'last report', 'connected'].map((t) => el('th', { text: t })))]),
        el('tbody', {}, clients.slice(0, CLIENT_PAGE).map(clientRow)),
      ])
    : el('p', { class: 'empty', text: 'no clients' });
  const hidden = clients.length - CLIENT_PAGE;
  document.getElementById('clients').replaceChildren(clientTable, ...(hidden > 0 ? [el('p', { class: 'empty', text: `${hidden} more clients not drawn: narrow them with the filter` })] : []));

  const sections = [];
  let matching = 0;
  for (const service of view.services) {
    const section = serviceSection(service);
    if (!section) continue;
    matching++;
    if (sections.length < state.services) sections.push(section);
  }
  if (matching > sections.length) {
    sections.push(
      el('button', {
        class: 'more',
        text: `show ${Math.min(matching - sections.length, SERVICE_PAGE)} more services of ${matching - sections.length}`,
        onclick: () => {
          state.services += SERVICE_PAGE;
          render();
        },
      }),
    );
  }
  document.getElementById('services-summary').textContent = `${view.services.length} service ports${view.dropped.backends ? ` · ${view.dropped.backends} backend reports not kept` : ''}`;
  document.getElementById('services').replaceChildren(...(sections.length ? sections : [el('p', { class: 'empty', text: 'no services' })]));
}

function setConnection(stateName, text) {
  const node = document.getElementById('connection');
  node.dataset.state = stateName;
  node.textContent = text;
}

function connect() {
  const events = new EventSource('/live/events');
  events.addEventListener('snapshot', (event) => {
    state.view = JSON.parse(event.data);
    setConnection('live', 'live');
    render();
  });
  events.addEventListener('error', () => setConnection('reconnecting', 'reconnecting…'));
}

window.addEventListener('DOMContentLoaded', () => {
  const filter = document.getElementById('filter');
  filter.addEventListener('input', () => {
    state.filter = filter.value.trim().toLowerCase();
    render();
  });
  if (typeof EventSource === 'function') connect();
  else
    fetch('/live/snapshot.json')
      .then((response) => response.json())
      .then((view) => {
        state.view = view;
        setConnection('live', 'snapshot (no live updates in this browser)');
        render();
      });
});
