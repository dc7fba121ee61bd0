// Suanli dashboard: one page, client-side views (#/map, #/tasks/t7, …), drawn from the
// platform's own API. Hand-written, no framework, no other origin: it works offline.
// Data is always inserted as text (textContent / attributes), never as HTML.
'use strict';

const CLASSES = ['general', 'intelligent', 'supercomputing', 'edge'];
const KINDS = ['cpu', 'gpu', 'npu', 'fpga', 'asic'];
const STATES = ['queued', 'scheduled', 'starting', 'running', 'succeeded', 'failed', 'cancelled', 'lost', 'expired'];
const STATE_COLOURS = {
  queued: '#d97706', scheduled: '#60a5fa', starting: '#3b82f6', running: '#1e40af', succeeded: '#15803d',
  failed: '#b91c1c', cancelled: '#94a3b8', lost: '#f97316', expired: '#7c2d12',
};
const KIND_COLOURS = { cpu: '#64748b', gpu: '#1f5fbf', npu: '#7c3aed', fpga: '#0f766e', asic: '#c2410c' };
const REFRESH_MS = 10000;
const RESOURCE_PAGES = 20; // at most 20 pages of 1,000 resources for the provider views

// ---------------------------------------------------------------- elements

/** Builds an HTML element: h('td', {class: 'num'}, 'text', child…). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Builds an SVG element. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'style') el.style.cssText = value; // CSSOM: allowed by the page's CSP, unlike a style attribute
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const view = () => document.getElementById('view');

// ---------------------------------------------------------------- formatting

function fixed(value, digits) {
  return Number(value).toFixed(digits);
}

/** Thousands separators, no decimals. */
function count(value) {
  if (value === undefined || value === null) return '—';
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function percent(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  return `${fixed(value * 100, digits)} %`;
}

/** A compute figure given in PFLOPS, in PFLOPS or EFLOPS: [number text, unit]. */
function compute(pflops) {
  if (pflops === undefined || pflops === null) return ['—', ''];
  if (pflops >= 1000) return [fixed(pflops / 1000, 2), 'EFLOPS'];
  const digits = pflops >= 100 ? 0 : pflops >= 10 ? 1 : pflops >= 1 ? 2 : 3;
  return [fixed(pflops, digits), 'PFLOPS'];
}

function basisName(basis) {
  if (!basis) return 'basis not stated';
  if (basis === 'mixed') return "each class at its own basis";
  return basis.toUpperCase();
}

const FIGURE_BASIS = {
  class_basis_pflops: 'weighted by peak compute, each class at its basis',
  available_units: 'units of available resources',
  demand_cities: 'share of demand cities',
  fp32: 'FP32', fp16: 'FP16', fp64: 'FP64',
};
function figureBasis(code) {
  return FIGURE_BASIS[code] || (code ? code.replace(/_/g, ' ') : 'basis not stated');
}

function money(fen) {
  if (fen === undefined || fen === null) return '—';
  return `¥${fixed(fen / 100, 2)}`;
}

function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { hour12: false, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function clock(iso, seconds) {
  const d = new Date(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined });
}

function pill(state) {
  return h('span', { class: `pill state-${state}` }, state);
}

/** A figure whose shown text and raw value the browser tests compare with /v1/stats. */
function figure(stat, raw, text, unit) {
  return h('div', { class: 'figure', 'data-stat': stat, 'data-value': raw === undefined || raw === null ? '' : JSON.stringify(raw) },
    text, unit ? h('span', { class: 'unit' }, unit) : null);
}

// ---------------------------------------------------------------- token

const TOKEN_KEY = 'suanli.token';
const Token = {
  get() { return sessionStorage.getItem(TOKEN_KEY) || ''; },
  set(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
    identity = null;
    showTokenState();
  },
};
let identity = null; // {kind, id} of the token in use, once asked

/** Takes `#token=…` (alone or after a route: `#/tasks&token=…`) out of the address. */
function takeTokenFromAddress() {
  const match = location.hash.match(/(^#|[&?])token=([^&]*)/);
  if (!match) return;
  Token.set(decodeURIComponent(match[2]));
  let rest = location.hash.replace(/[&?]?token=[^&]*/, '').replace(/^#&/, '#');
  if (rest === '#' || rest === '') rest = '#/';
  history.replaceState(null, '', location.pathname + location.search + rest);
}

async function whoami() {
  if (!Token.get()) return null;
  if (!identity) identity = await api('/v1/whoami');
  return identity;
}

function showTokenState() {
  const state = document.getElementById('token-state');
  const clear = document.getElementById('token-clear');
  if (!Token.get()) { state.textContent = 'no token'; clear.hidden = true; return; }
  clear.hidden = false;
  state.textContent = identity ? `${identity.kind}${identity.id ? ' ' + identity.id : ''}` : 'token set';
}

// ---------------------------------------------------------------- API

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/** GET a JSON (or text) document of the API, with the token when there is one. */
async function api(path, { text = false, signal } = {}) {
  const headers = { Accept: text ? 'text/plain' : 'application/json' };
  const token = Token.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, signal, cache: 'no-store' });
  if (!response.ok) {
    let code = 'http', message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && body.error) { code = body.error.code; message = body.error.message; }
    } catch (_) { /* not JSON */ }
    throw new APIError(response.status, code, message);
  }
  return text ? response.text() : response.json();
}

function showError(error) {
  const alert = document.getElementById('alert');
  if (!error) { alert.hidden = true; alert.textContent = ''; return; }
  let message = error.message || String(error);
  if (error.status === 401) message += ' — enter a token above (or open /#token=TOKEN).';
  alert.textContent = message;
  alert.hidden = false;
  if (error.status === 401) document.getElementById('token-input').focus();
}

// Topology changes only by operator measurements: loaded once per page load, refreshed on the map.
let topologyCache = null;
async function topology(refresh = false) {
  if (!topologyCache || refresh) topologyCache = await api('/v1/topology');
  return topologyCache;
}

function locationIndex(topo) {
  const byCode = new Map(topo.locations.map(l => [l.code, l]));
  const row = new Map(topo.codes.map((c, i) => [c, i]));
  return { byCode, rtt: (a, b) => (row.has(a) && row.has(b) ? topo.rtt_ms[row.get(a)][row.get(b)] : undefined) };
}

function placeName(topo, code) {
  const l = topo && topo.locations.find(x => x.code === code);
  return l ? l.name : code;
}

