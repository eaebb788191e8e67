import { fetch } from '@forge/api';
import type { TransportPort, TransportRequest, TransportResponse } from '../../ports/transport';

/** POSTs to the remote site's web trigger through Forge's egress-controlled fetch. */
export class ForgeTransport implements TransportPort {
  async post(request: TransportRequest): Promise<TransportResponse> {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const headers: Record<string, string> = {};
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter !== null) headers['retry-after'] = retryAfter;
    return { status: response.status, headers, body: await response.text() };
  }
}
