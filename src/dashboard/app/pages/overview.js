import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../api.js';
import { Chart } from '../chart.js';
import { ErrorText, fmtCost, fmtNum, StateBadge } from '../format.js';

const REFRESH_MS = 3000;
const HOUR = 3_600_000;

/** Per-minute series over the last hour, from the raw records (at most a few pages). */
async function lastHour(now) {
  const from = now - HOUR;
  const records = [];
  let cursor;
  for (let page = 0; page < 5; page++) {
    const res = await get(`usage/records${qs({ from, limit: 1000, cursor })}`);
    records.push(...res.records);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  const start = Math.floor(from / 60_000) * 60_000;
  const n = 61;
  const x = Array.from({ length: n }, (_, i) => (start + i * 60_000) / 1000);
  const req = new Array(n).fill(0);
  const err = new Array(n).fill(0);
  const tok = new Array(n).fill(0);
  const cost = new Array(n).fill(0);
  for (const r of records) {
    const i = Math.floor((r.timestamp - start) / 60_000);
    if (i < 0 || i >= n) continue;
    req[i] += 1 / 60;
    if (!r.success) err[i] += 1;
    tok[i] += (r.promptTokens ?? 0) + (r.completionTokens ?? 0);
    cost[i] += r.cost?.amount ?? 0;
  }
  return { x, req, err, tok, cost, unit: 'minute' };
}

/** Per-hour series over the last day, from the ledger's aggregates. */
async function lastDay(now) {
  const from = Math.floor((now - 24 * HOUR) / HOUR) * HOUR;
  const { aggregates } = await get(`usage${qs({ from, bucket: 'hour' })}`);
  const n = 25;
  const x = Array.from({ length: n }, (_, i) => (from + i * HOUR) / 1000);
  const req = new Array(n).fill(0);
  const err = new Array(n).fill(0);
  const tok = new Array(n).fill(0);
  const cost = new Array(n).fill(0);
  for (const a of aggregates) {
    const i = Math.floor((a.bucketStart - from) / HOUR);
    if (i < 0 || i >= n) continue;
    req[i] += a.requests / 3600;
    err[i] += a.errors;
    tok[i] += a.promptTokens + a.completionTokens;
    cost[i] += Object.values(a.cost).reduce((s, v) => s + v, 0);
  }
  return { x, req, err, tok, cost, unit: 'hour' };
}

export function OverviewPage() {
  const [status, setStatus] = useState(null);
  const [series, setSeries] = useState(null);
  const [range, setRange] = useState('hour');
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const now = Date.now();
        const [s, u] = await Promise.all([
          get('status'),
          (range === 'hour' ? lastHour : lastDay)(now).catch(() => null),
        ]);
        if (!alive) return;
        setStatus(s);
        setSeries(u);
        setError(null);
      } catch (err) {
        if (alive) setError(err);
      }
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [range]);
  return html`<section>
    <${ErrorText} error=${error} />
    ${
      status &&
      html`<p class="summary">
        <span>Version ${status.version}</span> · <span>up ${fmtNum(status.uptimeSeconds)} s</span> · <span data-testid="in-flight">${status.inFlight} in flight</span>
      </p>`
    }
    <div class="toolbar">
      <label for="range">Range</label>
      <select id="range" value=${range} onChange=${(e) => setRange(e.currentTarget.value)}>
        <option value="hour">Last hour (per minute)</option>
        <option value="day">Last day (per hour)</option>
      </select>
    </div>
    ${
      series &&
      html`<div class="charts">
        <${Chart} title="Requests/s" x=${series.x} series=${[{ label: 'req/s', values: series.req }]} />
        <${Chart} title=${`Errors per ${series.unit}`} x=${series.x} series=${[{ label: 'errors', values: series.err }]} />
        <${Chart} title=${`Tokens per ${series.unit}`} x=${series.x} series=${[{ label: 'tokens', values: series.tok }]} />
        <${Chart} title=${`Cost per ${series.unit}`} x=${series.x} series=${[{ label: 'cost', values: series.cost }]} />
      </div>`
    }
    <h2>Credentials</h2>
    ${status && html`<${StatusTable} credentials=${status.credentials} />`}
  </section>`;
}

function StatusTable({ credentials }) {
  if (credentials.length === 0) return html`<p>No credentials.</p>`;
  return html`<div class="table-wrap"><table id="status-table">
    <thead><tr><th scope="col">Credential</th><th scope="col">Provider</th><th scope="col">State</th><th scope="col">In flight</th><th scope="col">Last error</th></tr></thead>
    <tbody>
      ${credentials.map(
        (c) => html`<tr data-credential=${c.id}>
          <th scope="row">${c.id}${c.label ? html` <small>${c.label}</small>` : ''}</th>
          <td>${c.provider}</td>
          <td><${StateBadge} state=${c} /></td>
          <td>${c.inFlight}</td>
          <td>${c.lastErrorKind ?? ''}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

export { fmtCost };