let resourcesCache = { at: 0, value: null };
/** Every resource (available or not), up to RESOURCE_PAGES pages; cached for the refresh interval. */
async function allResources() {
  if (resourcesCache.value && Date.now() - resourcesCache.at < REFRESH_MS) return resourcesCache.value;
  const items = [];
  let cursor = null, pages = 0, complete = true;
  do {
    const page = await api(`/v1/resources?include_unavailable=true&limit=1000${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
    pages += 1;
    if (cursor && pages >= RESOURCE_PAGES) { complete = false; break; }
  } while (cursor);
  resourcesCache = { at: Date.now(), value: { items, complete } };
  return resourcesCache.value;
}

/** Peak PFLOPS of a resource at its class's statistical basis. */
function resourcePflops(resource, basis) {
  const precision = (basis && basis[resource.class]) || 'fp32';
  const perUnit = resource.tflops ? resource.tflops[precision] : undefined;
  return perUnit ? (perUnit * resource.units) / 1000 : 0;
}

// ---------------------------------------------------------------- routing

const routes = [
  [/^#?\/?$/, 'overview', renderOverview],
  [/^#\/map$/, 'map', renderMap],
  [/^#\/plots$/, 'plots', renderPlots],
  [/^#\/providers$/, 'providers', renderProviders],
  [/^#\/providers\/(.+)$/, 'providers', renderProvider],
  [/^#\/tasks$/, 'tasks', renderTasks],
  [/^#\/tasks\/([A-Za-z0-9_.-]+)$/, 'tasks', renderTask],
  [/^#\/discovery$/, 'discovery', renderDiscovery],
  [/^#\/federation$/, 'federation', renderFederation],
];

let current = null; // {controller: AbortController, timers: []} of the view shown

function leaveView() {
  if (!current) return;
  current.controller.abort();
  for (const t of current.timers) clearInterval(t);
  current = null;
}

async function route() {
  leaveView();
  showError(null);
  const hash = location.hash || '#/';
  let match = null, name = 'overview', render = renderNotFound;
  for (const [pattern, routeName, fn] of routes) {
    match = hash.match(pattern);
    if (match) { name = routeName; render = fn; break; }
  }
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const here = { controller: new AbortController(), timers: [] };
  current = here;
  const root = view();
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  root.setAttribute('aria-busy', 'true');
  try {
    await render(root, here, ...(match ? match.slice(1).map(decodeURIComponent) : []));
  } catch (error) {
    if (error.name !== 'AbortError' && current === here) {
      root.replaceChildren(h('p', { class: 'muted' }, 'This view could not be loaded.'));
      showError(error);
    }
  } finally {
    root.removeAttribute('aria-busy');
  }
}

/** Re-runs `draw` every REFRESH_MS while the view is shown. */
function every(here, draw) {
  here.timers.push(setInterval(() => {
    if (current !== here) return;
    draw().catch(error => { if (current === here && error.name !== 'AbortError') showError(error); });
  }, REFRESH_MS));
}

function stamp(iso) {
  document.getElementById('updated').textContent = iso ? `figures generated ${time(iso)}` : '';
}

function renderNotFound(root) {
  root.replaceChildren(h('h1', null, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/' }, 'Back to the overview.')));
}

// ---------------------------------------------------------------- overview

async function renderOverview(root, here) {
  const topo = await topology();
  const draw = async () => {
    const stats = await api('/v1/stats', { signal: here.controller.signal });
    if (current !== here) return;
    root.replaceChildren(...overview(stats, topo));
    stamp(stats.generated_at);
  };
  await draw();
  every(here, draw);
}

function overview(stats, topo) {
  const hubs = topo.locations.filter(l => l.kind === 'hub');
  const capacity = stats.capacity || {};
  const byClass = capacity.by_class || {};
  const fb = stats.figure_basis || {};
  const out = [];
  out.push(h('h1', null, 'National computing overview'));
  out.push(h('p', { class: 'lede', id: 'hub-names' },
    `Live figures from this platform's registry: ${count(stats.providers)} providers and ${count(stats.resources)} resources across the `,
    `${hubs.length} national computing hubs — `, hubs.map(hub => hub.name).join(', '), '.'));

  out.push(h('h2', null, 'Peak compute by class'));
  out.push(h('p', { class: 'muted small' }, 'Σ units × peak TFLOPS per unit, each class at the precision national statistics use for it; the basis is printed on every figure.'));
  out.push(h('div', { class: 'grid' }, CLASSES.map(cls => {
    const entry = byClass[cls] || {};
    const pflops = entry.pflops !== undefined ? entry.pflops : (stats.pflops_by_class || {})[cls];
    const basis = entry.basis || (stats.basis || {})[cls];
    const [num, unit] = compute(pflops);
    return h('div', { class: `card class-${cls}`, 'data-class': cls },
      h('div', { class: 'label' }, cls),
      figure(`capacity.by_class.${cls}.pflops`, pflops, num, unit),
      h('div', { class: 'basis', 'data-basis': basis }, 'basis ', h('b', null, basisName(basis)),
        entry.resources !== undefined ? ` · ${count(entry.resources)} resources` : '',
        entry.unrated_resources ? ` (${count(entry.unrated_resources)} without a ${basisName(basis)} figure)` : ''));
  }), ['total', 'class_basis_total'].filter(k => capacity[k]).map(k => {
    const entry = capacity[k];
    const [num, unit] = compute(entry.pflops);
    return h('div', { class: 'card' },
      h('div', { class: 'label' }, k === 'total' ? 'all resources, one basis' : 'sum of the classes'),
      figure(`capacity.${k}.pflops`, entry.pflops, num, unit),
      h('div', { class: 'basis', 'data-basis': entry.basis }, 'basis ', h('b', null, basisName(entry.basis)),
        ` · ${count(entry.resources)} resources`,
        entry.unrated_resources ? ` (${count(entry.unrated_resources)} unrated)` : ''));
  })));

  out.push(h('h2', null, 'Where, how green, how busy'));
  const share = (label, stat, value, basis, note) => h('div', { class: 'card' },
    h('div', { class: 'label' }, label),
    figure(stat, value, value === undefined ? '—' : percent(value)),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.max(0, Math.min(1, value || 0)) * 100}%` })),
    h('div', { class: 'basis' }, 'basis ', h('b', null, figureBasis(basis)), note ? ` · ${note}` : ''));
  out.push(h('div', { class: 'grid' },
    share('central & western share', 'central_western_share', stats.central_western_share, fb.central_western_share || 'class_basis_pflops', 'of peak compute'),
    share('renewable share', 'renewable_share', stats.renewable_share, fb.renewable_share || 'class_basis_pflops', 'capacity-weighted'),
    h('div', { class: 'card' },
      h('div', { class: 'label' }, 'PUE'),
      figure('pue', stats.pue, stats.pue === undefined || stats.pue === null ? '—' : fixed(stats.pue, 2)),
      h('div', { class: 'basis' }, 'basis ', h('b', null, figureBasis(fb.pue || 'class_basis_pflops')), ' · capacity-weighted')),
    share('utilisation', 'utilization', stats.utilization, fb.utilization || 'available_units', '1 − free / units')));

  out.push(h('h2', null, 'Providers, resources, units'));
  const numberCard = (label, stat, value, note) => h('div', { class: 'card' },
    h('div', { class: 'label' }, label), figure(stat, value, count(value)), note ? h('div', { class: 'basis' }, note) : null);
  out.push(h('div', { class: 'grid' },
    numberCard('providers', 'providers', stats.providers),
    numberCard('resources', 'resources', stats.resources, `${count(stats.available_resources)} available now`),
    numberCard('available resources', 'available_resources', stats.available_resources, 'healthy and reporting'),
    numberCard('units', 'units', stats.units, 'accelerators, or cores for CPU nodes'),
    numberCard('free units', 'free_units', stats.free_units, 'on available resources')));

  const coverage = stats.coverage;
  out.push(h('h2', null, `${coverage ? coverage.rtt_ms : 20} ms coverage`));
  if (coverage) {
    out.push(h('p', { class: 'muted small' },
      `Share of the ${count(coverage.cities)} demand cities with available capacity (a free unit on an available resource) within ${coverage.rtt_ms} ms round trip, from the RTT matrix (measured where the operator set one, else estimated).`));
    const row = (label, key, entry) => h('tr', { 'data-kind': key },
      h('th', { scope: 'row' }, label),
      h('td', { class: 'num' }, `${count(entry.covered)} / ${count(coverage.cities)}`),
      h('td', { class: 'num' }, figure(`coverage.${key === 'any' ? 'any' : 'by_kind.' + key}.share`, entry.share, percent(entry.share))));
    out.push(h('table', { id: 'coverage' },
      h('thead', null, h('tr', null, h('th', null, 'kind'), h('th', { class: 'num' }, 'cities covered'), h('th', { class: 'num' }, 'share'))),
      h('tbody', null,
        Object.entries(coverage.by_kind || {}).sort().map(([kind, entry]) => row(kind, kind, entry)),
        coverage.any ? row('any kind', 'any', coverage.any) : null)));
  } else {
    out.push(h('p', { class: 'muted' }, 'This server\'s /v1/stats does not report coverage.'));
  }

  if (stats.by_hub) {
    out.push(h('h2', null, 'The eight national hubs'));
    out.push(h('table', { id: 'hubs' },
      h('caption', null, 'A location counts towards the hub it lies in or is served by. Peak compute: each class at its basis.'),
      h('thead', null, h('tr', null, ['hub', 'resources', 'available', 'units', 'free units', 'utilisation', 'peak compute'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
      h('tbody', null, hubs.map(hub => {
        const e = stats.by_hub[hub.code] || {};
        const [num, unit] = compute(e.pflops);
        return h('tr', { 'data-hub': hub.code },
          h('th', { scope: 'row' }, hub.name),
          h('td', { class: 'num' }, count(e.resources)), h('td', { class: 'num' }, count(e.available)),
          h('td', { class: 'num' }, count(e.units)), h('td', { class: 'num' }, count(e.free_units)),
          h('td', { class: 'num' }, percent(e.utilization)),
          h('td', { class: 'num' }, `${num} ${unit}`, h('span', { class: 'muted small' }, ` · ${basisName(e.basis)}`)));
      }))));
  }

  out.push(h('h2', null, 'Resources by kind'));
  out.push(h('table', { id: 'kinds' },
    h('thead', null, h('tr', null, ['kind', 'resources', 'available', 'units', 'free units'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
    h('tbody', null, KINDS.filter(k => stats.by_kind && stats.by_kind[k]).map(kind => {
      const e = stats.by_kind[kind];
      return h('tr', { 'data-kind': kind }, h('th', { scope: 'row' }, kind),
        h('td', { class: 'num' }, count(e.resources)), h('td', { class: 'num' }, count(e.available)),
        h('td', { class: 'num' }, count(e.units)), h('td', { class: 'num' }, count(e.free_units)));
    }))));

  if (stats.tasks) {
    out.push(h('h2', null, 'Tasks'));
    out.push(h('div', { class: 'grid' },
      numberCard('queue length', 'tasks.queue_length', stats.tasks.queue_length, 'waiting for capacity'),
      numberCard('placements', 'tasks.placements_total', stats.tasks.placements_total, 'since this platform process started'),
      ...STATES.filter(st => (stats.tasks.by_state || {})[st]).map(st => numberCard(st, `tasks.by_state.${st}`, stats.tasks.by_state[st]))));
  }
  return out;
}

// ---------------------------------------------------------------- map

let chinaOutline; // undefined: not loaded yet; null: none shipped
async function outline() {
  if (chinaOutline === undefined) {
    try {
      const doc = await api('/dashboard/china.json');
      chinaOutline = doc.rings && doc.rings.length ? doc : null;
    } catch (_) { chinaOutline = null; }
  }
  return chinaOutline;
}

async function renderMap(root, here) {
  const [topo, shape] = await Promise.all([topology(true), outline()]);
  const draw = async () => {
    const stats = await api('/v1/stats', { signal: here.controller.signal });
    if (current !== here) return;
    const hovered = root.querySelector('g.hub-marker:focus');
    root.replaceChildren(...mapView(stats, topo, shape));
    if (hovered) root.querySelector(`g.hub-marker[data-hub="${hovered.dataset.hub}"]`)?.focus();
    stamp(stats.generated_at);
  };
  await draw();
  every(here, draw);
}

function mapView(stats, topo, shape) {
  const W = 960;
  const locations = topo.locations;
  const hubs = locations.filter(l => l.kind === 'hub');
  // Equirectangular around 35° N; the whole country with the outline, the sites without.
  const k = Math.cos(35 * Math.PI / 180);
  let [lon0, lon1, lat0, lat1] = shape ? shape.bbox : [
    Math.min(...locations.map(l => l.lon)) - 3, Math.max(...locations.map(l => l.lon)) + 3,
    Math.min(...locations.map(l => l.lat)) - 2.5, Math.max(...locations.map(l => l.lat)) + 2.5];
  const pad = 24;
  const H = Math.round(Math.min(760, Math.max(420, (W - 2 * pad) * (lat1 - lat0) / ((lon1 - lon0) * k) + 2 * pad)));
  const scale = Math.min((W - 2 * pad) / ((lon1 - lon0) * k), (H - 2 * pad) / (lat1 - lat0));
  const ox = (W - (lon1 - lon0) * k * scale) / 2, oy = (H - (lat1 - lat0) * scale) / 2;
  const X = lon => ox + (lon - lon0) * k * scale;
  const Y = lat => oy + (lat1 - lat) * scale;

  const byLocation = stats.by_location || {};
  const maxPflops = Math.max(0.001, ...Object.values(byLocation).map(e => e.pflops || 0));
  const radius = pflops => 28 * Math.sqrt((pflops || 0) / maxPflops) + 2; // area ∝ capacity (+2 px to stay visible)
  const { rtt } = locationIndex(topo);

  const svg = s('svg', { class: 'map', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'map-title map-desc', id: 'map' },
    s('title', { id: 'map-title' }, 'Map of hubs, clusters and demand cities'),
    s('desc', { id: 'map-desc' }, 'Circle area is proportional to peak compute at each location, the arc to its utilisation. Hover or focus a hub for its RTTs to the other hubs.'));
  // Graticule every 5°.
  const grid = s('g', { class: 'graticule', 'aria-hidden': 'true' });
  for (let lon = Math.ceil(lon0 / 5) * 5; lon <= lon1; lon += 5) grid.append(s('line', { x1: X(lon), x2: X(lon), y1: Y(lat0), y2: Y(lat1) }));
  for (let lat = Math.ceil(lat0 / 5) * 5; lat <= lat1; lat += 5) grid.append(s('line', { x1: X(lon0), x2: X(lon1), y1: Y(lat), y2: Y(lat) }));
  svg.append(grid);
  if (shape) {
    const d = shape.rings.map(ring => ring.map(([lon, lat], i) => `${i ? 'L' : 'M'}${fixed(X(lon), 1)},${fixed(Y(lat), 1)}`).join('') + 'Z').join('');
    svg.append(s('path', { class: 'land', d, 'aria-hidden': 'true' }));
  }
  const rttLayer = s('g', { class: 'rtt', 'aria-hidden': 'true' });

  // Capacity and utilisation at every location with resources (clusters and cities).
  const sites = s('g', { class: 'sites' });
  for (const loc of locations.filter(l => l.kind !== 'hub')) {
    const e = byLocation[loc.code];
    const x = X(loc.lon), y = Y(loc.lat);
    if (e && e.units) {
      const r = radius(e.pflops);
      const [num, unit] = compute(e.pflops);
      const g = s('g', { class: 'site', 'data-location': loc.code },
        s('title', null, `${loc.name}: ${num} ${unit} peak (${basisName(e.basis)}), ${count(e.units)} units, ${count(e.free_units)} free, utilisation ${percent(e.utilization)}`),
        s('circle', { class: 'cap', cx: x, cy: y, r }));
      const u = Math.max(0, Math.min(1, e.utilization || 0));
      if (u > 0) {
        const c = 2 * Math.PI * (r + 3);
        g.append(s('circle', { class: 'util', cx: x, cy: y, r: r + 3, 'stroke-dasharray': `${c * u} ${c}`, transform: `rotate(-90 ${x} ${y})` }));
      }
      sites.append(g);
    }
    if (loc.kind === 'city') {
      sites.append(s('circle', { class: 'city', cx: x, cy: y, r: 2.6 }));
      sites.append(s('text', { class: 'city-label', x: x + 5, y: y + 3.5 }, loc.name.split(' ')[0]));
    }
  }
  svg.append(sites, rttLayer);

  // Hubs: dashed rings, focusable; hover or focus draws their RTTs to the other hubs.
  const hubLayer = s('g', { class: 'hubs' });
  const showRtts = hub => {
    rttLayer.replaceChildren();
    if (!hub) return;
    for (const other of hubs) {
      if (other.code === hub.code) continue;
      const ms = rtt(hub.code, other.code);
      const [x1, y1, x2, y2] = [X(hub.lon), Y(hub.lat), X(other.lon), Y(other.lat)];
      rttLayer.append(s('line', { x1, y1, x2, y2 }),
        s('text', { x: (x1 + x2) / 2 + 3, y: (y1 + y2) / 2 - 3, 'data-rtt': other.code }, `${fixed(ms, 1)} ms`));
    }
  };
  for (const hub of hubs) {
    const e = (stats.by_hub || {})[hub.code] || {};
    const x = X(hub.lon), y = Y(hub.lat);
    const own = byLocation[locations.find(l => l.kind === 'cluster' && l.hub === hub.code && l.lat === hub.lat && l.lon === hub.lon)?.code];
    const r = Math.max(12, (own && own.units ? radius(own.pflops) : 0) + 6);
    const [num, unit] = compute(e.pflops);
    const short = hub.name.replace(/ hub .*/, '');
    // Label on the right unless another hub sits close on that side.
    const crowded = hubs.some(o => o !== hub && o.lon > hub.lon && o.lon - hub.lon < 8 && Math.abs(o.lat - hub.lat) < 3);
    const label = crowded
      ? s('text', { class: 'hub-label', x: x - r - 3, y: y - r / 2, 'text-anchor': 'end' }, short)
      : s('text', { class: 'hub-label', x: x + r + 3, y: y - r / 2 }, short);
    const marker = s('g', { class: 'hub-marker', 'data-hub': hub.code, tabindex: 0, role: 'button',
      'aria-label': `${hub.name}: ${num} ${unit}, utilisation ${percent(e.utilization)}; shows RTTs to the other hubs`,
      onmouseenter: () => showRtts(hub), onmouseleave: () => showRtts(null), onfocus: () => showRtts(hub), onblur: () => showRtts(null) },
      s('title', null, `${hub.name}: ${count(e.resources)} resources, ${count(e.units)} units, ${num} ${unit} peak (${basisName(e.basis)}), utilisation ${percent(e.utilization)}`),
      s('circle', { class: 'hub', cx: x, cy: y, r }),
      label);
    hubLayer.append(marker);
  }
  svg.append(hubLayer);

  const legend = h('div', { class: 'legend' },
    h('span', null, h('span', { class: 'sw', style: 'background:rgba(31,95,191,.25);border:1px solid #1f5fbf' }), 'peak compute (area ∝ PFLOPS, each class at its basis)'),
    h('span', null, h('span', { class: 'sw', style: 'background:#c2410c' }), 'utilisation (arc: share of units busy)'),
    h('span', null, h('span', { class: 'sw', style: 'border:1.5px dashed #0f1b33' }), 'national hub (hover or focus: RTTs)'),
    h('span', null, h('span', { class: 'sw', style: 'background:#fff;border:1px solid #1d2433' }), 'demand city'),
    h('span', null, shape ? `Outline: ${shape.source}.` : 'Schematic: positions by coordinates, no outline shipped.'));

  // The same RTTs as a table (for keyboard and screen reader users, and to read exactly).
  const table = h('table', { id: 'hub-rtt' },
    h('caption', null, 'Round-trip times between the national hubs (ms; estimated from distance unless measured by the operator).'),
    h('thead', null, h('tr', null, h('th', null, 'from \\ to'), hubs.map(hub => h('th', { class: 'num', scope: 'col', title: hub.name }, hub.name.replace(/ hub .*/, ''))))),
    h('tbody', null, hubs.map(a => h('tr', null, h('th', { scope: 'row' }, a.name.replace(/ hub .*/, '')),
      hubs.map(b => h('td', { class: 'num' }, a.code === b.code ? '—' : fixed(rtt(a.code, b.code), 1)))))));

  return [
    h('h1', null, 'Map'),
    h('p', { class: 'lede' }, 'Hubs, clusters and demand cities placed by their coordinates. Each location\'s capacity and utilisation are drawn to scale.'),
    h('div', { class: 'map-wrap' }, svg, legend),
    h('h2', null, 'Hub-to-hub RTT'),
    table,
  ];
}

// ---------------------------------------------------------------- plots

async function renderPlots(root, here) {
  const draw = async () => {
    const stats = await api('/v1/stats?history=1h', { signal: here.controller.signal });
    if (current !== here) return;
    root.replaceChildren(...plots(stats));
    stamp(stats.generated_at);
  };
  await draw();
  every(here, draw);
}

function plots(stats) {
  const history = stats.history;
  const out = [h('h1', null, 'Plots')];
  if (!history) {
    out.push(h('p', { class: 'muted' }, 'This server\'s /v1/stats does not keep a history.'));
    return out;
  }
  const points = history.points || [];
  out.push(h('p', { class: 'lede' },
    `The platform samples its statistics every ${history.interval_s} s and keeps the last ${Math.round(history.kept_s / 60)} minutes in memory (the history starts when the process starts). `,
    `Shown: the last ${Math.round(history.window_s / 60)} minutes, ${count(points.length)} samples.`));
  if (points.length < 2) {
    out.push(h('p', { class: 'muted' }, 'Not enough samples yet: the plots fill in as the platform runs.'));
  }
  const t = points.map(p => new Date(p.at).getTime());
  const series = (name, colour, values) => ({ name, colour, values });
  const kinds = KINDS.filter(k => points.some(p => p.free_units_by_kind && p.free_units_by_kind[k] !== undefined));
  const states = STATES.filter(st => points.some(p => p.tasks_by_state && p.tasks_by_state[st]));
  out.push(h('div', { class: 'plots' },
    plot('Utilisation', 'share of units busy on available resources', t, [series('utilisation', '#c2410c', points.map(p => p.utilization * 100))], '%', 100),
    plot('Free units', 'on available resources, by kind', t, [
      series('all', '#1d2433', points.map(p => p.free_units)),
      ...kinds.map(k => series(k, KIND_COLOURS[k], points.map(p => (p.free_units_by_kind || {})[k] || 0)))], 'units'),
    plot('Tasks by state', 'tasks in each state at each sample', t,
      states.map(st => series(st, STATE_COLOURS[st], points.map(p => (p.tasks_by_state || {})[st] || 0))), 'tasks'),
    plot('Placements', `placements per ${history.interval_s} s interval, and the queue length`, t, [
      series('placements', '#1f5fbf', points.map(p => p.placements || 0)),
      series('queue length', '#d97706', points.map(p => p.queue_length || 0))], 'count')));
  return out;
}

/** A line chart of `series` over times `t` (ms), drawn as SVG. */
function plot(title, subtitle, t, series, unit, fixedMax) {
  const W = 480, H = 220, L = 46, R = 12, T = 12, B = 26;
  const values = series.flatMap(sr => sr.values).filter(v => Number.isFinite(v));
  const max = fixedMax || niceMax(Math.max(1, ...values));
  const t0 = t.length ? t[0] : 0, t1 = t.length > 1 ? t[t.length - 1] : t0 + 60000;
  const X = v => L + ((v - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const Y = v => T + (1 - v / max) * (H - T - B);
  const svg = s('svg', { class: 'plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${subtitle}` });
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg.append(s('line', { class: i ? 'gridline' : 'axis', x1: L, x2: W - R, y1: Y(v), y2: Y(v) }),
      s('text', { x: L - 6, y: Y(v) + 3.5, 'text-anchor': 'end' }, count(v)));
  }
  for (let i = 0; i <= 4 && t.length; i++) {
    const v = t0 + ((t1 - t0) * i) / 4;
    svg.append(s('text', { x: X(v), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' }, clock(v, t1 - t0 < 15 * 60000)));
  }
  for (const sr of series) {
    const d = sr.values.map((v, i) => `${i ? 'L' : 'M'}${fixed(X(t[i]), 1)},${fixed(Y(Number.isFinite(v) ? v : 0), 1)}`).join('');
    if (d) svg.append(s('path', { class: 'series', d, stroke: sr.colour }, s('title', null, sr.name)));
  }
  const last = series.map(sr => [sr, sr.values[sr.values.length - 1]]);
  return h('figure', { class: 'card', style: 'margin:0' },
    h('h3', null, title, h('span', { class: 'muted small' }, ` — ${subtitle} (${unit})`)),
    svg,
    h('div', { class: 'legend' }, last.map(([sr, v]) => h('span', null, h('span', { class: 'sw', style: `background:${sr.colour}` }),
      `${sr.name}${v === undefined ? '' : ': ' + (unit === '%' ? fixed(v, 1) + ' %' : count(v))}`))));
}

function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// ---------------------------------------------------------------- providers

function byProvider(resources, basis) {
  const out = new Map();
  for (const r of resources) {
    let e = out.get(r.provider);
    if (!e) out.set(r.provider, e = { resources: 0, units: 0, free: 0, availableUnits: 0, pflops: 0, prices: [] });
    e.resources += 1;
    e.units += r.units;
    e.pflops += resourcePflops(r, basis);
    e.prices.push(r.price_fen_per_unit_hour);
    if (r.available) { e.availableUnits += r.units; e.free += r.state.free_units; }
  }
  return out;
}

function priceRange(prices) {
  if (!prices.length) return '—';
  const lo = Math.min(...prices), hi = Math.max(...prices);
  return lo === hi ? money(lo) : `${money(lo)}–${money(hi)}`;
}

async function renderProviders(root, here) {
  const [topo, stats] = await Promise.all([topology(), api('/v1/stats')]);
  const draw = async () => {
    const [providers, resources] = await Promise.all([api('/v1/providers', { signal: here.controller.signal }), allResources()]);
    if (current !== here) return;
    const agg = byProvider(resources.items, stats.basis);
    root.replaceChildren(
      h('h1', null, 'Providers'),
      h('p', { class: 'lede' }, `${count(providers.items.length)} providers. Utilisation is 1 − free / units over each provider's available resources; prices per unit-hour; peak compute with each class at its basis.`,
        resources.complete ? '' : ` Aggregated over the first ${count(resources.items.length)} resources only.`),
      h('table', { id: 'providers' },
        h('thead', null, h('tr', null, ['prefix', 'name', 'location', 'resources', 'units', 'free', 'utilisation', 'peak compute', 'price / unit-hour', 'renewable', 'PUE']
          .map((t, i) => h('th', { class: i >= 3 ? 'num' : null, scope: 'col' }, t)))),
        h('tbody', null, providers.items.map(p => {
          const e = agg.get(p.prefix) || { resources: 0, units: 0, free: 0, availableUnits: 0, pflops: 0, prices: [] };
          const [num, unit] = compute(e.pflops);
          return h('tr', { 'data-provider': p.prefix },
            h('td', { class: 'ident' }, h('a', { href: `#/providers/${p.prefix}` }, p.prefix)),
            h('td', null, p.name), h('td', null, placeName(topo, p.location)),
            h('td', { class: 'num' }, count(p.resources)), h('td', { class: 'num' }, count(e.units)),
            h('td', { class: 'num' }, count(e.free)),
            h('td', { class: 'num' }, e.availableUnits ? percent(1 - e.free / e.availableUnits) : '—'),
            h('td', { class: 'num' }, `${num} ${unit}`),
            h('td', { class: 'num' }, priceRange(e.prices)),
            h('td', { class: 'num' }, percent(p.renewable, 0)), h('td', { class: 'num' }, fixed(p.pue, 2)));
        }))));
  };
  await draw();
  every(here, draw);
}

async function renderProvider(root, here, prefix) {
  const [topo, stats] = await Promise.all([topology(), api('/v1/stats')]);
  const draw = async () => {
    const [p, resources] = await Promise.all([api(`/v1/providers/${encodeURIComponent(prefix)}`, { signal: here.controller.signal }), allResources()]);
    if (current !== here) return;
    const mine = resources.items.filter(r => r.provider === p.prefix);
    const e = byProvider(mine, stats.basis).get(p.prefix) || { units: 0, free: 0, availableUnits: 0, pflops: 0, prices: [] };
    const [num, unit] = compute(e.pflops);
    root.replaceChildren(
      h('p', null, h('a', { href: '#/providers' }, '← Providers')),
      h('h1', null, p.name, ' ', h('span', { class: 'ident muted' }, p.prefix)),
      h('div', { class: 'grid' },
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'resources'), h('div', { class: 'figure' }, count(p.resources)),
          h('div', { class: 'basis' }, `at ${placeName(topo, p.location)}`)),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'utilisation'),
          h('div', { class: 'figure' }, e.availableUnits ? percent(1 - e.free / e.availableUnits) : '—'),
          h('div', { class: 'basis' }, `${count(e.free)} of ${count(e.availableUnits)} units free on available resources`)),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'peak compute'), h('div', { class: 'figure' }, num, h('span', { class: 'unit' }, unit)),
          h('div', { class: 'basis' }, 'each class at its basis')),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'renewable share'), h('div', { class: 'figure' }, percent(p.renewable, 0)),
          h('div', { class: 'basis' }, `PUE ${fixed(p.pue, 2)}`)),
        h('div', { class: 'card' }, h('div', { class: 'label' }, 'prices'), h('div', { class: 'figure small' }, priceRange(e.prices)),
          h('div', { class: 'basis' }, 'per unit-hour'))),
      h('dl', { class: 'kv', style: 'margin-top:1rem' },
        h('dt', null, 'contact'), h('dd', null, p.contact), h('dt', null, 'registered'), h('dd', null, time(p.created_at))),
      h('h2', null, 'Resources'),
      resourceTable(mine, stats.basis, null, topo),
      mine.length < p.resources ? h('p', { class: 'muted small' }, `${count(p.resources - mine.length)} more resources not shown (only the first ${count(resources.items.length)} resources of the platform were read).`) : null);
  };
  await draw();
  every(here, draw);
}

