import { html } from 'htm/preact';

export const fmtTime = (ms) => (ms ? new Date(ms).toLocaleString() : '');
export const fmtClock = (ms) => new Date(ms).toLocaleTimeString();
export const fmtNum = (n) => (n ?? 0).toLocaleString();

/** Cost per currency as text: `0.0123 USD`. */
export function fmtCost(cost) {
  const parts = Object.entries(cost ?? {}).map(([c, v]) => `${v.toFixed(4)} ${c}`);
  return parts.length ? parts.join(', ') : '0';
}

/** Seconds or minutes until `until`, from `now`. */
export function fmtIn(until, now = Date.now()) {
  const s = Math.max(0, Math.round((until - now) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

/** The state of a credential in words, from its status entry. */
export function stateOf(state) {
  if (!state) return { kind: 'unknown', text: 'unknown' };
  if (state.disabled) {
    const why = state.disabledReason ?? state.lastErrorKind;
    return { kind: 'disabled', text: `disabled${why ? ` (${why})` : ''}` };
  }
  if (state.cooldowns.length > 0) {
    const text = state.cooldowns
      .map(
        (c) =>
          `cooling ${c.model === '*' ? 'all models' : c.model} (${c.reason}) until ${fmtClock(c.until)}, ${fmtIn(c.until)} left`,
      )
      .join('; ');
    return { kind: 'cooling', text };
  }
  if (state.circuit === 'open') return { kind: 'cooling', text: 'circuit open' };
  return { kind: 'up', text: 'up' };
}

export const StateBadge = ({ state }) => {
  const s = stateOf(state);
  return html`<span class="badge badge-${s.kind}" data-state=${s.kind}>${s.text}</span>`;
};

export const ErrorText = ({ error }) =>
  error ? html`<p class="error" role="alert">${error.message ?? String(error)}</p>` : null;
