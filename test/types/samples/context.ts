// What the guide's samples start from: a Manager on the offline mock provider and its handler. The
// samples import it on lines marked `// @hide`, which the documentation leaves out.
import { Manager, mockExecutor } from 'switchyard';
import { createHandler } from 'switchyard/http';

export const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'mock-a', provider: 'mock' }] });
export const handler = createHandler(manager, { apiKeys: ['sk-gateway'] });
