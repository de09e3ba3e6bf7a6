// background's dashboard: reads server-sent events from /events and draws them. No library, no
// build step. Every text from the server goes in through textContent, never as HTML.
'use strict';
(() => {
  const KEEP_SERIES = 480, KEEP_BARS = 4000, KEEP_FAILURES = 20, KEEP_EVENTS = 50;
  const STREAM_MS = 30000, ROW_LABEL = 170, MAX_ROWS = 48;

  let state = { pools: [], functions: [], workers: [] };
  let series = [], bars = [], failures = [], events = [];
  let serverMillis = 0;
  let drawPending = false;

  // The token came in the address; the server turned it into a cookie, so the address bar can drop it.
  if (new URLSearchParams(location.search).has('token')) {
    history.replaceState(null, '', location.pathname);
  }

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  let origin = 0;
  // A time of day from the board's milliseconds (they count from the board's origin, in epoch ms).
  const clock = (ms) => new Date(origin + ms).toLocaleTimeString('en-GB');
  const span = (ms) => {
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  };
  const hue = (name) => {
    let h = 0;
    for (const c of name) h = (h * 31 + c.codePointAt(0)) % 360;
    return h;
  };
  // Functions get colours of their own, never the red of failures nor the grey of cancellations.
  const PALETTE = ['#2f6fd6', '#7b4fd6', '#1f9e9e', '#d69a2f', '#5e8c31', '#b0529b', '#3c8fc4', '#8a6d3b'];
  const colour = (name) => PALETTE[hue(name) % PALETTE.length];
  const trim = (list, keep) => (list.length > keep ? list.slice(list.length - keep) : list);

  function receive(message) {
    if (message.type === 'hello') {
      series = []; bars = []; failures = []; events = [];
    }
    if (message.state.pools) state = message.state;
    serverMillis = message.t;
    origin = message.origin;
    series = trim(series.concat(message.series), KEEP_SERIES);
    bars = trim(bars.concat(message.bars), KEEP_BARS);
    failures = trim(failures.concat(message.failures), KEEP_FAILURES);
    events = trim(events.concat(message.events), KEEP_EVENTS);
    renderPools();
    renderFunctions();
    renderWorkers();
    if (message.failures.length || message.type === 'hello') renderFailures();
    if (message.events.length || message.type === 'hello') renderEvents();
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(() => { drawPending = false; drawCharts(); });
    }
  }

  function renderPools() {
    const box = $('pools');
    box.replaceChildren(...state.pools.map((p) => {
      const e = el('span', p.shutdown ? 'pool shut' : 'pool',
        `${p.name} · ${p.kind} · n = ${fmt(p.n)} · ${fmt(p.pending)} pending${p.shutdown ? ' · shut down' : ''}`);
      e.dataset.pool = p.name;
      return e;
    }));
  }

  const rows = new Map();
  function renderFunctions() {
    const box = $('functions');
    if (state.functions.length === 0) return;
    const seen = new Set();
    for (const f of state.functions) {
      const key = `${f.pool}\u0000${f.name}`;
      seen.add(key);
      let row = rows.get(key);
      if (!row) {
        row = makeFunctionRow(f);
        rows.set(key, row);
      }
      const total = Math.max(1, f.submitted);
      for (const part of ['done', 'failed', 'running', 'queued']) {
        row.parts[part].style.width = `${(100 * f[part]) / total}%`;
      }
      for (const part of ['queued', 'running', 'done', 'failed', 'cancelled', 'submitted']) {
        row.counts[part].textContent = fmt(f[part]);
      }
    }
    for (const [key, row] of rows) {
      if (!seen.has(key)) { row.element.remove(); rows.delete(key); }
    }
    const ordered = state.functions.map((f) => rows.get(`${f.pool}\u0000${f.name}`).element);
    box.replaceChildren(...ordered);
  }

  function makeFunctionRow(f) {
    const element = el('div', 'fn');
    element.dataset.pool = f.pool;
    element.dataset.function = f.name;
    const name = el('div', 'fn-name');
    name.append(el('span', 'pool-name', f.pool ? `${f.pool} · ` : ''), el('span', '', f.name));
    name.title = `${f.pool} · ${f.name}`;
    const bar = el('div', 'bar');
    const parts = {};
    for (const part of ['done', 'failed', 'running', 'queued']) {
      parts[part] = el('span', part);
      bar.append(parts[part]);
    }
    const countsBox = el('div', 'fn-counts');
    const counts = {};
    const labels = [['queued', 'queued'], ['running', 'running'], ['done', 'done'], ['failed', 'failed'],
      ['cancelled', 'cancelled'], ['submitted', 'of']];
    labels.forEach(([part, label], i) => {
      counts[part] = el('b', '', '0');
      counts[part].dataset.count = part;
      if (part === 'submitted') countsBox.append(` ${label} `, counts[part]);
      else countsBox.append(i ? ' · ' : '', counts[part], ` ${label}`);
    });
    element.append(name, bar, countsBox);
    return { element, parts, counts };
  }

  function renderWorkers() {
    const body = $('workers').tBodies[0];
    body.replaceChildren(...state.workers.map((w) => {
      const tr = el('tr');
      tr.dataset.pool = w.pool;
      tr.dataset.worker = w.name;
      tr.append(el('td', '', w.pool), el('td', '', w.name), el('td', w.up ? '' : 'down', w.up ? 'up' : 'down'),
        el('td', 'num', fmt(w.running)), el('td', 'num', fmt(w.done)), el('td', 'num', fmt(w.failed)));
      return tr;
    }));
  }

  function renderFailures() {
    const box = $('failures');
    if (failures.length === 0) {
      box.replaceChildren(el('p', 'empty', 'None.'));
      return;
    }
    box.replaceChildren(...failures.slice().reverse().map((f) => {
      const d = el('details', 'failure');
      d.dataset.seq = f.seq;
      const s = el('summary');
      const first = f.trace.split('\n', 1)[0];
      s.append(el('time', '', clock(f.t)), `${f.pool} · ${f.function}${f.worker ? ` on ${f.worker}` : ''}: ${first}`);
      d.append(s, el('pre', '', f.trace));
      return d;
    }));
  }

  function renderEvents() {
    const list = $('events');
    list.replaceChildren(...events.slice().reverse().map((e) => {
      const li = el('li');
      li.append(el('time', '', clock(e.t)), `${e.pool}: ${e.text}`);
      return li;
    }));
  }

  function canvas2d(id) {
    const c = $(id);
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth, height = c.clientHeight;
    if (c.width !== Math.round(width * ratio)) c.width = Math.round(width * ratio);
    c.height = Math.round(height * ratio);
    const g = c.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    return { g, width, height };
  }

  function drawCharts() {
    drawStream();
    // Throughput over the last two seconds (eight ticks), so that waves of tasks do not draw spikes.
    const smooth = series.map((p, i) => {
      const window = series.slice(Math.max(0, i - 7), i + 1);
      const mean = (key) => window.reduce((sum, q) => sum + q[key], 0) / window.length;
      return { t: p.t, done: mean('done'), failed: mean('failed') };
    });
    drawLines('throughput', smooth, [['done', 'done/s', '#2e9e5b'], ['failed', 'failed/s', '#d64545']],
      'throughput-legend');
    // Latency exists only where tasks ended: ticks without any are left out, not drawn as zero.
    drawLines('latency', series.filter((p) => p.done + p.failed > 0), [['run50', 'run p50', '#2f6fd6'],
      ['run99', 'run p99', '#7b4fd6'], ['lat99', 'submit→end p99', '#d69a2f']], 'latency-legend');
  }

  function drawStream() {
    const { g, width, height } = canvas2d('stream');
    const from = serverMillis - STREAM_MS;
    const shown = bars.filter((b) => b[4] >= from);
    const names = [];
    const index = new Map();
    for (const b of shown) {
      const key = `${b[0]}\u0000${b[1]}`;
      if (!index.has(key) && names.length < MAX_ROWS) { index.set(key, names.length); names.push(key); }
    }
    names.sort();
    names.forEach((n, i) => index.set(n, i));
    const plot = width - ROW_LABEL;
    g.fillStyle = '#6b7480';
    if (names.length === 0) {
      g.fillText('No task ended in the last 30 s.', ROW_LABEL, height / 2);
      return;
    }
    const rowHeight = Math.max(3, Math.min(22, (height - 14) / names.length));
    names.forEach((n, i) => {
      const label = n.split('\u0000')[1];
      if (rowHeight >= 9) g.fillText(label.length > 26 ? `${label.slice(0, 25)}…` : label, 2, i * rowHeight + rowHeight * 0.7);
    });
    for (const b of shown) {
      const row = index.get(`${b[0]}\u0000${b[1]}`);
      if (row === undefined) continue;
      const x0 = ROW_LABEL + Math.max(0, ((b[3] - from) / STREAM_MS) * plot);
      const x1 = ROW_LABEL + ((b[4] - from) / STREAM_MS) * plot;
      g.fillStyle = b[5] === 'FAILED' ? '#d64545' : b[5] === 'CANCELLED' ? '#9aa3ad' : colour(b[2]);
      g.fillRect(x0, row * rowHeight + 1, Math.max(1, x1 - x0 - 0.5), rowHeight - 2);
    }
    g.fillStyle = '#6b7480';
    g.fillText('−30 s', ROW_LABEL, height - 2);
    g.fillText('now', width - 22, height - 2);
  }

  function drawLines(id, points, lines, legendId) {
    const { g, width, height } = canvas2d(id);
    const top = 8, bottom = height - 14, left = 44;
    let max = 0;
    for (const p of points) for (const [key] of lines) max = Math.max(max, p[key]);
    max = max > 0 ? max * 1.1 : 1;
    const from = series.length ? series[0].t : 0;
    const range = Math.max(1, serverMillis - from);
    g.strokeStyle = '#e1e4e8';
    g.beginPath(); g.moveTo(left, bottom + 0.5); g.lineTo(width, bottom + 0.5); g.stroke();
    g.fillStyle = '#6b7480';
    g.fillText(max >= 10 ? fmt(max) : max.toPrecision(2), 2, top + 8);
    g.fillText('0', 2, bottom);
    g.fillText(`last ${span(range)}`, left, height - 2);
    for (const [key, , stroke] of lines) {
      g.strokeStyle = stroke;
      g.lineWidth = 1.5;
      g.beginPath();
      points.forEach((p, i) => {
        const x = left + ((p.t - from) / range) * (width - left);
        const y = bottom - (p[key] / max) * (bottom - top);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
    const last = points.length ? points[points.length - 1] : null;
    $(legendId).textContent = lines
      .map(([key, label]) => `${label} ${last ? (last[key] >= 10 ? fmt(last[key]) : last[key].toFixed(2)) : '–'}`)
      .join(' · ');
  }

  function setStatus(text, live) {
    const s = $('status');
    s.textContent = text;
    s.dataset.live = String(live);
  }

  const source = new EventSource('events');
  source.onopen = () => setStatus('live', true);
  source.onmessage = (e) => receive(JSON.parse(e.data));
  // EventSource reconnects by itself, and the server starts again with a hello.
  source.onerror = () => setStatus('reconnecting…', false);
  window.addEventListener('resize', drawCharts);
})();
