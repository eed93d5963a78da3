import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../api.js';
import { ErrorText } from '../format.js';

/** Line numbers named by the loader's messages: `key (line 12): …` or `config.yaml:12: …`. */
export function errorLines(message) {
  const lines = new Set();
  for (const m of message.matchAll(/\(line (\d+)\)|:(\d+):/g)) lines.add(Number(m[1] ?? m[2]));
  return lines;
}

export function ConfigPage() {
  const [text, setText] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    get('config').then((r) => setText(r.yaml), setError);
  }, []);
  const save = async (e) => {
    e.preventDefault();
    setSaved(false);
    try {
      await put('config', { yaml: text });
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  if (text === null) return html`<${ErrorText} error=${error} />`;
  const bad = error ? errorLines(error.message) : new Set();
  const count = text.split('\n').length;
  return html`<form id="config-form" onSubmit=${save}>
    <p class="muted" id="config-help">Secrets are masked. Leave a mask as shown to keep that secret; to change one, put the real value or an \${ENV} reference.</p>
    <div class="editor">
      <ol class="gutter" aria-hidden="true">
        ${Array.from({ length: count }, (_, i) => html`<li class=${bad.has(i + 1) ? 'bad-line' : ''} data-line=${i + 1}>${i + 1}</li>`)}
      </ol>
      <label for="config-text" class="visually-hidden">Config YAML</label>
      <textarea id="config-text" spellcheck="false" rows=${Math.min(40, count + 2)} value=${text} onInput=${(e) => setText(e.currentTarget.value)} aria-invalid=${error ? 'true' : undefined} aria-describedby="config-help config-error"></textarea>
    </div>
    <div id="config-error">
      ${error && html`<p class="error" role="alert">${[...bad].length ? `Line ${[...bad].join(', ')}: ` : ''}${error.message}</p>`}
    </div>
    ${saved && html`<p class="ok" role="status">Saved and applied.</p>`}
    <button type="submit">Save config</button>
  </form>`;
}
