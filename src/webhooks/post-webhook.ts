import { request } from 'undici';

/** One POST of a signed webhook body; the receiver's status and (truncated) body come back. */
export async function postWebhook(
  url: string,
  body: unknown,
  options: { userAgent: string; timeoutMs: number },
): Promise<{ statusCode: number; text: string }> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': options.userAgent },
    body: JSON.stringify(body),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const text = (await response.body.text()).slice(0, 2000);
  return { statusCode: response.statusCode, text };
}
