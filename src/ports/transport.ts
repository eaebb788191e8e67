/** Sends an HTTP POST to the remote site's inbox. */
export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface TransportPort {
  /** resolves with any HTTP answer; rejects only on network failure */
  post(request: TransportRequest): Promise<TransportResponse>;
}
