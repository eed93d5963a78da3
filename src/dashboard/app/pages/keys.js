import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api.js';
import { ErrorText, fmtNum, fmtTime } from '../format.js';

const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function Bar({ label, used, limit }) {
  const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
  return html`<div class="bar-row">
    <span>${label}</span>
    <progress max="100" value=${pct} aria-label=${label}>${pct.toFixed(0)}%</progress>
    <span>${used.toFixed(used < 10 ? 4 : 0)} / ${limit}</span>
  </div>`;
}

function Budgets({ k }) {
  const bars = [];
  for (const b of k.costBudgets ?? []) {
    const currency = b.currency ?? 'USD';
    const used = k.usage?.[b.period]?.cost?.[currency] ?? 0;
    bars.push(html`<${Bar} label=${`${currency} per ${b.period}`} used=${used} limit=${b.amount} />`);
  }
  if (k.budget)
    bars.push(html`<${Bar} label="tokens (month)" used=${k.usage?.month?.tokens ?? 0} limit=${k.budget.tokens} />`);
  return bars.length ? bars : html`<span class="muted">no budget</span>`;
}

export function KeysPage() {
  const [keys, setKeys] = useState(null);
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [copied, setCopied] = useState(false);
  const load = () =>
    get('api-keys').then((r) => {
      setKeys(r.keys);
      setError(null);
    }, setError);
  useEffect(() => {
    load();
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = form.elements;
    const body = {};
    if (f.name.value.trim()) body.name = f.name.value.trim();
    if (f.models.value.trim()) body.models = list(f.models.value);
    for (const n of ['rpm', 'tpm', 'maxConcurrent']) if (f[n].value) body[n] = Number(f[n].value);
    if (f.tokens.value) body.budget = { tokens: Number(f.tokens.value) };
    if (f.costAmount.value) {
      body.costBudgets = [
        { period: f.costPeriod.value, amount: Number(f.costAmount.value), currency: f.currency.value || 'USD' },
      ];
    }
    if (f.expires.value) body.expiresAt = new Date(f.expires.value).getTime();
    try {
      const key = await post('api-keys', body);
      form.reset();
      setCopied(false);
      setCreated(key);
      setError(null);
      load();
    } catch (err) {
      setError(err);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      document.getElementById('new-key')?.select?.();
    }
  };
  const revoke = async (id) => {
    try {
      await del(`api-keys/${encodeURIComponent(id)}`);
      setConfirming(null);
      load();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section>
    <${ErrorText} error=${error} />
    ${
      created &&
      html`<div class="notice" role="status">
        <p>New key <strong>${created.name ?? created.id}</strong>. It is shown only now: copy it and store it.</p>
        <label for="new-key">Key</label>
        <input id="new-key" readonly value=${created.key} onFocus=${(e) => e.currentTarget.select()} />
        <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
        <button type="button" class="quiet" onClick=${() => setCreated(null)}>Done</button>
      </div>`
    }
    ${keys && keys.length === 0 && html`<p class="muted">No client keys yet.</p>`}
    ${
      keys &&
      html`<div class="table-wrap"><table id="keys-table">
        <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Limits</th><th scope="col">Today</th><th scope="col">Budget</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
        <tbody>${keys.map(
          (k) => html`<tr data-key=${k.id}>
            <th scope="row">${k.name ?? k.id}</th>
            <td><code>${k.prefix}…</code></td>
            <td>${[k.models && `models ${k.models.join(', ')}`, k.rpm && `${k.rpm} rpm`, k.tpm && `${k.tpm} tpm`, k.maxConcurrent && `${k.maxConcurrent} at once`, k.expiresAt && `expires ${fmtTime(k.expiresAt)}`].filter(Boolean).join('; ') || 'none'}</td>
            <td>${k.usage ? `${fmtNum(k.usage.day.requests)} req, ${fmtNum(k.usage.day.tokens)} tok` : ''}</td>
            <td><${Budgets} k=${k} /></td>
            <td>${fmtTime(k.createdAt)}</td>
            <td class="actions">${
              confirming === k.id
                ? html`<button type="button" class="danger" onClick=${() => revoke(k.id)}>Really revoke</button><button type="button" onClick=${() => setConfirming(null)}>Cancel</button>`
                : html`<button type="button" class="danger" onClick=${() => setConfirming(k.id)}>Revoke</button>`
            }</td>
          </tr>`,
        )}</tbody>
      </table></div>`
    }
    <h2>Create a client key</h2>
    <form id="create-key" class="grid-form" onSubmit=${submit} autocomplete="off">
      <label for="key-name">Name</label><input id="key-name" name="name" />
      <label for="key-models">Models (comma-separated, * wildcards)</label><input id="key-models" name="models" />
      <label for="key-rpm">Requests per minute</label><input id="key-rpm" name="rpm" type="number" min="1" />
      <label for="key-tpm">Tokens per minute</label><input id="key-tpm" name="tpm" type="number" min="1" />
      <label for="key-conc">Requests at once</label><input id="key-conc" name="maxConcurrent" type="number" min="1" />
      <label for="key-tokens">Token budget (30 days)</label><input id="key-tokens" name="tokens" type="number" min="1" />
      <label for="key-cost">Cost budget</label><input id="key-cost" name="costAmount" type="number" min="0" step="any" />
      <label for="key-period">Cost budget period</label><select id="key-period" name="costPeriod"><option value="day">day</option><option value="month">month</option></select>
      <label for="key-currency">Currency</label><input id="key-currency" name="currency" placeholder="USD" maxlength="3" />
      <label for="key-expires">Expires</label><input id="key-expires" name="expires" type="datetime-local" />
      <div class="form-actions"><button type="submit">Create key</button></div>
    </form>
  </section>`;
}
