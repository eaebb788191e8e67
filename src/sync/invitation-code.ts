import { z } from 'zod';

/** What an invitation code carries: base64url of this JSON. The token is the one-time secret. */
export const InvitationCodeSchema = z.strictObject({
  v: z.literal(1),
  connectionId: z.string().min(1).max(100),
  inboxUrl: z.url(),
  token: z.string().min(32).max(200),
  expiresAt: z.iso.datetime(),
  /** the connection's name as the inviter chose it */
  name: z.string().max(200),
  siteName: z.string().max(200),
});
export type InvitationCode = z.infer<typeof InvitationCodeSchema>;

export function encodeInvitation(code: InvitationCode): string {
  return Buffer.from(JSON.stringify(code), 'utf8').toString('base64url');
}

export function decodeInvitation(text: string): InvitationCode | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9_-]{20,4000}$/.test(trimmed)) return null;
  try {
    const parsed = InvitationCodeSchema.safeParse(JSON.parse(Buffer.from(trimmed, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
