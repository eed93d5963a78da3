import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { del, get, post, qs } from '../api.js';
import { ErrorText, fmtClock, fmtCost, fmtNum, StateBadge } from '../format.js';
import { OAuthAccounts } from './oauth-accounts.js';

/** Fields of the credential schema the add form offers, in this order (an API-key credential). */
const FORM_FIELDS = [
  'id',
  'provider',
  'label',
  'apiKey',
  'baseUrl',
  'proxyUrl',
  'group',
  'prefix',
  'priority',
  'weight',
];
const LABELS = {
  id: 'Id',
  provider: 'Provider',
  label: 'Label',
  apiKey: 'API key',
  baseUrl: 'Base URL',
  proxyUrl: 'Proxy URL',
  group: 'Group',
  prefix: 'Prefix',
  priority: 'Priority',
  weight: 'Weight',
};

export function CredentialsPage() {
  const [list, setList] = useState(null);
  const [usage, setUsage] = useState(new Map());
  const [error, setError] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const load = async () => {
    try {
      const [{ credentials }, agg] = await Promise.all([
        get('credentials'),
        get(`usage${qs({ groupBy: 'credential', from: Date.now() - 86_400_000 })}`).catch(() => ({ aggregates: [] })),
      ]);
      setList(credentials);
      setUsage(new Map(agg.aggregates.map((a) => [a.credentialId, a])));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const act = async (fn) => {
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section>
    <${ErrorText} error=${error} />
    ${
      list &&
      html`<div class="table-wrap"><table id="credentials-table">
        <thead><tr>
          <th scope="col">Id</th><th scope="col">Provider</th><th scope="col">Secret</th><th scope="col">Group</th>
          <th scope="col">State</th><th scope="col">Last 24 h</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>${list.map((c) => {
          const u = usage.get(c.id);
          return html`<tr data-credential=${c.id}>
            <th scope="row">${c.id}${c.label ? html` <small>${c.label}</small>` : ''}</th>
            <td>${c.provider}</td>
            <td><code>${c.apiKey ?? (c.oauth ? 'oauth' : '')}</code>${c.oauth ? html`<${TokenTimes} c=${c} />` : ''}</td>
            <td>${c.group ?? ''}</td>
            <td><${StateBadge} state=${c.state} /></td>
            <td>${u ? `${fmtNum(u.requests)} req, ${fmtNum(u.promptTokens + u.completionTokens)} tok, ${fmtCost(u.cost)}` : '—'}</td>
            <td class="actions">
              ${
                c.disabled
                  ? html`<button type="button" onClick=${() => act(() => post(`credentials/${encodeURIComponent(c.id)}/enable`))}>Enable</button>`
                  : html`<button type="button" onClick=${() => act(() => post(`credentials/${encodeURIComponent(c.id)}/disable`))}>Disable</button>`
              }
              <button type="button" onClick=${() => act(() => post(`credentials/${encodeURIComponent(c.id)}/clear-cooldowns`))}>Clear cooldowns</button>
              ${
                confirming === c.id
                  ? html`<span role="group" aria-label=${`Confirm deleting ${c.id}`}>
                      <button type="button" class="danger" onClick=${() => act(() => del(`credentials/${encodeURIComponent(c.id)}`)).then(() => setConfirming(null))}>Really delete</button>
                      <button type="button" onClick=${() => setConfirming(null)}>Cancel</button>
                    </span>`
                  : html`<button type="button" class="danger" onClick=${() => setConfirming(c.id)}>Delete</button>`
              }
            </td>
          </tr>`;
        })}</tbody>
      </table></div>`
    }
    <${OAuthAccounts} onAdded=${load} />
    <h2>Add an API-key credential</h2>
    <${AddCredential} onAdded=${load} />
  </section>`;
}

/** When an OAuth credential's access token expires and was last refreshed. */
function TokenTimes({ c }) {
  const expires = c.state?.expiresAt ?? c.oauth?.expiresAt;
  const refreshed = c.state?.lastRefreshAt ?? c.oauth?.lastRefreshAt;
  const parts = [expires && `token until ${fmtClock(expires)}`, refreshed && `refreshed ${fmtClock(refreshed)}`];
  const text = parts.filter(Boolean).join(', ');
  return text ? html` <small data-testid="token-times">${text}</small>` : null;
}

/** The add form, its fields taken from the CredentialInput schema of the OpenAPI document. */
function AddCredential({ onAdded }) {
  const [schema, setSchema] = useState(null);
  const [providers, setProviders] = useState([]);
  const [error, setError] = useState(null);
  const [added, setAdded] = useState('');
  useEffect(() => {
    get('openapi.json').then((doc) => setSchema(doc.components.schemas.CredentialInput), setError);
    get('providers').then(
      (p) => setProviders(p.providers),
      () => setProviders([]),
    );
  }, []);
  if (!schema) return html`<${ErrorText} error=${error} />`;
  const fields = FORM_FIELDS.filter((f) => schema.properties?.[f]);
  const required = new Set(schema.required ?? []);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = { kind: 'api-key' };
    for (const f of fields) {
      const v = form.elements[f].value.trim();
      if (v === '') continue;
      const type = schema.properties[f].type;
      body[f] = type === 'number' || type === 'integer' ? Number(v) : v;
    }
    try {
      const saved = await post('credentials', body);
      form.reset();
      setError(null);
      setAdded(saved.id);
      onAdded();
    } catch (err) {
      setAdded('');
      setError(err);
    }
  };
  return html`<form id="add-credential" class="grid-form" onSubmit=${submit} autocomplete="off">
    ${fields.map((f) => {
      const prop = schema.properties[f];
      const invalid = error?.param === f;
      const id = `cred-${f}`;
      const common = { id, name: f, required: required.has(f), 'aria-invalid': invalid ? 'true' : undefined };
      let input;
      if (f === 'provider') {
        input = html`<select ...${common}>${providers.map((p) => html`<option value=${p}>${p}</option>`)}</select>`;
      } else if (prop.type === 'number' || prop.type === 'integer') {
        input = html`<input type="number" step="any" ...${common} />`;
      } else {
        input = html`<input type=${f === 'apiKey' ? 'password' : 'text'} ...${common} />`;
      }
      return html`<label for=${id}>${LABELS[f] ?? f}${required.has(f) ? ' *' : ''}</label>${input}`;
    })}
    <div class="form-actions"><button type="submit">Add credential</button></div>
    <${ErrorText} error=${error} />
    ${added && html`<p class="ok" role="status">Added ${added}.</p>`}
  </form>`;
}
