import type { Notification, Pool, PoolClient } from 'pg';

/** Callbacks of a {@link ChangeListener}. */
export interface ChangeListenerHandlers {
  /** A row changed (the payload names it; the store re-reads the row, the payload is never trusted as data). */
  onChange(id: string): void;
  /** LISTEN is in place again after a lost connection: time to compare with the table and catch up. */
  onReconnect(): Promise<void>;
  /** The connection was lost or could not be made; the listener keeps trying. */
  onError(error: Error): void;
}

/** Backoff of the reconnect attempts. */
export interface ReconnectOptions {
  /** First delay, ms. Default 100. */
  minDelayMs?: number;
  /** Cap, ms. Default 5000. */
  maxDelayMs?: number;
}

/**
 * Holds one pooled connection in LISTEN on the store's channel. When the connection dies (database
 * restart, `pg_terminate_backend`, network) it reconnects with capped exponential backoff and asks the
 * store to resynchronise, because notifications sent while nobody listened are gone for good.
 */
export class ChangeListener {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #handlers: ChangeListenerHandlers;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  #client: PoolClient | undefined;
  #connecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #connectedOnce = false;
  #stopped = false;

  constructor(pool: Pool, channel: string, handlers: ChangeListenerHandlers, options: ReconnectOptions = {}) {
    this.#pool = pool;
    this.#channel = channel;
    this.#handlers = handlers;
    this.#minDelayMs = options.minDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** Resolves once LISTEN is in place (or the listener was stopped). */
  start(): Promise<void> {
    if (this.#client || this.#stopped) return Promise.resolve();
    this.#connecting ??= this.#connect(0).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** True while a connection is listening. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN "${this.#channel}"`);
      client.release();
    } catch {
      client.release(true);
    }
  }

  async #connect(attempt: number): Promise<void> {
    for (let n = attempt; !this.#stopped; n++) {
      let client: PoolClient | undefined;
      try {
        client = await this.#pool.connect();
        this.#attach(client);
        await client.query(`LISTEN "${this.#channel}"`);
        if (this.#stopped) {
          client.release();
          return;
        }
        this.#client = client;
        const reconnected = this.#connectedOnce;
        this.#connectedOnce = true;
        if (reconnected) await this.#handlers.onReconnect().catch((err: Error) => this.#handlers.onError(err));
        return;
      } catch (err) {
        client?.release(true);
        this.#handlers.onError(err instanceof Error ? err : new Error(String(err)));
        await this.#sleep(this.#delay(n));
      }
    }
  }

  #attach(client: PoolClient): void {
    client.on('notification', (message: Notification) => {
      if (message.channel !== this.#channel || !message.payload) return;
      try {
        const payload = JSON.parse(message.payload) as { id?: unknown };
        if (typeof payload.id === 'string') this.#handlers.onChange(payload.id);
      } catch {
        // A foreign NOTIFY on our channel; nothing to re-read.
      }
    });
    const lost = (err?: Error) => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.release(err ?? true);
      this.#handlers.onError(err ?? new Error('LISTEN connection ended'));
      if (!this.#stopped) void this.start();
    };
    // Without an 'error' listener a dropped checked-out client would crash the process.
    client.on('error', lost);
    client.on('end', () => lost());
  }

  #delay(attempt: number): number {
    const base = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#timer = setTimeout(resolve, ms);
      this.#timer.unref?.();
    });
  }
}