function resourceTable(items, basis, near, topo) {
  const index = near && topo ? locationIndex(topo) : null;
  return h('table', { class: 'resources' },
    h('thead', null, h('tr', null, ['identifier', 'kind', 'class', 'model', 'arch', 'location', index ? 'RTT' : null, 'free / units', 'utilisation', 'price / unit-hour', 'renewable', 'state']
      .filter(Boolean).map((t, i) => h('th', { scope: 'col', class: ['free / units', 'utilisation', 'price / unit-hour', 'renewable', 'RTT'].includes(t) ? 'num' : null }, t)))),
    h('tbody', null, items.map(r => h('tr', { 'data-resource': r.id },
      h('td', { class: 'ident' }, r.id), h('td', null, r.kind), h('td', null, r.class), h('td', null, r.model), h('td', null, r.arch),
      h('td', null, topo ? placeName(topo, r.location) : r.location),
      index ? h('td', { class: 'num' }, `${fixed(index.rtt(near, r.location), 1)} ms`) : null,
      h('td', { class: 'num' }, `${count(r.state.free_units)} / ${count(r.units)}`),
      h('td', { class: 'num' }, r.state.utilization === undefined || r.state.utilization === null ? '—' : percent(r.state.utilization, 0)),
      h('td', { class: 'num' }, money(r.price_fen_per_unit_hour)),
      h('td', { class: 'num' }, percent(r.renewable, 0)),
      h('td', null, r.available ? h('span', { class: 'pill state-succeeded' }, 'available') : h('span', { class: 'pill state-failed', title: r.unavailable_reason || '' }, r.state.healthy ? 'stale' : 'unhealthy'))))));
}

