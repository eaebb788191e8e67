import { z } from 'zod';
import { handleQueueEvent } from '../sync/worker';
import { engine } from './engine';

const AsyncEventSchema = z.looseObject({ body: z.unknown() });

/** Consumer of `sync-queue`: all outgoing and incoming work (see src/sync/worker.ts). */
export async function syncWorker(event: unknown): Promise<void> {
  const parsed = AsyncEventSchema.parse(event);
  await handleQueueEvent(engine(), parsed.body);
}
