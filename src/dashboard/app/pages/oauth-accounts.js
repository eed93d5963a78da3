import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api.js';
import { ErrorText, fmtClock } from '../format.js';

const POLL_MS = 2000;
const FLOW_NAMES = {
  authorization_code: 'browser sign-in',
  device: 'code on another device',
  client_credentials: 'client credentials',
};

/** Only web addresses become links (never `javascript:` or the like). */
const webUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : undefined);

/**
 * "Add account" for each OAuth profile of the gateway (GET oauth/profiles): starts a flow, shows the
 * sign-in link or the device code, follows the flow every 2 s until it ends, and refreshes the
 * credential list when it succeeds. Nothing when the gateway has no OAuth routes (404) or no profiles.
 */
export function OAuthAccounts({ onAdded }) {
  const [profiles, setProfiles] = useState(null);
  const [flow, setFlow] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    get('oauth/profiles').then(
      (r) => setProfiles(r.profiles ?? []),
      (err) => {
        setProfiles([]);
        if (err.status !== 404) setError(err);
      },
    );
  }, []);
  const pending = flow?.state === 'pending';
  useEffect(() => {
    if (!pending) return undefined;
    let alive = true;
    const timer = setInterval(async () => {
      try {
        const next = await get(`oauth/flows/${encodeURIComponent(flow.id)}`);
        if (!alive) return;
        setFlow((f) => ({ ...f, ...next }));
        if (next.state === 'succeeded') onAdded();
      } catch (err) {
        if (alive) setError(err);
      }
    }, POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [flow?.id, pending]);
  if (!profiles || (profiles.length === 0 && !error)) return null;
  const start = async (profile) => {
    setError(null);
    try {
      const started = await post('oauth/flows', { profile: profile.name });
      setFlow({ ...started, label: profile.label ?? profile.name });
      if (started.state === 'succeeded') onAdded();
    } catch (err) {
      setError(err);
    }
  };
  const cancel = async () => {
    try {
      const r = await del(`oauth/flows/${encodeURIComponent(flow.id)}`);
      setFlow((f) => ({ ...f, state: r.state }));
    } catch (err) {
      setError(err);
    }
  };
  return html`<section id="oauth-accounts" aria-labelledby="oauth-title">
    <h2 id="oauth-title">Add an OAuth account</h2>
    <${ErrorText} error=${error} />
    <div class="table-wrap"><table id="oauth-profiles">
      <thead><tr><th scope="col">Profile</th><th scope="col">Provider</th><th scope="col">How</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
      <tbody>${profiles.map(
        (p) => html`<tr data-profile=${p.name}>
          <th scope="row">${p.label ?? p.name}${p.label ? html` <small>${p.name}</small>` : ''}</th>
          <td>${p.provider}</td>
          <td>${FLOW_NAMES[p.flow] ?? p.flow}</td>
          <td><button type="button" disabled=${pending} aria-label=${`Add account: ${p.label ?? p.name}`} onClick=${() => start(p)}>Add account</button></td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${flow && html`<${FlowPanel} flow=${flow} onCancel=${cancel} onChange=${setFlow} onError=${setError} onAdded=${onAdded} />`}
  </section>`;
}

function FlowPanel({ flow, onCancel, onChange, onError, onAdded }) {
  const pending = flow.state === 'pending';
  const authUrl = webUrl(flow.authorizationUrl);
  const verify = webUrl(flow.verificationUriComplete) ?? webUrl(flow.verificationUri);
  const paste = async (e) => {
    e.preventDefault();
    const field = e.currentTarget.elements.redirect;
    const value = field.value.trim();
    if (!value) return;
    try {
      const body = /^https?:\/\//i.test(value) ? { url: value } : { code: value };
      const next = await post(`oauth/flows/${encodeURIComponent(flow.id)}/code`, body);
      field.value = '';
      onChange((f) => ({ ...f, ...next }));
      if (next.state === 'succeeded') onAdded();
    } catch (err) {
      onError(err);
    }
  };
  return html`<div id="oauth-flow" class="notice" data-state=${flow.state}>
    <p><strong>${flow.label}</strong>: <span id="oauth-state" role="status">${stateText(flow)}</span></p>
    ${
      pending &&
      authUrl &&
      html`<p><a id="oauth-link" href=${authUrl} target="_blank" rel="noopener noreferrer">Open the sign-in page</a> (a new tab); this page follows the sign-in and adds the account when it is done.</p>
        <form id="oauth-paste" class="filters" onSubmit=${paste}>
          <label for="oauth-redirect">Signed in on another machine? Paste the address it sent you to, or the code</label>
          <input id="oauth-redirect" name="redirect" autocomplete="off" />
          <button type="submit">Send</button>
        </form>`
    }
    ${
      pending &&
      flow.userCode &&
      html`<p>Enter the code <code id="oauth-code" class="user-code">${flow.userCode}</code> at
        ${verify ? html`<a id="oauth-verify" href=${verify} target="_blank" rel="noopener noreferrer">${flow.verificationUri ?? verify}</a>` : (flow.verificationUri ?? 'the provider’s page')}.</p>`
    }
    ${pending && html`<button type="button" class="danger" onClick=${onCancel}>Cancel</button>`}
  </div>`;
}

function stateText(flow) {
  switch (flow.state) {
    case 'pending':
      return `waiting for the sign-in${flow.expiresAt ? ` (until ${fmtClock(Date.parse(flow.expiresAt))})` : ''}…`;
    case 'succeeded':
      return `added${flow.credentialId ? ` as ${flow.credentialId}` : ''}.`;
    case 'failed':
      return `failed${flow.error ? `: ${flow.error}` : ''}.`;
    case 'cancelled':
      return 'cancelled.';
    case 'expired':
      return 'expired before the sign-in finished; start again.';
    default:
      return String(flow.state);
  }
}
