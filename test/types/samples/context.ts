// What the guide's samples start from: a Manager on the offline mock provider and its handler. The
// samples import these on lines marked `// @hide`, which the documentation leaves out.
import { type Credential, type Executor, Manager, mockExecutor } from 'switchyard';
import { createHandler } from 'switchyard/http';

export const executors: Executor[] = [mockExecutor()];
export const credentials: Credential[] = [{ id: 'mock-a', provider: 'mock' }];
export const manager = new Manager({ executors, credentials });
export const handler = createHandler(manager, { apiKeys: ['sk-gateway'] });
