import 'uplot/dist/uPlot.min.css';
import './app.css';
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSession, login, logout, session } from './api.js';
import { ErrorText } from './format.js';
import { ConfigPage } from './pages/config.js';
import { CredentialsPage } from './pages/credentials.js';
import { KeysPage } from './pages/keys.js';
import { OverviewPage } from './pages/overview.js';
import { PlaygroundPage } from './pages/playground.js';
import { UsagePage } from './pages/usage.js';

const PAGES = [
  { id: 'overview', title: 'Overview', Page: OverviewPage },
  { id: 'credentials', title: 'Credentials', Page: CredentialsPage },
  { id: 'keys', title: 'Client keys', Page: KeysPage },
  { id: 'usage', title: 'Usage', Page: UsagePage },
  { id: 'playground', title: 'Playground', Page: PlaygroundPage },
  { id: 'config', title: 'Config', Page: ConfigPage },
];

const current = () => location.hash.replace(/^#\/?/, '') || 'overview';

function Login({ onDone, expired }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // `autofocus` works on the first page load only; the form also comes back when a session ends.
  useEffect(() => document.getElementById('secret')?.focus(), []);
  const submit = async (e) => {
    e.preventDefault();
    const field = e.currentTarget.elements.secret;
    setBusy(true);
    try {
      await login(field.value);
      field.value = '';
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <h1>switchyard</h1>
    ${
      expired &&
      html`<p id="session-expired" class="notice" role="alert">
        Your session has ended (it expired, was logged out, or the gateway restarted). Log in again to go on.
      </p>`
    }
    <form onSubmit=${submit} aria-label="Log in">
      <label for="secret">Management secret</label>
      <input id="secret" name="secret" type="password" autocomplete="current-password" required autofocus />
      <button type="submit" disabled=${busy}>Log in</button>
      <${ErrorText} error=${error} />
    </form>
  </main>`;
}

function App() {
  const [state, setState] = useState('loading');
  const [page, setPage] = useState(current());
  useEffect(() => {
    loadSession().then((ok) => setState(ok ? 'in' : 'out'));
    const onHash = () => setPage(current());
    const onExpired = () => setState('expired');
    window.addEventListener('hashchange', onHash);
    window.addEventListener('switchyard:session-expired', onExpired);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('switchyard:session-expired', onExpired);
    };
  }, []);
  if (state === 'loading') return html`<p class="loading">Loading…</p>`;
  if (state === 'out' || state === 'expired') {
    return html`<${Login} expired=${state === 'expired'} onDone=${() => setState('in')} />`;
  }
  const active = PAGES.find((p) => p.id === page) ?? PAGES[0];
  const out = async () => {
    await logout();
    setState('out');
  };
  return html`<div class="shell">
    <header>
      <span class="brand">switchyard</span>
      <nav aria-label="Pages">
        ${PAGES.map(
          (p) => html`<a href=${`#/${p.id}`} aria-current=${p.id === active.id ? 'page' : undefined}>${p.title}</a>`,
        )}
      </nav>
      <button type="button" class="quiet" onClick=${out}>Log out</button>
    </header>
    <main id="page" data-page=${active.id}>
      <h1>${active.title}</h1>
      <${active.Page} key=${active.id} session=${session} />
    </main>
  </div>`;
}

/**
 * Each table cell gets its column's heading as `data-label`, which the narrow layout shows beside the
 * value when a table's rows become cards (app.css), so a phone needs no sideways scrolling.
 */
function labelCells(root) {
  for (const table of root.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const tr of table.querySelectorAll('tbody tr')) {
      [...tr.children].forEach((cell, i) => {
        if (heads[i] && cell.dataset.label !== heads[i]) cell.dataset.label = heads[i];
      });
    }
  }
}

const root = document.getElementById('app');
let queued = false;
new MutationObserver(() => {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    labelCells(root);
  });
}).observe(root, { childList: true, subtree: true });
render(html`<${App} />`, root);