// ---------------------------------------------------------------- tasks

function needToken(root, what) {
  root.replaceChildren(
    h('h1', null, 'Tasks'),
    h('div', { class: 'placeholder', id: 'token-needed' },
      h('p', null, `Tasks are private: ${what} needs your consumer token (or the operator's).`),
      h('p', null, 'Type it into the Token box above, or open this page as ', h('code', null, '/#token=TOKEN'),
        ' — the part after # never reaches the server or its logs; the page keeps the token for this browser tab only (sessionStorage) and removes it from the address bar.')));
  document.getElementById('token-input').focus();
}

/** Follows GET /v1/tasks/stream with the bearer token (EventSource cannot send one): calls
 *  onEvent(type, data) per event; reconnects after a pause until the view is left. */
async function followTasks(here, onEvent, onStatus) {
  const signal = here.controller.signal;
  while (!signal.aborted) {
    try {
      const response = await fetch('/v1/tasks/stream', { headers: { Authorization: `Bearer ${Token.get()}`, Accept: 'text/event-stream' }, signal, cache: 'no-store' });
      if (!response.ok) {
        let message = `${response.status}`;
        try { message = (await response.json()).error.message; } catch (_) { /* not JSON */ }
        throw new APIError(response.status, 'stream', message);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (block.startsWith(':')) continue; // keep-alive comment
          onEvent(type, data ? JSON.parse(data) : null);
        }
      }
      onStatus('reconnecting');
    } catch (error) {
      if (signal.aborted) return;
      if (error.status === 401 || error.status === 403) { onStatus('refused'); showError(error); return; }
      onStatus('reconnecting');
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

async function loadTaskList(signal) {
  const tasks = [];
  let cursor = null, pages = 0;
  do {
    const page = await api(`/v1/tasks?limit=1000${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`, { signal });
    tasks.push(...page.items);
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor && pages < 10);
  return { tasks, complete: !cursor };
}

function taskSeq(id) { return Number(id.replace(/^\D+/, '')) || 0; }

async function renderTasks(root, here) {
  if (!Token.get()) return needToken(root, 'the task list');
  const me = await whoami();
  showTokenState();
  if (me.kind === 'provider' || me.kind === 'anonymous') {
    root.replaceChildren(h('h1', null, 'Tasks'), h('p', null, `This is a ${me.kind} token; tasks are seen with a consumer's or the operator's token.`));
    return;
  }
  const tasks = new Map(); // id → update (or record), the latest by updated_at
  let complete = true;
  const live = h('span', { id: 'live', class: 'muted', 'aria-live': 'polite' }, 'connecting…');
  const summary = h('p', { class: 'muted', id: 'task-summary' });
  const body = h('tbody', null);
  const table = h('table', { id: 'tasks' },
    h('thead', null, h('tr', null, ['task', 'name', 'state', 'units', 'placement', 'submitted', 'last change']
      .map((t, i) => h('th', { scope: 'col', class: i === 3 ? 'num' : null }, t)))), body);
  root.replaceChildren(
    h('h1', null, 'Tasks'),
    h('p', { class: 'lede' }, me.kind === 'consumer' ? `Your tasks (consumer ${me.id}). ` : `Every consumer's tasks (${me.kind} token). `,
      'The list follows the platform\'s task stream (server-sent events) and updates without reloading. ', live),
    summary, table);

  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const rows = [...tasks.values()].sort((a, b) => taskSeq(b.id) - taskSeq(a.id));
      const counts = {};
      for (const t of rows) counts[t.state] = (counts[t.state] || 0) + 1;
      summary.textContent = `${count(rows.length)} tasks` + (rows.length ? ': ' + STATES.filter(st => counts[st]).map(st => `${counts[st]} ${st}`).join(', ') : '') +
        (complete ? '' : ' (the oldest are not loaded)') + (rows.length > 500 ? '; the newest 500 are listed.' : '');
      body.replaceChildren(...rows.slice(0, 500).map(t => h('tr', { 'data-task': t.id, 'data-state': t.state },
        h('td', { class: 'ident' }, h('a', { href: `#/tasks/${t.id}` }, t.id)),
        h('td', null, t.name || ''),
        h('td', null, pill(t.state)),
        h('td', { class: 'num' }, count(t.units !== undefined ? t.units : (t.spec || {}).units)),
        h('td', { class: 'ident small' }, t.placement ? t.placement.parts.map(p => `${p.resource}×${p.units}`).join(', ') : '—'),
        h('td', null, time(t.created_at)),
        h('td', null, time(t.updated_at)))));
      if (!rows.length) body.replaceChildren(h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No tasks yet. Submit one with `suanli submit` or POST /v1/tasks.')));
    });
  };
  const keep = t => {
    const old = tasks.get(t.id);
    if (!old || old.updated_at <= t.updated_at) tasks.set(t.id, old && t.units === undefined ? Object.assign({}, old, t) : t);
  };
  const reload = async () => {
    const list = await loadTaskList(here.controller.signal);
    complete = list.complete;
    for (const t of list.tasks) keep(t);
    redraw();
  };
  redraw();
  followTasks(here, (type, data) => {
    if (type === 'ready') {
      live.textContent = 'live';
      reload().catch(error => { if (error.name !== 'AbortError') showError(error); });
    } else if (type === 'reset') {
      reload().catch(error => { if (error.name !== 'AbortError') showError(error); });
    } else if (type === 'task') {
      keep(data);
      redraw();
    }
  }, status => { live.textContent = status; });
}

