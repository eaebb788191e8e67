import { z } from 'zod';
import { handleInbox } from '../sync/inbox';
import { engine } from './engine';

const WebTriggerRequestSchema = z.looseObject({
  method: z.string().default('POST'),
  headers: z.record(z.string(), z.union([z.array(z.string()), z.string()])).default({}),
  body: z.string().nullish(),
  context: z.looseObject({ cloudId: z.string().optional() }).optional(),
});

/** Web trigger `replica-inbox`: verify, de-duplicate, store, enqueue, answer (see src/sync/inbox.ts). */
export async function inbox(request: unknown): Promise<{ statusCode: number; headers: Record<string, string[]>; body: string }> {
  const parsed = WebTriggerRequestSchema.safeParse(request);
  if (!parsed.success) return { statusCode: 400, headers: { 'Content-Type': ['application/json'] }, body: JSON.stringify({ ok: false, message: 'malformed request' }) };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.data.headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name.toLowerCase()] = first;
  }
  const response = await handleInbox(engine(parsed.data.context?.cloudId), { method: parsed.data.method, headers, body: parsed.data.body ?? '' });
  return {
    statusCode: response.status,
    headers: { 'Content-Type': ['application/json'], ...(response.retryAfterSeconds !== undefined ? { 'Retry-After': [String(response.retryAfterSeconds)] } : {}) },
    body: JSON.stringify(response.body),
  };
}
