import { z } from 'zod';
import { sweep } from '../sync/sweeper';
import { engine } from './engine';

const ScheduledSchema = z.looseObject({ context: z.looseObject({ cloudId: z.string().optional() }).optional() }).nullish();

/** Scheduled trigger `sweeper`. */
export async function sweeper(payload: unknown): Promise<void> {
  const parsed = ScheduledSchema.safeParse(payload);
  await sweep(engine(parsed.success ? parsed.data?.context?.cloudId : undefined));
}