async function renderTask(root, here, id) {
  if (!Token.get()) return needToken(root, `task ${id}`);
  await whoami();
  showTokenState();
  const draw = async () => {
    const signal = here.controller.signal;
    const [task, explanation, stdout, stderr] = await Promise.all([
      api(`/v1/tasks/${encodeURIComponent(id)}`, { signal }),
      api(`/v1/tasks/${encodeURIComponent(id)}/explain`, { signal }),
      api(`/v1/tasks/${encodeURIComponent(id)}/logs?stream=stdout&tail=100`, { signal, text: true }),
      api(`/v1/tasks/${encodeURIComponent(id)}/logs?stream=stderr&tail=100`, { signal, text: true })]);
    if (current !== here) return;
    const spec = task.spec || {};
    root.replaceChildren(
      h('p', null, h('a', { href: '#/tasks' }, '← Tasks')),
      h('h1', null, `Task ${task.id} `, pill(task.state)),
      h('dl', { class: 'kv' },
        h('dt', null, 'name'), h('dd', null, task.name || '—'),
        h('dt', null, 'consumer'), h('dd', null, task.consumer),
        h('dt', null, 'units'), h('dd', null, `${spec.units}${spec.gang === false ? ' (may be split)' : ' (on one resource)'}`),
        h('dt', null, 'accepts'), h('dd', null, (spec.accept || []).map(a => [a.kind, a.model, a.arch].filter(Boolean).join(' ')).join(' or ') || '—'),
        h('dt', null, 'priority'), h('dd', null, String(task.priority)),
        h('dt', null, 'submitted'), h('dd', null, time(task.created_at)),
        h('dt', null, 'last change'), h('dd', null, time(task.updated_at))),
      h('div', { class: 'two' },
        h('section', null,
          h('h2', null, 'Placement'),
          task.placement ? h('table', null,
            h('thead', null, h('tr', null, ['resource', 'units', 'price / unit-hour', 'RTT', 'renewable'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
            h('tbody', null, task.placement.parts.map(p => h('tr', null,
              h('td', { class: 'ident' }, p.resource), h('td', { class: 'num' }, count(p.units)),
              h('td', { class: 'num' }, money(p.price_fen_per_unit_hour)),
              h('td', { class: 'num' }, p.rtt_ms === undefined || p.rtt_ms === null ? '—' : `${fixed(p.rtt_ms, 1)} ms`),
              h('td', { class: 'num' }, percent(p.renewable, 0))))))
            : h('p', { class: 'muted' }, 'Not placed.'),
          h('h2', null, 'Explanation'),
          h('p', null, h('b', null, explanation.verdict), ' — ', explanation.message,
            explanation.queue_position ? ` (queue position ${explanation.queue_position})` : ''),
          h('table', null,
            h('thead', null, h('tr', null, ['constraint', 'removed', 'remaining'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
            h('tbody', null, (explanation.steps || []).map(st => h('tr', null, h('td', null, st.constraint),
              h('td', { class: 'num' }, count(st.removed)), h('td', { class: 'num' }, count(st.remaining))))))),
        h('section', null,
          h('h2', null, 'Events'),
          h('ol', { class: 'timeline' }, task.events.map(ev => h('li', null, pill(ev.state), ' ', h('span', { class: 'muted small' }, time(ev.at)),
            ev.message ? h('div', { class: 'small' }, ev.message) : null))))),
      h('h2', null, 'Logs (last 100 lines)'),
      h('h3', null, 'stdout'), h('pre', { class: 'logs' }, stdout || '(nothing yet)'),
      h('h3', null, 'stderr'), h('pre', { class: 'logs' }, stderr || '(nothing yet)'));
  };
  await draw();
  let again = false, drawing = false;
  const redraw = async () => {
    if (drawing) { again = true; return; }
    drawing = true;
    try { await draw(); } catch (error) { if (error.name !== 'AbortError') showError(error); }
    drawing = false;
    if (again) { again = false; redraw(); }
  };
  followTasks(here, (type, data) => { if (type === 'task' && data.id === id) redraw(); }, () => {});
}

// ---------------------------------------------------------------- discovery

async function renderDiscovery(root, here) {
  const topo = await topology();
  const places = topo.locations.slice().sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const select = (name, options, label) => h('label', null, label,
    h('select', { name }, h('option', { value: '' }, 'any'), options.map(([v, t]) => h('option', { value: v }, t))));
  const input = (name, label, attrs) => h('label', null, label, h('input', Object.assign({ name }, attrs)));
  const form = h('form', { class: 'filters', id: 'discovery-form' },
    select('kind', KINDS.map(k => [k, k]), 'kind'),
    input('arch', 'architecture', { placeholder: 'x86_64, aarch64, …' }),
    input('model', 'model (exact)', { placeholder: 'NVIDIA A100-SXM4-80GB' }),
    select('location', places.map(l => [l.code, `${l.name} (${l.kind})`]), 'location'),
    select('near', places.map(l => [l.code, `${l.name} (${l.kind})`]), 'near (data location)'),
    input('max_rtt_ms', 'max RTT (ms)', { type: 'number', min: 0, step: 'any', placeholder: '20' }),
    input('min_free', 'min free units', { type: 'number', min: 0, step: 1 }),
    input('max_price', 'max price (fen / unit-hour)', { type: 'number', min: 0, step: 1 }),
    input('min_renewable', 'min renewable (0–1)', { type: 'number', min: 0, max: 1, step: 0.05 }),
    h('label', null, 'sort', h('select', { name: 'sort' },
      [['', 'registration order'], ['rtt', 'nearest first (needs near)'], ['price', 'cheapest first'], ['renewable', 'greenest first']]
        .map(([v, t]) => h('option', { value: v }, t)))),
    input('limit', 'page size', { type: 'number', min: 1, max: 1000, value: 50 }),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'include_unavailable', value: 'true' }), 'include unavailable'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Find'), h('button', { type: 'reset', class: 'secondary' }, 'Clear')));
  const results = h('div', { id: 'discovery-results' });
  root.replaceChildren(h('h1', null, 'Discovery'),
    h('p', { class: 'lede' }, 'Every filter of GET /v1/resources. Only available resources unless you include the others.'), form, results);
  const stats = await api('/v1/stats');
  let cursors = [null];
  const run = async () => {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const [k, v] of data.entries()) if (v !== '') params.set(k, v);
    const cursor = cursors[cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const query = params.toString();
    try {
      showError(null);
      const page = await api(`/v1/resources?${query}`, { signal: here.controller.signal });
      const near = params.get('near');
      results.replaceChildren(
        h('p', { class: 'muted' }, `${count(page.items.length)} resources on this page`, h('code', { class: 'small' }, `  GET /v1/resources?${query}`)),
        resourceTable(page.items, stats.basis, near, topo),
        h('p', null,
          cursors.length > 1 ? h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.pop(); run(); } }, '← Previous page') : null, ' ',
          page.next_cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.push(page.next_cursor); run(); } }, 'Next page →') : null));
    } catch (error) {
      if (error.name === 'AbortError') return;
      results.replaceChildren();
      showError(error);
    }
  };
  form.addEventListener('submit', event => { event.preventDefault(); cursors = [null]; run(); });
  form.addEventListener('reset', () => setTimeout(() => { cursors = [null]; run(); }));
  await run();
}

