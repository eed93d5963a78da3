import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorText, fmtNum } from '../format.js';
import { answerText, buildBody, readEvents, streamDelta } from '../playground-wire.js';

const DIALECTS = [
  { id: 'openai-chat', label: 'OpenAI Chat Completions' },
  { id: 'openai-responses', label: 'OpenAI Responses' },
  { id: 'anthropic-messages', label: 'Anthropic Messages' },
  { id: 'gemini', label: 'Gemini generateContent' },
];

export function PlaygroundPage() {
  const [models, setModels] = useState([]);
  const [credentials, setCredentials] = useState([]);
  const [form, setForm] = useState({
    dialect: 'openai-chat',
    model: '',
    credentialId: '',
    prompt: 'Say hello in five words.',
    stream: true,
    max_tokens: '256',
    temperature: '',
    top_p: '',
  });
  const [sent, setSent] = useState(null);
  const [answer, setAnswer] = useState('');
  const [meta, setMeta] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef(null);
  useEffect(() => {
    get('models').then((r) => {
      setModels(r.models.map((m) => m.id));
      setForm((f) => (f.model ? f : { ...f, model: r.models[0]?.id ?? '' }));
    }, setError);
    get('credentials').then(
      (r) => setCredentials(r.credentials.map((c) => c.id)),
      () => setCredentials([]),
    );
    return () => abort.current?.abort();
  }, []);
  const set = (name) => (e) => {
    const t = e.currentTarget;
    setForm({ ...form, [name]: t.type === 'checkbox' ? t.checked : t.value });
  };
  const body = buildBody(form);
  const run = async (e) => {
    e.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setAnswer('');
    setMeta(null);
    setError(null);
    const payload = { dialect: form.dialect, model: form.model, stream: form.stream, body };
    if (form.credentialId) payload.credentialId = form.credentialId;
    setSent(body);
    const started = performance.now();
    try {
      const res = await request('POST', 'playground', payload, { raw: true, signal: controller.signal });
      const info = {
        status: res.status,
        credential: res.headers.get('x-switchyard-credential') ?? '',
        provider: res.headers.get('x-switchyard-provider') ?? '',
        model: res.headers.get('x-switchyard-model') ?? '',
        attempts: res.headers.get('x-switchyard-attempts') ?? '',
      };
      if (!res.ok || !form.stream || !(res.headers.get('content-type') ?? '').includes('event-stream')) {
        const text = await res.text();
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {}
        if (!res.ok) throw new Error(parsed?.error?.message ?? text);
        const { text: out, usage } = answerText(form.dialect, parsed);
        setAnswer(out);
        setMeta({ ...info, usage, ms: performance.now() - started });
        return;
      }
      let usage;
      let text = '';
      let first;
      for await (const event of readEvents(res.body)) {
        first ??= performance.now() - started;
        const d = streamDelta(form.dialect, event);
        if (d.text) {
          text += d.text;
          setAnswer(text);
        }
        if (d.usage) usage = { ...usage, ...d.usage };
        if (d.error) throw new Error(d.error);
      }
      setMeta({ ...info, usage, ms: performance.now() - started, ttfb: first });
    } catch (err) {
      if (err.name !== 'AbortError') setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="playground">
    <form id="playground-form" class="grid-form" onSubmit=${run}>
      <label for="pg-dialect">Caller dialect</label>
      <select id="pg-dialect" value=${form.dialect} onChange=${set('dialect')}>
        ${DIALECTS.map((d) => html`<option value=${d.id}>${d.label}</option>`)}
      </select>
      <label for="pg-model">Model</label>
      <select id="pg-model" value=${form.model} onChange=${set('model')}>
        ${models.map((m) => html`<option value=${m}>${m}</option>`)}
      </select>
      <label for="pg-credential">Credential</label>
      <select id="pg-credential" value=${form.credentialId} onChange=${set('credentialId')}>
        <option value="">Any (the gateway picks)</option>
        ${credentials.map((c) => html`<option value=${c}>${c}</option>`)}
      </select>
      <label for="pg-prompt">Message</label>
      <textarea id="pg-prompt" rows="3" value=${form.prompt} onInput=${set('prompt')}></textarea>
      <label for="pg-stream">Stream</label>
      <input id="pg-stream" type="checkbox" checked=${form.stream} onChange=${set('stream')} />
      <label for="pg-max">max_tokens</label>
      <input id="pg-max" type="number" min="1" value=${form.max_tokens} onInput=${set('max_tokens')} />
      <label for="pg-temp">temperature</label>
      <input id="pg-temp" type="number" min="0" max="2" step="0.1" value=${form.temperature} onInput=${set('temperature')} />
      <label for="pg-top">top_p</label>
      <input id="pg-top" type="number" min="0" max="1" step="0.05" value=${form.top_p} onInput=${set('top_p')} />
      <div class="form-actions"><button type="submit" disabled=${busy || !form.model}>Send</button></div>
    </form>
    <div class="pg-out">
      <h2>Request body</h2>
      <pre id="pg-request">${JSON.stringify(sent ?? body, null, 2)}</pre>
      <h2>Answer</h2>
      <${ErrorText} error=${error} />
      <pre id="pg-answer" aria-live="polite" aria-busy=${busy ? 'true' : 'false'}>${answer}</pre>
      ${
        meta &&
        html`<dl id="pg-meta" class="meta">
          <dt>Status</dt><dd>${meta.status}</dd>
          <dt>Credential</dt><dd data-testid="pg-credential">${meta.credential} (${meta.provider})</dd>
          <dt>Upstream model</dt><dd>${meta.model}</dd>
          <dt>Attempts</dt><dd>${meta.attempts}</dd>
          <dt>Latency</dt><dd>${fmtNum(Math.round(meta.ms))} ms${meta.ttfb !== undefined ? `, first byte ${fmtNum(Math.round(meta.ttfb))} ms` : ''}</dd>
          <dt>Usage</dt><dd data-testid="pg-usage">${meta.usage ? `${fmtNum(meta.usage.input)} in, ${fmtNum(meta.usage.output)} out` : 'not reported'}</dd>
        </dl>`
      }
    </div>
  </section>`;
}
