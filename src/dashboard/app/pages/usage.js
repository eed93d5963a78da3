import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../api.js';
import { Chart } from '../chart.js';
import { ErrorText, fmtNum, fmtTime } from '../format.js';

const RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };
const PAGE = 50;
const COLUMNS = [
  'timestamp',
  'principal',
  'credentialId',
  'provider',
  'modelRequested',
  'modelUsed',
  'dialect',
  'stream',
  'success',
  'status',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'reasoningTokens',
  'latencyMs',
  'cost',
  'currency',
];

function csvCell(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvRow(r) {
  return COLUMNS.map((c) =>
    csvCell(
      c === 'cost'
        ? r.cost?.amount
        : c === 'currency'
          ? r.cost?.currency
          : c === 'timestamp'
            ? new Date(r.timestamp).toISOString()
            : r[c],
    ),
  ).join(',');
}

export function UsagePage() {
  const [filters, setFilters] = useState({ principal: '', credentialId: '', model: '', range: 'day' });
  const [page, setPage] = useState({ records: [], nextCursor: undefined });
  const [cursors, setCursors] = useState([undefined]);
  const [chart, setChart] = useState(null);
  const [error, setError] = useState(null);
  const query = (extra = {}) => ({
    principal: filters.principal,
    credentialId: filters.credentialId,
    model: filters.model,
    from: Date.now() - RANGES[filters.range],
    ...extra,
  });
  const loadPage = async (cursor) => {
    try {
      setPage(await get(`usage/records${qs(query({ limit: PAGE, cursor }))}`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const loadChart = async () => {
    const bucket = filters.range === 'hour' || filters.range === 'day' ? 'hour' : 'day';
    try {
      const { aggregates } = await get(`usage${qs(query({ bucket }))}`);
      const rows = aggregates.sort((a, b) => a.bucketStart - b.bucketStart);
      setChart({
        x: rows.map((a) => a.bucketStart / 1000),
        tokens: rows.map((a) => a.promptTokens + a.completionTokens),
        cost: rows.map((a) => Object.values(a.cost).reduce((s, v) => s + v, 0)),
        bucket,
      });
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    setCursors([undefined]);
    loadPage(undefined);
    loadChart();
  }, [JSON.stringify(filters)]);
  const next = () => {
    setCursors([...cursors, page.nextCursor]);
    loadPage(page.nextCursor);
  };
  const prev = () => {
    const c = cursors.slice(0, -1);
    setCursors(c);
    loadPage(c[c.length - 1]);
  };
  const download = async () => {
    const rows = [COLUMNS.join(',')];
    let cursor;
    try {
      for (let i = 0; i < 20; i++) {
        const p = await get(`usage/records${qs(query({ limit: 1000, cursor }))}`);
        for (const r of p.records) rows.push(csvRow(r));
        cursor = p.nextCursor;
        if (!cursor) break;
      }
    } catch (err) {
      setError(err);
      return;
    }
    const url = URL.createObjectURL(new Blob([`${rows.join('\n')}\n`], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `switchyard-usage-${new Date().toISOString().slice(0, 19)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const apply = (e) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    setFilters({
      principal: f.principal.value.trim(),
      credentialId: f.credentialId.value.trim(),
      model: f.model.value.trim(),
      range: f.range.value,
    });
  };
  return html`<section>
    <form id="usage-filters" class="filters" onSubmit=${apply}>
      <label for="f-key">Client key</label><input id="f-key" name="principal" value=${filters.principal} />
      <label for="f-cred">Credential</label><input id="f-cred" name="credentialId" value=${filters.credentialId} />
      <label for="f-model">Model</label><input id="f-model" name="model" value=${filters.model} />
      <label for="f-range">Time range</label>
      <select id="f-range" name="range" value=${filters.range}>
        <option value="hour">Last hour</option><option value="day">Last day</option>
        <option value="week">Last 7 days</option><option value="month">Last 30 days</option>
      </select>
      <button type="submit">Apply</button>
      <button type="button" onClick=${download}>Download CSV</button>
    </form>
    <${ErrorText} error=${error} />
    ${
      chart &&
      html`<div class="charts">
        <${Chart} title=${`Tokens per ${chart.bucket}`} x=${chart.x} series=${[{ label: 'tokens', values: chart.tokens }]} />
        <${Chart} title=${`Cost per ${chart.bucket}`} x=${chart.x} series=${[{ label: 'cost', values: chart.cost }]} />
      </div>`
    }
    <div class="table-wrap"><table id="usage-table">
      <thead><tr><th scope="col">Time</th><th scope="col">Client key</th><th scope="col">Credential</th><th scope="col">Model</th><th scope="col">Dialect</th><th scope="col">Status</th><th scope="col">Tokens in/out</th><th scope="col">Latency</th><th scope="col">Cost</th></tr></thead>
      <tbody>${page.records.map(
        (r) => html`<tr>
          <td>${fmtTime(r.timestamp)}</td><td>${r.principal ?? ''}</td><td>${r.credentialId ?? ''}</td>
          <td>${r.modelUsed ?? r.modelRequested}</td><td>${r.dialect}${r.stream ? ' (stream)' : ''}</td>
          <td>${r.success ? 'ok' : (r.errorCode ?? 'error')} ${r.status ?? ''}</td>
          <td>${fmtNum(r.promptTokens)} / ${fmtNum(r.completionTokens)}</td><td>${fmtNum(r.latencyMs)} ms</td>
          <td>${r.cost ? `${r.cost.amount.toFixed(6)} ${r.cost.currency}` : '—'}</td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${page.records.length === 0 && html`<p>No records in this range.</p>`}
    <div class="pager">
      <button type="button" onClick=${prev} disabled=${cursors.length <= 1}>Newer</button>
      <span>Page ${cursors.length}</span>
      <button type="button" onClick=${next} disabled=${!page.nextCursor}>Older</button>
    </div>
  </section>`;
}