// ---------------------------------------------------------------- federation and market

async function renderFederation(root) {
  root.replaceChildren(
    h('h1', null, 'Federation & market'),
    h('div', { class: 'placeholder', id: 'federation-placeholder' },
      h('h2', { style: 'margin-top:0' }, 'Federation — not part of this platform yet'),
      h('p', null, 'When platforms federate (a national platform over regional ones, each owning a prefix), this page will list the peer platforms, their prefixes, the resources they share, and how far each lags behind (its last sync), and resolve identifiers across them.'),
      h('h2', null, 'Market — not part of this platform yet'),
      h('p', null, 'When the compute market exists, this page will show offers and bids per kind and hub, clearing prices over time, and preemptible capacity.'),
      h('p', { class: 'muted' }, 'Nothing is shown here until the API provides it: this dashboard draws only live data.')));
}

// ---------------------------------------------------------------- start

function start() {
  takeTokenFromAddress();
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  form.addEventListener('submit', event => {
    event.preventDefault();
    Token.set(input.value.trim());
    input.value = '';
    whoami().then(showTokenState).catch(showError).finally(route);
  });
  document.getElementById('token-clear').addEventListener('click', () => { Token.set(''); route(); });
  showTokenState();
  if (Token.get()) whoami().then(showTokenState).catch(() => {});
  api('/v1/whoami').then(me => { document.getElementById('platform-name').textContent = `platform ${me.platform}`; }).catch(() => {});
  window.addEventListener('hashchange', () => { takeTokenFromAddress(); route(); });
  route();
}

start();
