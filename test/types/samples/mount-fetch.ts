// #region mount-fetch
import { createFetchHandler } from 'switchyard/fetch';
import { handler } from './context.js'; // @hide

const fetchHandler = createFetchHandler(handler, { pathPrefix: '/llm' }); // (Request) => Promise<Response>
export const POST = fetchHandler; // e.g. a Next.js route handler at app/llm/[...path]/route.ts
export const GET = fetchHandler;
// #endregion mount-fetch
