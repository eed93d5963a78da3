// Loaded with `--import` before @portkey-ai/gateway's own start script, which listens on every
// interface and reports nothing to a parent. This makes its listen bind 127.0.0.1 only and report
// the port over IPC like the other bench servers (start it with `--port=0`).
import { Server } from 'node:net';
import { portOf, serveChild } from './ipc.js';

const listen = Server.prototype.listen;
let reported = false;

Server.prototype.listen = function patchedListen(this: Server, ...args: unknown[]): Server {
  if (typeof args[0] === 'number') {
    if (args[1] === undefined || args[1] === null) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  }
  this.once('listening', () => {
    if (reported) return;
    reported = true;
    serveChild(portOf(this.address()), () => {
      this.close();
    });
  });
  return listen.apply(this, args as Parameters<typeof listen>);
};
