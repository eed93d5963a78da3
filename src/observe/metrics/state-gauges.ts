import { Counter, Gauge, type Registry } from 'prom-client';
import type { CredentialStatus, ManagerStatus } from '../../manager/types.js';
import type { DropCounter, MetricsSource } from './types.js';

const STATES = ['up', 'cooling', 'disabled'] as const;

/** `disabled` by its record, `cooling` while any cooldown is in force or its circuit is open, else `up`. */
function stateOf(credential: CredentialStatus): (typeof STATES)[number] {
  if (credential.disabled) return 'disabled';
  if (credential.cooldowns.length > 0 || credential.circuit === 'open') return 'cooling';
  return 'up';
}

/**
 * The gauges computed at scrape time, never per request: credentials by state (and, when the operator
 * opts in, each credential's state and in-flight count), requests in flight, and ledger drops. One scrape
 * reads `status()` once, however many gauges need it.
 */
export class StateGauges {
  /** The metric names, for removing them again. */
  readonly names: string[] = [];
  readonly #source: MetricsSource;
  readonly #sinks = new Map<DropCounter, string>();
  #snapshot: Promise<ManagerStatus | undefined> | undefined;

  constructor(source: MetricsSource, registry: Registry, prefix: string, credentialLabels: boolean) {
    this.#source = source;
    const registers = [registry];
    const name = (suffix: string) => {
      this.names.push(prefix + suffix);
      return prefix + suffix;
    };
    const snapshot = () => this.#status();
    new Gauge({
      name: name('credentials'),
      help: 'Credentials by provider and state: up, cooling (a cooldown in force or the circuit open), disabled.',
      labelNames: ['provider', 'state'],
      registers,
      async collect() {
        const status = await snapshot();
        this.reset();
        if (!status) return;
        const counts = new Map<string, Record<string, number>>();
        for (const credential of status.credentials) {
          let byState = counts.get(credential.provider);
          if (!byState) {
            byState = { up: 0, cooling: 0, disabled: 0 };
            counts.set(credential.provider, byState);
          }
          byState[stateOf(credential)]! += 1;
        }
        for (const [provider, byState] of counts) {
          for (const state of STATES) this.set({ provider, state }, byState[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: name('requests_in_flight'),
      help: 'Requests and open streams being served by this process.',
      registers,
      async collect() {
        const status = await snapshot();
        this.set(status?.inFlight ?? 0);
      },
    });
    if (credentialLabels) {
      new Gauge({
        name: name('credential_state'),
        help: 'Each credential: 1 for the state it is in (up, cooling, disabled), 0 for the others.',
        labelNames: ['credential', 'provider', 'state'],
        registers,
        async collect() {
          const status = await snapshot();
          this.reset();
          for (const credential of status?.credentials ?? []) {
            const current = stateOf(credential);
            for (const state of STATES) {
              this.set({ credential: credential.id, provider: credential.provider, state }, state === current ? 1 : 0);
            }
          }
        },
      });
      new Gauge({
        name: name('credential_in_flight'),
        help: 'Requests and streams in flight on each credential (across instances with a shared state store).',
        labelNames: ['credential', 'provider'],
        registers,
        async collect() {
          const status = await snapshot();
          this.reset();
          for (const credential of status?.credentials ?? []) {
            this.set({ credential: credential.id, provider: credential.provider }, credential.inFlight);
          }
        },
      });
    }
    const sinks = this.#sinks;
    new Counter({
      name: name('ledger_dropped_total'),
      help: 'Usage records a ledger (usage sink) had to drop, e.g. because its queue was full.',
      labelNames: ['sink'],
      registers,
      collect() {
        this.reset();
        for (const [sink, label] of sinks) this.inc({ sink: label }, Math.max(0, sink.dropped));
      },
    });
  }

  observe(sink: DropCounter, name: string): () => void {
    this.#sinks.set(sink, name);
    return () => {
      this.#sinks.delete(sink);
    };
  }

  /** The status for this scrape: gauges collected together share one read; a failed read leaves them empty. */
  #status(): Promise<ManagerStatus | undefined> {
    if (this.#snapshot) return this.#snapshot;
    const snapshot = this.#source.status().then(
      (status) => status,
      () => undefined,
    );
    this.#snapshot = snapshot;
    // Shared by the collectors of one scrape (they start together), then dropped.
    void snapshot.then(() => {
      setImmediate(() => {
        if (this.#snapshot === snapshot) this.#snapshot = undefined;
      });
    });
    return snapshot;
  }
}
