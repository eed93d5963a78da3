// #region mount-node
import { createServer } from 'node:http';
import { createNodeListener } from 'switchyard/node';
import { handler } from './context.js'; // @hide

createServer(createNodeListener(handler)).listen(8317);
// #endregion mount-node
