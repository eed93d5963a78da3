import { attachUsageSink, Manager, MemoryUsageSink, SpendCounter } from 'switchyard';
import { credentials, executors } from './context.js';

const manager = new Manager({ executors, credentials }); // @hide
export async function ledger(): Promise<void> {
  // #region usage-ledger
  const sink = new MemoryUsageSink({ capacity: 50_000 }); // or await FileUsageSink.open({ dir }), new PostgresUsageSink(dsn)
  attachUsageSink(manager, sink);
  const byKey = await sink.aggregate({ groupBy: ['principal'], bucket: 'day', from: Date.now() - 7 * 86_400_000 });

  // Spend per client key for budgets: the same cost numbers the ledger stores.
  const spend = new SpendCounter();
  await spend.seed(sink);
  manager.addHooks({ onUsage: (record) => spend.add(record) });
  spend.spent('key:1a2b3c4d', 'month'); // { USD: 12.34 }
  // #endregion usage-ledger
  console.log(byKey);
}
